import { Inflate } from 'fflate';
import { memorySource, type ByteSource } from '../io/byte-source.ts';
import {
  crc32Update,
  decodeName,
  inflateSteps,
  InflateSink,
  readRange,
  type InflateLimits,
  type InflateStop,
  sliceSource,
  startsWith,
  u16,
  u32,
  u64,
} from './container-io.ts';

/**
 * A ZIP reader that sees an archive the way both kinds of loader do (techniques 3–6, 39): it reads the
 * central directory (what miniz/torch and Python's zipfile use to find members) AND every local header
 * (what streaming readers and some scanners use), and returns every entry by index, duplicates
 * included. Only headers are read; member data is streamed only when asked for (extractMember).
 * Spec: PKWARE APPNOTE 6.3.10 §4.3.
 */

export interface ZipEntry {
  index: number;
  /** Central-directory name: what torch/zipfile look members up by. */
  name: string;
  nameBytes: Uint8Array;
  /** Local-header name (CVE-2025-1944 when it differs); null when the local header is unreadable. */
  localName: string | null;
  localNameBytes: Uint8Array | null;
  flags: number;
  localFlags: number | null;
  method: number;
  localMethod: number | null;
  crc32: number;
  compressedSize: number;
  uncompressedSize: number;
  localCompressedSize: number | null;
  localUncompressedSize: number | null;
  /** Absolute offset of the local header (after the prepended-data adjustment). */
  headerOffset: number;
  /** Absolute offset of the member's data, as loaders compute it from the local header. */
  dataOffset: number | null;
  /** End of data (and data descriptor, if any): used for overlap and gap checks. */
  dataEnd: number | null;
  externalAttributes: number;
  versionMadeBy: number;
  localError?: string;
}

export interface ZipArchive {
  entries: ZipEntry[];
  /** Entry count the end record declares. */
  declaredEntries: number;
  /** True when more entries exist than `maxEntries` allows: the rest were not read. */
  truncated: boolean;
  zip64: boolean;
  eocdOffset: number;
  cdOffset: number;
  cdSize: number;
  /** Bytes before the archive, as Python's zipfile computes them ("concat"): a prefix polyglot. */
  prefixBytes: number;
  /** Bytes after the end record and its comment. */
  trailingBytes: number;
  /** Structural disagreements that do not stop reading (count vs directory size, …). */
  warnings: string[];
}

export interface ZipLimits {
  maxEntries: number;
  maxCentralDirBytes: number;
}

export const DEFAULT_ZIP_LIMITS: ZipLimits = { maxEntries: 100_000, maxCentralDirBytes: 64 << 20 };

export class ZipError extends Error {}

const LOCAL_SIG = [0x50, 0x4b, 0x03, 0x04];
const CENTRAL_SIG = [0x50, 0x4b, 0x01, 0x02];
const EOCD_SIG = [0x50, 0x4b, 0x05, 0x06];
const ZIP64_LOCATOR_SIG = [0x50, 0x4b, 0x06, 0x07];
const ZIP64_EOCD_SIG = [0x50, 0x4b, 0x06, 0x06];
const DESCRIPTOR_SIG = [0x50, 0x4b, 0x07, 0x08];
const EOCD_SIZE = 22;
const MAX_COMMENT = 0xffff;

/** First bytes of a ZIP: a local header, or the end record of an empty archive. */
export function isZip(head: Uint8Array): boolean {
  return startsWith(head, LOCAL_SIG) || startsWith(head, EOCD_SIG);
}

interface EndRecord {
  eocdOffset: number;
  declaredEntries: number;
  cdSize: number;
  cdOffset: number;
  /** Where the central directory must end (the ZIP64 end record, if any, else the EOCD). */
  cdEnd: number;
  zip64: boolean;
  trailingBytes: number;
}

/** Finds the last end-of-central-directory record, as Python's zipfile does (rfind in the last 64 KiB). */
async function findEndRecord(source: ByteSource): Promise<EndRecord> {
  const tailLength = Math.min(source.size, EOCD_SIZE + MAX_COMMENT);
  const tailStart = source.size - tailLength;
  const tail = await source.read(tailStart, tailLength);
  for (let at = tail.byteLength - EOCD_SIZE; at >= 0; at--) {
    if (!startsWith(tail, EOCD_SIG, at)) continue;
    const eocdOffset = tailStart + at;
    const commentLength = u16(tail, at + 20);
    const end = { eocdOffset, declaredEntries: u16(tail, at + 10), cdSize: u32(tail, at + 12) };
    const record: EndRecord = {
      ...end,
      cdOffset: u32(tail, at + 16),
      cdEnd: eocdOffset,
      zip64: false,
      trailingBytes: 0,
    };
    record.trailingBytes = Math.max(0, source.size - (eocdOffset + EOCD_SIZE + commentLength));
    await applyZip64(source, record);
    return record;
  }
  throw new ZipError('no end-of-central-directory record');
}

/** ZIP64 end record (APPNOTE §4.3.14–15): 64-bit counts and offsets when the 32-bit ones overflow. */
async function applyZip64(source: ByteSource, record: EndRecord): Promise<void> {
  if (record.eocdOffset < 20) return;
  const locator = await source.read(record.eocdOffset - 20, 20);
  if (!startsWith(locator, ZIP64_LOCATOR_SIG)) return;
  const at = u64(locator, 8);
  if (!(at + 56 <= record.eocdOffset - 20)) throw new ZipError('ZIP64 end record offset out of bounds');
  const z = await source.read(at, 56);
  if (!startsWith(z, ZIP64_EOCD_SIG)) throw new ZipError(`no ZIP64 end record at offset ${at}`);
  record.zip64 = true;
  record.declaredEntries = u64(z, 32);
  record.cdSize = u64(z, 40);
  record.cdOffset = u64(z, 48);
  record.cdEnd = at;
}

/** Reads the central directory and every local header. Throws ZipError when the directory is unreadable. */
export async function readZip(source: ByteSource, limits: ZipLimits = DEFAULT_ZIP_LIMITS): Promise<ZipArchive> {
  const end = await findEndRecord(source);
  if (!(end.cdSize <= Math.min(limits.maxCentralDirBytes, end.cdEnd))) {
    throw new ZipError(`central directory size ${end.cdSize} exceeds the file or the limit`);
  }
  const { cd, concat } = await locateCentralDirectory(source, end);
  const warnings: string[] = [];
  const entries = parseCentralDirectory(cd, concat, limits.maxEntries, warnings);
  const truncated = entries.length >= limits.maxEntries && end.declaredEntries > entries.length;
  if (!truncated && entries.length !== end.declaredEntries) {
    warnings.push(`end record declares ${end.declaredEntries} entries, directory holds ${entries.length}`);
  }
  for (const entry of entries) await readLocalHeader(source, entry);
  return {
    entries,
    declaredEntries: end.declaredEntries,
    truncated,
    zip64: end.zip64,
    eocdOffset: end.eocdOffset,
    cdOffset: end.cdOffset + concat,
    cdSize: end.cdSize,
    prefixBytes: concat,
    trailingBytes: end.trailingBytes,
    warnings,
  };
}

/**
 * miniz reads the directory at the stated offset; Python's zipfile shifts every offset by the bytes
 * prepended to the archive ("concat"). Try the stated offset first, then the shifted one.
 */
async function locateCentralDirectory(source: ByteSource, end: EndRecord): Promise<{ cd: Uint8Array; concat: number }> {
  if (end.cdSize === 0) return { cd: new Uint8Array(0), concat: 0 };
  const concat = end.cdEnd - end.cdSize - end.cdOffset;
  for (const shift of concat === 0 ? [0] : [0, concat]) {
    const at = end.cdOffset + shift;
    if (at < 0 || at + end.cdSize > end.cdEnd) continue;
    const cd = await source.read(at, end.cdSize);
    if (startsWith(cd, CENTRAL_SIG)) return { cd, concat: shift };
  }
  throw new ZipError(`no central directory at offset ${end.cdOffset}`);
}

function parseCentralDirectory(cd: Uint8Array, concat: number, maxEntries: number, warnings: string[]): ZipEntry[] {
  const entries: ZipEntry[] = [];
  let at = 0;
  while (at + 46 <= cd.byteLength && entries.length < maxEntries) {
    if (!startsWith(cd, CENTRAL_SIG, at)) {
      warnings.push(`unexpected bytes in the central directory at +${at}`);
      break;
    }
    const nameLength = u16(cd, at + 28);
    const extraLength = u16(cd, at + 30);
    const next = at + 46 + nameLength + extraLength + u16(cd, at + 32);
    if (next > cd.byteLength) throw new ZipError(`central directory entry ${entries.length} runs past its end`);
    entries.push(centralEntry(cd, at, entries.length, concat));
    at = next;
  }
  return entries;
}

function centralEntry(cd: Uint8Array, at: number, index: number, concat: number): ZipEntry {
  const flags = u16(cd, at + 8);
  const nameLength = u16(cd, at + 28);
  const nameBytes = cd.slice(at + 46, at + 46 + nameLength);
  const sizes = { usize: u32(cd, at + 24), csize: u32(cd, at + 20), offset: u32(cd, at + 42) };
  applyZip64Extra(cd.subarray(at + 46 + nameLength, at + 46 + nameLength + u16(cd, at + 30)), sizes);
  return {
    index,
    name: decodeName(nameBytes, (flags & 0x800) !== 0),
    nameBytes,
    localName: null,
    localNameBytes: null,
    flags,
    localFlags: null,
    method: u16(cd, at + 10),
    localMethod: null,
    crc32: u32(cd, at + 16),
    compressedSize: sizes.csize,
    uncompressedSize: sizes.usize,
    localCompressedSize: null,
    localUncompressedSize: null,
    headerOffset: sizes.offset + concat,
    dataOffset: null,
    dataEnd: null,
    externalAttributes: u32(cd, at + 38),
    versionMadeBy: u16(cd, at + 4),
  };
}

/** ZIP64 extended information (tag 0x0001, APPNOTE §4.5.3): only the fields saturated at 0xFFFFFFFF. */
function applyZip64Extra(extra: Uint8Array, sizes: { usize: number; csize: number; offset: number }): void {
  for (let at = 0; at + 4 <= extra.byteLength;) {
    const tag = u16(extra, at);
    const length = u16(extra, at + 2);
    if (tag === 0x0001) {
      let field = at + 4;
      for (const key of ['usize', 'csize', 'offset'] as const) {
        if (sizes[key] !== 0xffffffff || field + 8 > at + 4 + length) continue;
        sizes[key] = u64(extra, field);
        field += 8;
      }
      return;
    }
    at += 4 + length;
  }
}

/** Local header (APPNOTE §4.3.7): loaders take the data offset from its name and extra lengths. */
async function readLocalHeader(source: ByteSource, entry: ZipEntry): Promise<void> {
  if (!(entry.headerOffset + 30 <= source.size)) {
    entry.localError = `local header offset ${entry.headerOffset} is past the end of the file`;
    return;
  }
  const head = await source.read(entry.headerOffset, 30 + entry.nameBytes.byteLength);
  if (!startsWith(head, LOCAL_SIG)) {
    entry.localError = `no local header at offset ${entry.headerOffset}`;
    return;
  }
  const nameLength = u16(head, 26);
  const nameBytes =
    nameLength <= head.byteLength - 30
      ? head.slice(30, 30 + nameLength)
      : await source.read(entry.headerOffset + 30, nameLength);
  entry.localFlags = u16(head, 6);
  entry.localMethod = u16(head, 8);
  entry.localCompressedSize = u32(head, 18);
  entry.localUncompressedSize = u32(head, 22);
  entry.localNameBytes = nameBytes;
  entry.localName = decodeName(nameBytes, (entry.localFlags & 0x800) !== 0);
  entry.dataOffset = entry.headerOffset + 30 + nameLength + u16(head, 28);
  entry.dataEnd = entry.dataOffset + entry.compressedSize + (await descriptorLength(source, entry));
  if (entry.dataEnd > source.size) entry.localError = `member data runs past the end of the file`;
}

/** Data descriptor after the data when flag bit 3 is set (APPNOTE §4.3.9); signature optional. */
async function descriptorLength(source: ByteSource, entry: ZipEntry): Promise<number> {
  if ((entry.flags & 0x8) === 0 || entry.dataOffset === null) return 0;
  const sig = await source.read(entry.dataOffset + entry.compressedSize, 4);
  const wide = entry.compressedSize >= 0xffffffff || entry.uncompressedSize >= 0xffffffff ? 8 : 0;
  return (startsWith(sig, DESCRIPTOR_SIG) ? 16 : 12) + wide;
}

export type MemberData =
  | { status: 'ok'; source: ByteSource; crc32: number | null }
  | { status: 'unsupported' | 'error' | InflateStop; message: string };

export interface ExtractOptions extends InflateLimits {
  /** Stored members up to this size get their CRC computed (it means reading them). */
  maxCrcBytes: number;
}

/**
 * The member's bytes as a ByteSource. Stored members are a window onto the file (nothing read but
 * for the CRC); deflated ones are inflated in small input steps into a buffer that grows with the
 * output (never to the declared size), so a bomb stops at the member cap, the budget or the ratio.
 * Flags (encryption 0x1 …) are ignored, as miniz and older torch do (technique 4).
 */
export async function extractMember(source: ByteSource, entry: ZipEntry, opts: ExtractOptions): Promise<MemberData> {
  if (entry.dataOffset === null || entry.localError) {
    return { status: 'error', message: entry.localError ?? 'local header unreadable' };
  }
  if (entry.method === 0) return storedMember(source, entry, entry.dataOffset, opts);
  if (entry.method === 8) return inflateMember(source, entry, entry.dataOffset, opts);
  return { status: 'unsupported', message: `compression method ${entry.method} is not supported` };
}

async function storedMember(
  source: ByteSource,
  entry: ZipEntry,
  at: number,
  opts: ExtractOptions,
): Promise<MemberData> {
  const member = sliceSource(source, at, entry.compressedSize, entry.name);
  if (entry.compressedSize > opts.maxCrcBytes) return { status: 'ok', source: member, crc32: null };
  let crc = 0;
  for await (const chunk of readRange(source, at, entry.compressedSize)) crc = crc32Update(crc, chunk);
  return { status: 'ok', source: member, crc32: crc };
}

async function inflateMember(
  source: ByteSource,
  entry: ZipEntry,
  at: number,
  opts: ExtractOptions,
): Promise<MemberData> {
  const sink = new InflateSink(opts);
  let done = false;
  const inflate = new Inflate((chunk, final) => {
    done ||= final;
    sink.push(chunk);
  });
  try {
    for await (const step of inflateSteps(source, at, entry.compressedSize, sink)) {
      sink.consumed += step.byteLength;
      inflate.push(step, sink.consumed >= entry.compressedSize);
      if (sink.stop || done) break;
    }
  } catch (error) {
    return { status: 'error', message: `inflate failed: ${error instanceof Error ? error.message : String(error)}` };
  }
  const refused = sink.message(entry.name);
  if (sink.stop && refused) return { status: sink.stop, message: refused };
  if (!done) return { status: 'error', message: 'deflate stream truncated' };
  // CRC only once the member is known to fit: a refused bomb costs no checksum pass.
  const bytes = sink.bytes();
  return { status: 'ok', source: memorySource(entry.name, bytes), crc32: crc32Update(0, bytes) };
}

/** Bytes of a name as miniz compares them: ASCII letters folded to lower case, nothing else. */
function minizFold(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b >= 0x41 && b <= 0x5a ? b + 0x20 : b);
  return s;
}

/**
 * Every entry miniz's `mz_zip_reader_locate_file(name, flags 0)` may return for `name`: it compares
 * names byte-wise with only A–Z folded, and with duplicates or case variants the one a binary search
 * over its (unstable, heap-sorted) directory lands on is not predictable, so all of them count.
 * `name` is a C string to miniz: it ends at its first NUL.
 */
export function minizLookup(entries: readonly ZipEntry[], name: Uint8Array): ZipEntry[] {
  const nul = name.indexOf(0);
  const key = minizFold(nul < 0 ? name : name.subarray(0, nul));
  return entries.filter((e) => e.nameBytes.byteLength === key.length && minizFold(e.nameBytes) === key);
}
