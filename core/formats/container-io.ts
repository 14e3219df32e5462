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
export const CHUNK = 64 << 10;

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

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/** Incremental CRC-32 (ZIP/gzip polynomial): start with 0, feed chunks, compare with the header's value. */
export function crc32Update(crc: number, bytes: Uint8Array): number {
  let c = ~crc >>> 0;
  for (let i = 0; i < bytes.byteLength; i++) c = CRC_TABLE[(c ^ bytes[i]!) & 0xff]! ^ (c >>> 8);
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
