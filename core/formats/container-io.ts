import type { ByteSource } from '../io/byte-source.ts';

/**
 * Small I/O helpers shared by the container readers (zip, tar, npy, torch-legacy, compression):
 * windows onto a ByteSource without copying, bounded materialization, CRC-32.
 */

/** A window [offset, offset + length) of `source`, read lazily: slicing never reads tensor bytes. */
export function sliceSource(source: ByteSource, offset: number, length: number, name: string): ByteSource {
  const start = Math.max(0, Math.min(offset, source.size));
  const size = Math.max(0, Math.min(length, source.size - start));
  return {
    name,
    size,
    read: (at, len) => {
      if (at >= size || len <= 0) return Promise.resolve(new Uint8Array(0));
      return source.read(start + at, Math.min(len, size - at));
    },
    async *stream() {
      for (let at = 0; at < size; at += CHUNK) yield await source.read(start + at, Math.min(CHUNK, size - at));
    },
  };
}

/** Read size for sequential walks: small enough that one decompression push stays bounded. */
const CHUNK = 64 << 10;

/** Yields [offset, offset + length) of `source` in CHUNK pieces via random access. */
export async function* readRange(source: ByteSource, offset: number, length: number): AsyncIterable<Uint8Array> {
  const end = Math.min(source.size, offset + length);
  for (let at = offset; at < end; at += CHUNK) {
    const chunk = await source.read(at, Math.min(CHUNK, end - at));
    if (chunk.byteLength === 0) return;
    yield chunk;
  }
}

/** Growable byte buffer with a hard cap: the cap is the in-memory budget (ScanBudget.maxMemberBytes). */
export class BoundedBuffer {
  private buf = new Uint8Array(64 << 10);
  length = 0;
  constructor(readonly cap: number) {}
  /** False (and nothing appended) when the cap would be exceeded. */
  push(chunk: Uint8Array): boolean {
    if (this.length + chunk.byteLength > this.cap) return false;
    if (this.length + chunk.byteLength > this.buf.byteLength) {
      let next = this.buf.byteLength * 2;
      while (next < this.length + chunk.byteLength) next *= 2;
      const grown = new Uint8Array(Math.min(next, Math.max(this.cap, this.length + chunk.byteLength)));
      grown.set(this.buf.subarray(0, this.length));
      this.buf = grown;
    }
    this.buf.set(chunk, this.length);
    this.length += chunk.byteLength;
    return true;
  }
  bytes(): Uint8Array {
    return this.buf.subarray(0, this.length);
  }
}

/** Why a decompression stopped before its end: the member cap, the whole-file budget, or the ratio. */
export type InflateStop = 'too-large' | 'budget' | 'ratio';

/**
 * Past RATIO_FLOOR bytes of output, more than MAX_RATIO output bytes per compressed byte is a bomb:
 * deflate peaks near 1032:1 on constant data, pickles and text stay under ~20:1, and a legit member
 * that is mostly one repeated byte is not worth unpacking to check. Below the floor every ratio passes,
 * so small highly compressible members (short pickles, configs) are always read.
 */
export const MAX_RATIO = 200;
export const RATIO_FLOOR = 4 << 20;

export interface InflateLimits {
  /** Max bytes of the output kept in memory (ScanBudget.maxMemberBytes). */
  maxBytes: number;
  /** Inflated bytes the whole file may still produce (ScanBudget); `spend` counts them. */
  allowance: () => number;
  spend: (bytes: number) => void;
}

/**
 * Collects a decoder's output under the member cap, the whole-file budget and the ratio limit. The
 * decoder reports the compressed bytes it has consumed (`consumed`) before each push; after the first
 * refusal everything else is dropped, and the decoder is expected to stop feeding input.
 */
export class InflateSink {
  private readonly out: BoundedBuffer;
  stop: InflateStop | null = null;
  consumed = 0;
  constructor(private readonly limits: InflateLimits) {
    this.out = new BoundedBuffer(limits.maxBytes);
  }
  push = (chunk: Uint8Array): boolean => {
    if (this.stop) return false;
    this.limits.spend(chunk.byteLength);
    const total = this.out.length + chunk.byteLength;
    if (this.limits.allowance() < 0) this.stop = 'budget';
    else if (total > this.limits.maxBytes) this.stop = 'too-large';
    else if (total > RATIO_FLOOR && total > MAX_RATIO * Math.max(1, this.consumed)) this.stop = 'ratio';
    else this.out.push(chunk);
    return this.stop === null;
  };
  get length(): number {
    return this.out.length;
  }
  bytes(): Uint8Array {
    return this.out.bytes();
  }
  /** Why the output was refused, for a finding; null when it was not. */
  message(what: string): string | null {
    if (this.stop === 'budget') return `${what}: inflated-bytes budget exhausted`;
    if (this.stop === 'too-large') return `${what}: decompresses past ${this.limits.maxBytes} bytes`;
    if (this.stop === 'ratio') {
      return `${what}: more than ${MAX_RATIO}× its compressed size after ${this.consumed} compressed bytes (decompression bomb)`;
    }
    return null;
  }
}

/**
 * Input steps for the streaming inflaters. One push of N compressed bytes can produce ~1032×N (deflate's
 * limit), so pushes start small (4 KiB: at most ~4 MiB out before the sink sees it) and grow to 64 KiB
 * only while the stream so far expands less than FAST_RATIO: few pushes for real data (each fflate push
 * also copies its 32 KiB window), small ones for anything that looks like a bomb.
 */
const SMALL_STEP = 4 << 10;
const LARGE_STEP = 64 << 10;
const FAST_RATIO = 16;

function nextStep(sink: InflateSink): number {
  const calm = sink.consumed >= LARGE_STEP && sink.length < FAST_RATIO * sink.consumed;
  return calm ? LARGE_STEP : SMALL_STEP;
}

/** Yields [offset, offset + length) of `source` in steps sized by how the sink's output is growing. */
export async function* inflateSteps(
  source: ByteSource,
  offset: number,
  length: number,
  sink: InflateSink,
): AsyncIterable<Uint8Array> {
  const end = Math.min(source.size, offset + length);
  for (let at = offset; at < end;) {
    const chunk = await source.read(at, Math.min(nextStep(sink), end - at));
    if (chunk.byteLength === 0) return;
    at += chunk.byteLength;
    yield chunk;
  }
}

/** Slicing-by-8 tables: table k maps a byte seen k bytes earlier, so eight bytes fold per step. */
const CRC_TABLES = (() => {
  const t = new Uint32Array(8 * 256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  for (let n = 0; n < 256; n++) {
    for (let k = 1; k < 8; k++) t[k * 256 + n] = (t[(k - 1) * 256 + n]! >>> 8) ^ t[t[(k - 1) * 256 + n]! & 0xff]!;
  }
  return t;
})();

/** Incremental CRC-32 (ZIP/gzip polynomial): start with 0, feed chunks, compare with the header's value. */
export function crc32Update(crc: number, bytes: Uint8Array): number {
  const t = CRC_TABLES;
  let c = ~crc >>> 0;
  let i = 0;
  for (const end = bytes.byteLength - 8; i <= end; i += 8) {
    const lo = (c ^ (bytes[i]! | (bytes[i + 1]! << 8) | (bytes[i + 2]! << 16) | (bytes[i + 3]! << 24))) >>> 0;
    c =
      t[7 * 256 + (lo & 0xff)]! ^
      t[6 * 256 + ((lo >>> 8) & 0xff)]! ^
      t[5 * 256 + ((lo >>> 16) & 0xff)]! ^
      t[4 * 256 + (lo >>> 24)]! ^
      t[3 * 256 + bytes[i + 4]!]! ^
      t[2 * 256 + bytes[i + 5]!]! ^
      t[256 + bytes[i + 6]!]! ^
      t[bytes[i + 7]!]!;
  }
  for (; i < bytes.byteLength; i++) c = t[(c ^ bytes[i]!) & 0xff]! ^ (c >>> 8);
  return ~c >>> 0;
}

/** Little-endian readers that return undefined past the end instead of throwing. */
export function u16(b: Uint8Array, at: number): number {
  return (b[at] ?? 0) | ((b[at + 1] ?? 0) << 8);
}
export function u32(b: Uint8Array, at: number): number {
  return ((b[at] ?? 0) | ((b[at + 1] ?? 0) << 8) | ((b[at + 2] ?? 0) << 16) | ((b[at + 3] ?? 0) << 24)) >>> 0;
}
/** u64 as a Number; values past 2^53 come back as Infinity so every bound check rejects them. */
export function u64(b: Uint8Array, at: number): number {
  const lo = u32(b, at);
  const hi = u32(b, at + 4);
  return hi >= 0x200000 ? Infinity : hi * 0x100000000 + lo;
}

/** Latin-1 / UTF-8 decoding that never throws on hostile bytes. */
export function decodeName(bytes: Uint8Array, utf8: boolean): string {
  if (utf8) return new TextDecoder('utf-8').decode(bytes);
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return s;
}

export function startsWith(bytes: Uint8Array, magic: readonly number[], at = 0): boolean {
  return magic.every((m, i) => bytes[at + i] === m);
}

/** What Python's `int(text, base)` accepts, in ASCII: padding, a sign, the base prefix, `_` between digits. */
const PY_INT: Record<number, RegExp> = {
  8: /^[+-]?(?:0[oO]_?)?[0-7](?:_?[0-7])*$/,
  16: /^[+-]?(?:0[xX]_?)?[0-9a-fA-F](?:_?[0-9a-fA-F])*$/,
  10: /^[+-]?[0-9](?:_?[0-9])*$/,
};

/**
 * Python's `int(text, base)` for the numeric fields Python's readers parse that way (tar sizes and
 * checksums, pax sizes, joblib's Z-file length), so a field reads the same here and in the loader.
 * Returns null where Python raises ValueError; throws where the text is not ASCII, since Python then
 * also accepts any Unicode digit and whitespace, which this does not model (the caller fails closed).
 */
export function pyInt(text: string, base: 8 | 10 | 16): number | null {
  if (!isAscii(text)) throw new Error(`non-ASCII number field ${JSON.stringify(text)}`);
  const trimmed = text.replace(/^[ \t\n\r\v\f]+|[ \t\n\r\v\f]+$/g, '');
  if (!PY_INT[base]!.test(trimmed)) return null;
  const sign = trimmed.startsWith('-') ? -1 : 1;
  const digits = trimmed
    .replace(/^[+-]/, '')
    .replace(base === 8 ? /^0[oO]/ : /^0[xX]/, '')
    .replace(/_/g, '');
  const value = sign * parseInt(digits, base);
  return Number.isSafeInteger(value) ? value : null;
}

export function isAscii(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) > 0x7f) return false;
  return true;
}
