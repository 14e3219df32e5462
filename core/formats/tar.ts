import type { ByteSource } from '../io/byte-source.ts';
import { decodeName, isAscii, pyInt } from './container-io.ts';

/**
 * tar as Python's tarfile reads it (torch's oldest format is a tar: technique 8), modelled on
 * `TarInfo.fromtarfile` / `_proc_member`: GNU long names and links (L/K) and pax headers (x/X) patch
 * the member that follows them, pax global headers (g) patch every later member, sizes are read the
 * way `nti` reads them (octal through Python's int(), or base-256), and every type tarfile extracts
 * as a file (REGTYPE, AREGTYPE, CONTTYPE, GNU sparse and every unknown type) is a file here too.
 * Only headers are read; members are windows onto the file. Like tarfile, a bad header after the
 * first one ends the archive (what follows is invisible to the loader).
 */

export interface TarEntry {
  index: number;
  name: string;
  /** The type byte as tarfile keeps it ('\0' stays '\0'; an AREGTYPE named "…/" becomes '5'). */
  type: string;
  /** Bytes the loader reads from `dataOffset` (after pax and sparse overrides). */
  size: number;
  headerOffset: number;
  dataOffset: number;
  linkName: string;
  /** GNU sparse (old 'S' type or pax GNU.sparse.*): the loader rebuilds holes around the stored data. */
  sparse: boolean;
}

export interface TarArchive {
  entries: TarEntry[];
  /** Where the archive ends for the loader (end marker, bad header, or end of file). */
  end: number;
  /** Why reading stopped early, if it did before the end-of-archive marker. */
  stopped?: string;
  truncated: boolean;
}

export class TarError extends Error {}

const BLOCK = 512;
const MAX_ENTRIES = 100_000;
const MAX_EXTENDED = 1 << 20;
/** tarfile's SUPPORTED_TYPES that carry no file data; every other type is extracted as a file. */
const NON_FILE_TYPES = new Set(['1', '2', '3', '4', '5', '6']);
const GNU_TYPES = new Set(['L', 'K', 'S']);

/** `TarInfo.isreg() or type not in SUPPORTED_TYPES`: what tarfile extracts (and extractfile reads) as a file. */
export function isFileType(type: string): boolean {
  return !NON_FILE_TYPES.has(type);
}

/** `_block`: a size rounded up to whole blocks. */
function blocks(size: number): number {
  return Math.ceil(size / BLOCK) * BLOCK;
}

/** `nti`: base-256 when the first byte is 0x80 (0xFF is negative), else octal text up to its first NUL. */
function nti(field: Uint8Array): number | null {
  const first = field[0] ?? 0;
  if (first === 0x80 || first === 0xff) {
    let v = 0n;
    for (let i = 1; i < field.byteLength; i++) v = v * 256n + BigInt(field[i]!);
    if (first === 0xff) v -= 256n ** BigInt(field.byteLength - 1);
    const n = Number(v);
    return Number.isSafeInteger(n) ? n : null;
  }
  const nul = field.indexOf(0);
  const text = decodeName(nul < 0 ? field : field.subarray(0, nul), false);
  if (!isAscii(text)) return null;
  // `int(s.strip() or "0", 8)`: str.strip() also drops \x1c-\x1f, which int() alone would refuse.
  const stripped = pyStrip(text);
  return stripped === '' ? 0 : pyInt(stripped, 8);
}

/** Python's `str.strip()` over ASCII: \t \n \v \f \r, \x1c–\x1f and space. */
function pyStrip(text: string): string {
  const space = (c: number) => c === 0x20 || (c >= 0x09 && c <= 0x0d) || (c >= 0x1c && c <= 0x1f);
  let start = 0;
  let end = text.length;
  while (start < end && space(text.charCodeAt(start))) start++;
  while (end > start && space(text.charCodeAt(end - 1))) end--;
  return text.slice(start, end);
}

function checksumOk(h: Uint8Array): boolean {
  const stored = nti(h.subarray(148, 156));
  let unsigned = 256;
  let signed = 256;
  for (let i = 0; i < BLOCK; i++) {
    if (i >= 148 && i < 156) continue;
    const b = h[i]!;
    unsigned += b;
    signed += b > 127 ? b - 256 : b;
  }
  return stored !== null && (stored === unsigned || stored === signed);
}

/** `nts`: bytes up to the first NUL, decoded. */
function nts(bytes: Uint8Array): string {
  const nul = bytes.indexOf(0);
  return decodeName(nul < 0 ? bytes : bytes.subarray(0, nul), true);
}

/** A first block that tarfile would open: valid checksum, plausible name. */
export function isTar(head: Uint8Array): boolean {
  if (head.byteLength < BLOCK || head.subarray(0, BLOCK).every((b) => b === 0)) return false;
  // tarfile accepts any header whose checksum is right, an empty name included (torch.load's legacy reader too).
  return checksumOk(head.subarray(0, BLOCK));
}

/** One member as `fromtarfile` returns it, and where tarfile looks for the next header. */
interface Member {
  entry: Omit<TarEntry, 'index'>;
  next: number;
}

type Pax = Map<string, string>;

/** Raised for a header tarfile rejects: ends the archive, or fails it when it is the first one. */
class HeaderError extends Error {}

class Reader {
  readonly globals: Pax = new Map();
  constructor(readonly source: ByteSource) {}

  /** `fromtarfile` + `_proc_member`. */
  async member(at: number): Promise<Member | null> {
    const h = await this.source.read(at, BLOCK);
    if (h.byteLength < BLOCK) throw new HeaderError(h.byteLength ? 'truncated header' : 'end of file');
    if (h.every((b) => b === 0)) return null;
    if (!checksumOk(h)) throw new HeaderError('bad checksum');
    const size = nti(h.subarray(124, 136));
    if (size === null) throw new HeaderError('invalid size field');
    const type = String.fromCharCode(h[156]!);
    if (type === 'L' || type === 'K') return this.gnuLong(at, type, size);
    if (type === 'x' || type === 'g' || type === 'X') return this.pax(at, type, size);
    const entry = fromBuf(h, at, size);
    if (type === 'S') return this.sparse(h, entry);
    return this.builtin(entry);
  }

  private builtin(entry: Member['entry']): Member {
    const next = entry.dataOffset + (isFileType(entry.type) ? blocks(checkSize(entry.size)) : 0);
    applyPax(entry, this.globals);
    if (entry.type === '5') entry.name = entry.name.replace(/\/+$/, '');
    return { entry, next };
  }

  private async gnuLong(at: number, type: string, size: number): Promise<Member> {
    const data = await this.extended(at, size);
    const next = await this.subsequent(at + BLOCK + blocks(size));
    if (type === 'L') next.entry.name = nts(data);
    else next.entry.linkName = nts(data);
    if (next.entry.type === '5') next.entry.name = next.entry.name.replace(/\/+$/, '');
    next.entry.headerOffset = at;
    return next;
  }

  /** Old GNU sparse: the map continues in extension blocks; the stored data follows them. */
  private async sparse(h: Uint8Array, entry: Member['entry']): Promise<Member> {
    let extended = h[482] !== 0;
    let at = entry.dataOffset;
    while (extended) {
      const block = await this.source.read(at, BLOCK);
      if (block.byteLength < BLOCK) throw new HeaderError('truncated sparse header');
      extended = block[504] !== 0;
      at += BLOCK;
    }
    const stored = checkSize(entry.size);
    const realSize = nti(h.subarray(483, 495));
    if (realSize === null) throw new HeaderError('invalid sparse size');
    return { entry: { ...entry, dataOffset: at, size: stored, sparse: true }, next: at + blocks(stored) };
  }

  private async pax(at: number, type: string, size: number): Promise<Member> {
    const records = parsePax(await this.extended(at, size), at);
    const headers: Pax = type === 'g' ? this.globals : new Map(this.globals);
    for (const [key, value] of records) headers.set(key, value);
    const next = await this.subsequent(at + BLOCK + blocks(size));
    if ([...headers.keys()].some((k) => k.startsWith('GNU.sparse.'))) next.entry.sparse = true;
    if (type === 'g') return next;
    applyPax(next.entry, headers);
    next.entry.headerOffset = at;
    if (headers.has('size')) {
      next.next = next.entry.dataOffset + (isFileType(next.entry.type) ? blocks(checkSize(next.entry.size)) : 0);
    }
    return next;
  }

  /** The header an extended header applies to: any failure there fails the whole archive. */
  private async subsequent(at: number): Promise<Member> {
    try {
      const next = await this.member(at);
      if (next) return next;
    } catch (error) {
      if (!(error instanceof HeaderError)) throw error;
      throw new TarError(`header at offset ${at} after an extended header: ${error.message}`);
    }
    throw new TarError(`end of archive at offset ${at} right after an extended header`);
  }

  private async extended(at: number, size: number): Promise<Uint8Array> {
    if (size < 0 || size > MAX_EXTENDED) throw new TarError(`extended header of ${size} bytes at offset ${at}`);
    const data = await this.source.read(at + BLOCK, blocks(size));
    if (data.byteLength < size) throw new TarError(`extended header at offset ${at} runs past the end of the file`);
    return data;
  }
}

/** Negative sizes make tarfile's copy loops read odd amounts: refuse them (the caller fails closed). */
function checkSize(size: number): number {
  if (size < 0) throw new TarError(`negative member size ${size}`);
  return size;
}

/** `frombuf`: the fixed fields, the AREGTYPE-directory rule and the ustar prefix (set or not, magic or not). */
function fromBuf(h: Uint8Array, at: number, size: number): Member['entry'] {
  let type = String.fromCharCode(h[156]!);
  let name = nts(h.subarray(0, 100));
  if (type === '\0' && name.endsWith('/')) type = '5';
  if (type === '5') name = name.replace(/\/+$/, '');
  const prefix = nts(h.subarray(345, 500));
  if (prefix && !GNU_TYPES.has(type)) name = `${prefix}/${name}`;
  const linkName = nts(h.subarray(157, 257));
  return { name, type, size, headerOffset: at, dataOffset: at + BLOCK, linkName, sparse: false };
}

/** `_proc_pax` record framing: "<len> <key>=<value>\n", lengths in bytes, a NUL ends the list. */
function parsePax(buf: Uint8Array, at: number): [string, string][] {
  const records: [string, string][] = [];
  let pos = 0;
  while (pos < buf.byteLength && buf[pos] !== 0) {
    const head = /^([0-9]{1,20}) /.exec(decodeName(buf.subarray(pos, pos + 21), false));
    if (!head) throw new HeaderError(`invalid pax record in the header at offset ${at}`);
    const length = Number(head[1]);
    const end = pos + length - 1;
    if (length < 5 || pos + length > buf.byteLength || buf[end] !== 0x0a) {
      throw new HeaderError(`invalid pax record in the header at offset ${at}`);
    }
    const body = buf.subarray(pos + head[0].length, end);
    const eq = body.indexOf(0x3d);
    if (eq <= 0) throw new HeaderError(`invalid pax record in the header at offset ${at}`);
    records.push([decodeName(body.subarray(0, eq), true), decodeName(body.subarray(eq + 1), true)]);
    pos += length;
  }
  return records;
}

/** `_apply_pax_info`: path, linkpath and size (Python int(); 0 when it raises), GNU sparse names and sizes. */
function applyPax(entry: Member['entry'], headers: Pax): void {
  for (const [key, value] of headers) {
    if (key === 'path' || key === 'GNU.sparse.name') entry.name = key === 'path' ? value.replace(/\/+$/, '') : value;
    else if (key === 'linkpath') entry.linkName = value;
    else if (key === 'size' || key === 'GNU.sparse.size' || key === 'GNU.sparse.realsize') {
      entry.size = paxNumber(key, value);
    }
  }
}

function paxNumber(key: string, value: string): number {
  let n: number | null;
  try {
    n = pyInt(value, 10);
  } catch (error) {
    throw new TarError(`pax ${key} ${JSON.stringify(value)}: ${error instanceof Error ? error.message : error}`);
  }
  // tarfile turns a bad "size" into 0, but lets a bad GNU.sparse size fail the archive.
  if (n === null && key !== 'size') throw new TarError(`pax ${key} ${JSON.stringify(value)} is not a number`);
  return n ?? 0;
}

export async function readTar(source: ByteSource): Promise<TarArchive> {
  const reader = new Reader(source);
  const entries: TarEntry[] = [];
  let at = 0;
  for (;;) {
    let member: Member | null;
    try {
      member = await reader.member(at);
    } catch (error) {
      if (!(error instanceof HeaderError)) throw error;
      if (at === 0) throw new TarError(`first header: ${error.message}`);
      if (error.message === 'end of file') return { entries, end: at, truncated: false };
      return { entries, end: at, stopped: `header at offset ${at}: ${error.message}`, truncated: false };
    }
    if (!member) return { entries, end: at, truncated: false };
    if (member.next > source.size) throw new TarError(`member at offset ${at} runs past the end of the file`);
    entries.push({ ...member.entry, index: entries.length });
    if (entries.length >= MAX_ENTRIES) return { entries, end: member.next, truncated: true };
    at = member.next;
  }
}
