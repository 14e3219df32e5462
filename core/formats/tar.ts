import type { ByteSource } from '../io/byte-source.ts';
import { decodeName } from './container-io.ts';

/**
 * tar (POSIX ustar, GNU, v7, pax) as Python's tarfile reads it — torch's oldest format is a tar
 * (technique 8). Only the 512-byte headers are read; members are windows onto the file. Like tarfile,
 * a bad header after the first one ends the archive (what follows is invisible to the loader).
 */

export interface TarEntry {
  index: number;
  name: string;
  /** '0' file, '1' hard link, '2' symlink, '5' directory, … ('\0' is normalized to '0'). */
  type: string;
  size: number;
  headerOffset: number;
  dataOffset: number;
  linkName: string;
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

function checksumOk(h: Uint8Array): boolean {
  const stored = parseOctal(h.subarray(148, 156));
  let unsigned = 0;
  let signed = 0;
  for (let i = 0; i < BLOCK; i++) {
    const b = i >= 148 && i < 156 ? 0x20 : h[i]!;
    unsigned += b;
    signed += b > 127 ? b - 256 : b;
  }
  return stored !== null && (stored === unsigned || stored === signed);
}

/** Octal with NUL/space padding, or GNU base-256 when the high bit of the first byte is set. */
function parseOctal(field: Uint8Array): number | null {
  if ((field[0] ?? 0) & 0x80) {
    let v = (field[0]! & 0x7f) as number;
    for (let i = 1; i < field.byteLength; i++) v = v * 256 + field[i]!;
    return Number.isSafeInteger(v) ? v : null;
  }
  const text = decodeName(field, false)
    .replace(/[\0 ]+$/, '')
    .replace(/^ +/, '');
  if (text === '') return 0;
  return /^[0-7]+$/.test(text) ? parseInt(text, 8) : null;
}

function cString(bytes: Uint8Array): string {
  const nul = bytes.indexOf(0);
  return decodeName(nul < 0 ? bytes : bytes.subarray(0, nul), true);
}

/** A first block that tarfile would open: valid checksum, plausible name. */
export function isTar(head: Uint8Array): boolean {
  if (head.byteLength < BLOCK || head.subarray(0, BLOCK).every((b) => b === 0)) return false;
  return checksumOk(head.subarray(0, BLOCK)) && head[0] !== 0;
}

interface Pending {
  name?: string;
  linkName?: string;
  size?: number;
}

export async function readTar(source: ByteSource): Promise<TarArchive> {
  const entries: TarEntry[] = [];
  let at = 0;
  let pending: Pending = {};
  while (at + BLOCK <= source.size) {
    const h = await source.read(at, BLOCK);
    if (h.every((b) => b === 0)) return { entries, end: at, truncated: false };
    if (!checksumOk(h)) {
      if (at === 0) throw new TarError('first header fails its checksum');
      return { entries, end: at, stopped: `header at offset ${at} fails its checksum`, truncated: false };
    }
    const size = pending.size ?? parseOctal(h.subarray(124, 136));
    if (size === null) throw new TarError(`bad size field at offset ${at}`);
    const dataOffset = at + BLOCK;
    if (dataOffset + size > source.size) throw new TarError(`member at offset ${at} runs past the end of the file`);
    const type = h[156] === 0 ? '0' : String.fromCharCode(h[156]!);
    if ('xgLK'.includes(type)) {
      pending = await extendedHeader(source, type, dataOffset, size, pending);
    } else {
      entries.push(entryOf(h, type, size, at, pending, entries.length));
      pending = {};
      if (entries.length >= MAX_ENTRIES) return { entries, end: at, truncated: true };
    }
    at = dataOffset + Math.ceil(size / BLOCK) * BLOCK;
  }
  if (at < source.size) return { entries, end: at, stopped: 'incomplete final block', truncated: false };
  return { entries, end: at, truncated: false };
}

function entryOf(h: Uint8Array, type: string, size: number, at: number, pending: Pending, index: number): TarEntry {
  const ustar = decodeName(h.subarray(257, 262), false) === 'ustar';
  const prefix = ustar ? cString(h.subarray(345, 500)) : '';
  const base = cString(h.subarray(0, 100));
  return {
    index,
    name: pending.name ?? (prefix ? `${prefix}/${base}` : base),
    type,
    size,
    headerOffset: at,
    dataOffset: at + BLOCK,
    linkName: pending.linkName ?? cString(h.subarray(157, 257)),
  };
}

/** GNU long name/link ('L'/'K') and pax records ('x'; 'g' globals are ignored as tarfile mostly does). */
async function extendedHeader(
  source: ByteSource,
  type: string,
  at: number,
  size: number,
  pending: Pending,
): Promise<Pending> {
  if (size > MAX_EXTENDED) throw new TarError(`extended header of ${size} bytes at offset ${at}`);
  const data = await source.read(at, size);
  if (type === 'L') return { ...pending, name: cString(data) };
  if (type === 'K') return { ...pending, linkName: cString(data) };
  if (type === 'g') return pending;
  const next = { ...pending };
  const text = new TextDecoder('utf-8').decode(data);
  for (let i = 0; i < text.length;) {
    const m = /^(\d+) ([^=]+)=/.exec(text.slice(i, i + 256));
    if (!m) break;
    const record = text.slice(i + m[0].length, i + Number(m[1]) - 1);
    if (m[2] === 'path') next.name = record;
    if (m[2] === 'linkpath') next.linkName = record;
    if (m[2] === 'size' && /^\d+$/.test(record)) next.size = Number(record);
    if (Number(m[1]) <= 0) break;
    i += Number(m[1]);
  }
  return next;
}
