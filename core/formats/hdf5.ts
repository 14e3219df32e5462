import type { ByteSource } from '../io/byte-source.ts';
import { FormatError, UnsupportedLayoutError } from './format-error.ts';
import { WindowReader } from './window-reader.ts';

/**
 * Minimal HDF5 reader: just enough to read the root group's string attributes, where Keras 2 stores
 * `model_config` and `training_config` (technique 34). Supports superblock v0–v3, object header v1 and
 * v2 (with continuation blocks), attribute messages v1–v3, fixed-length strings and variable-length
 * strings in a global heap. Dense attribute storage (fractal heap) is not implemented: the caller gets
 * UnsupportedLayoutError and must report "unverified", never benign.
 * Spec: https://docs.hdfgroup.org/hdf5/latest/_f_m_t3.html
 */

export const HDF5_MAGIC = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];
const MAX_MESSAGES = 4096;
const MAX_CONTINUATIONS = 64;
const MAX_ATTRIBUTE_BYTES = 64 << 20;

export function isHdf5(head: Uint8Array): boolean {
  return HDF5_MAGIC.every((b, i) => head[i] === b);
}

export interface Hdf5RootAttributes {
  /** Root attributes whose value is a string (fixed or variable length), by name. */
  strings: Map<string, string>;
  /** Names of root attributes of any type. */
  names: string[];
  /** True when some attributes live in dense storage that this reader cannot enumerate. */
  dense: boolean;
}

/** Where the file's structures are: the reader, the base address, and the offset and length sizes. */
export interface Ctx {
  r: WindowReader;
  base: number;
  so: number;
  sl: number;
}

/** Reads the superblock: the context for the other structures and the root group's object header address. */
export async function openHdf5(source: ByteSource): Promise<{ ctx: Ctx; root: number }> {
  const r = new WindowReader(source);
  const sb = await findSuperblock(r);
  const ctx: Ctx = { r, base: 0, so: 8, sl: 8 };
  return { ctx, root: await readSuperblock(ctx, sb) };
}

export async function readHdf5RootAttributes(source: ByteSource): Promise<Hdf5RootAttributes> {
  const { ctx, root } = await openHdf5(source);
  const out: Hdf5RootAttributes = { strings: new Map(), names: [], dense: false };
  for (const m of await objectHeaderMessages(ctx, root)) {
    if (m.type === 0x15) out.dense = true;
    if (m.type !== 0x0c) continue;
    const a = await readAttribute(ctx, m.at, m.size, m.headerVersion);
    out.names.push(a.name);
    if (a.value !== undefined) out.strings.set(a.name, a.value);
  }
  return out;
}

/** The superblock sits at 0 or after a user block at 512, 1024, 2048 … bytes. */
async function findSuperblock(r: WindowReader): Promise<number> {
  for (let at = 0; at + 8 <= r.size && at <= 1 << 20; at = at === 0 ? 512 : at * 2) {
    if (isHdf5(await r.bytes(at, 8))) return at;
  }
  throw new FormatError('no HDF5 superblock signature', 0);
}

async function readSuperblock(c: Ctx, at: number): Promise<number> {
  const head = await c.r.bytes(at, 16);
  const version = head[8] ?? 0;
  if (version === 0 || version === 1) {
    c.so = head[13] ?? 0;
    c.sl = head[14] ?? 0;
    checkSizes(c);
    const addrs = at + (version === 0 ? 24 : 28);
    c.base = await addr(c, addrs);
    // Root symbol table entry follows 4 addresses: link-name offset, then the object header address.
    return c.base + (await addr(c, addrs + 4 * c.so + c.so));
  }
  if (version === 2 || version === 3) {
    c.so = head[9] ?? 0;
    c.sl = head[10] ?? 0;
    checkSizes(c);
    c.base = await addr(c, at + 12);
    return c.base + (await addr(c, at + 12 + 3 * c.so));
  }
  throw new UnsupportedLayoutError(`HDF5 superblock version ${version}`);
}

function checkSizes(c: Ctx): void {
  if (![2, 4, 8].includes(c.so) || ![2, 4, 8].includes(c.sl)) {
    throw new FormatError(`HDF5 superblock declares offset size ${c.so} and length size ${c.sl}`, 0);
  }
}

export async function uint(c: Ctx, at: number, n: number): Promise<number> {
  const b = await c.r.bytes(at, n);
  let v = 0;
  for (let i = n - 1; i >= 0; i--) v = v * 256 + (b[i] ?? 0);
  if (!Number.isSafeInteger(v)) throw new FormatError(`HDF5 value at ${at} is too large`, at);
  return v;
}

function addr(c: Ctx, at: number): Promise<number> {
  return uint(c, at, c.so);
}

export interface RawMessage {
  type: number;
  at: number;
  size: number;
  headerVersion: number;
}

export async function objectHeaderMessages(c: Ctx, at: number): Promise<RawMessage[]> {
  const sig = await c.r.bytes(at, 4);
  if (sig[0] === 0x4f && sig[1] === 0x48 && sig[2] === 0x44 && sig[3] === 0x52) return objectHeaderV2(c, at);
  if (sig[0] !== 1) throw new UnsupportedLayoutError(`HDF5 object header version ${sig[0] ?? '?'}`);
  const size = await uint(c, at + 8, 4);
  const out: RawMessage[] = [];
  const blocks: [number, number][] = [[at + 16, size]];
  for (let i = 0; i < blocks.length && i <= MAX_CONTINUATIONS; i++) {
    const [start, len] = blocks[i]!;
    for (let p = start; p + 8 <= start + len && out.length < MAX_MESSAGES;) {
      const type = await uint(c, p, 2);
      const msize = await uint(c, p + 2, 2);
      if (p + 8 + msize > start + len) throw new FormatError(`HDF5 message at ${p} runs past its header block`, p);
      if (type === 0x10) blocks.push([c.base + (await addr(c, p + 8)), await uint(c, p + 8 + c.so, c.sl)]);
      out.push({ type, at: p + 8, size: msize, headerVersion: 1 });
      p += 8 + msize;
    }
  }
  return out;
}

async function objectHeaderV2(c: Ctx, at: number): Promise<RawMessage[]> {
  const flags = (await c.r.bytes(at + 5, 1))[0] ?? 0;
  let p = at + 6 + (flags & 0x20 ? 16 : 0) + (flags & 0x10 ? 4 : 0);
  const sizeBytes = 1 << (flags & 3);
  const chunk0 = await uint(c, p, sizeBytes);
  p += sizeBytes;
  const out: RawMessage[] = [];
  const blocks: [number, number][] = [[p, chunk0]];
  const hdr = 4 + (flags & 0x04 ? 2 : 0);
  for (let i = 0; i < blocks.length && i <= MAX_CONTINUATIONS; i++) {
    const [start, len] = blocks[i]!;
    for (let q = start; q + hdr <= start + len && out.length < MAX_MESSAGES;) {
      const type = await uint(c, q, 1);
      const msize = await uint(c, q + 1, 2);
      if (q + hdr + msize > start + len) throw new FormatError(`HDF5 message at ${q} runs past its header chunk`, q);
      if (type === 0x10) {
        // Continuation chunks start with "OCHK" and end with a 4-byte checksum.
        const target = c.base + (await addr(c, q + hdr));
        blocks.push([target + 4, (await uint(c, q + hdr + c.so, c.sl)) - 8]);
      }
      out.push({ type, at: q + hdr, size: msize, headerVersion: 2 });
      q += hdr + msize;
    }
  }
  return out;
}

async function readAttribute(c: Ctx, at: number, size: number, hv: number): Promise<{ name: string; value?: string }> {
  const b = await c.r.bytes(at, Math.min(size, 8));
  const version = b[0] ?? 0;
  if (version < 1 || version > 3) throw new UnsupportedLayoutError(`HDF5 attribute message version ${version}`);
  const nameSize = await uint(c, at + 2, 2);
  const dtSize = await uint(c, at + 4, 2);
  const dsSize = await uint(c, at + 6, 2);
  const pad = (n: number): number => (version === 1 ? Math.ceil(n / 8) * 8 : n);
  const nameAt = at + 8 + (version === 3 ? 1 : 0);
  const dtAt = nameAt + pad(nameSize);
  const dsAt = dtAt + pad(dtSize);
  const dataAt = dsAt + pad(dsSize);
  if (dataAt > at + size && hv > 0) throw new FormatError(`HDF5 attribute at ${at} is larger than its message`, at);
  const name = decodeZ(await c.r.bytes(nameAt, nameSize));
  return { name, value: await stringValue(c, dtAt, dataAt, at + size) };
}

/** The first element of a string attribute; undefined for other datatypes. */
async function stringValue(c: Ctx, dtAt: number, dataAt: number, end: number): Promise<string | undefined> {
  const dt = await c.r.bytes(dtAt, 8);
  const cls = (dt[0] ?? 0) & 0x0f;
  const elementSize = await uint(c, dtAt + 4, 4);
  if (cls === 3) {
    if (dataAt + elementSize > end)
      throw new FormatError(`HDF5 string attribute at ${dtAt} runs past its message`, dtAt);
    return decodeZ(await c.r.bytes(dataAt, elementSize));
  }
  if (cls === 9 && ((dt[1] ?? 0) & 0x0f) === 1) return vlenString(c, dataAt);
  return undefined;
}

/** Variable-length string: u32 length, then a global heap ID (collection address + u32 object index). */
async function vlenString(c: Ctx, at: number): Promise<string> {
  const length = await uint(c, at, 4);
  const collection = c.base + (await addr(c, at + 4));
  const index = await uint(c, at + 4 + c.so, 4);
  if (length > MAX_ATTRIBUTE_BYTES) throw new UnsupportedLayoutError(`HDF5 string attribute of ${length} bytes`);
  const sig = await c.r.bytes(collection, 4);
  if (decodeZ(sig) !== 'GCOL') throw new FormatError(`no global heap collection at ${collection}`, collection);
  const collSize = await uint(c, collection + 8, c.sl);
  const end = collection + collSize;
  for (let p = collection + 8 + c.sl; p + 8 + c.sl <= end;) {
    const idx = await uint(c, p, 2);
    const objSize = await uint(c, p + 8, c.sl);
    if (idx === 0) break;
    if (idx === index) return decodeZ(await c.r.bytes(p + 8 + c.sl, Math.min(objSize, length)));
    p += 8 + c.sl + Math.ceil(objSize / 8) * 8;
  }
  throw new FormatError(`global heap object ${index} not found in collection at ${collection}`, collection);
}

export function decodeZ(b: Uint8Array): string {
  const nul = b.indexOf(0);
  return new TextDecoder().decode(nul >= 0 ? b.subarray(0, nul) : b);
}
