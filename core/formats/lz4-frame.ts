import { u32 } from './container-io.ts';

/**
 * LZ4 frame decoder (lz4 frame format 1.6.x), the format joblib's lz4 compressor writes (technique 12).
 * Written here rather than calling lz4js so that every copy is bounds-checked against the output
 * window: a hostile block can never write past it or loop past the input.
 */

export const LZ4_MAGIC = [0x04, 0x22, 0x4d, 0x18];
const BLOCK_SIZES: Record<number, number> = { 4: 64 << 10, 5: 256 << 10, 6: 1 << 20, 7: 4 << 20 };
const WINDOW = 64 << 10;

/** Decodes every frame in `src`, handing each decoded block to `emit`; emit returns false to stop. */
export function decodeLz4Frames(src: Uint8Array, emit: (chunk: Uint8Array) => boolean): void {
  let at = 0;
  while (at + 4 <= src.byteLength) {
    const magic = u32(src, at);
    if ((magic & 0xfffffff0) === 0x184d2a50) {
      at += 8 + u32(src, at + 4); // skippable frame
      continue;
    }
    if (magic !== 0x184d2204) throw new Error(`bad LZ4 frame magic at offset ${at}`);
    const next = decodeFrame(src, at + 4, emit);
    if (next < 0) return;
    at = next;
  }
}

/** Returns the offset after the frame, or -1 when emit asked to stop. */
function decodeFrame(src: Uint8Array, start: number, emit: (chunk: Uint8Array) => boolean): number {
  const flg = src[start] ?? 0;
  const bd = src[start + 1] ?? 0;
  if (flg >> 6 !== 1) throw new Error('unsupported LZ4 frame version');
  const blockMax = BLOCK_SIZES[(bd >> 4) & 7];
  if (!blockMax) throw new Error('bad LZ4 block size id');
  let at = start + 2 + (flg & 0x08 ? 8 : 0) + (flg & 0x01 ? 4 : 0) + 1;
  const blockChecksum = (flg & 0x10) !== 0;
  const dst = new Uint8Array(WINDOW + blockMax);
  let history = 0;
  for (;;) {
    if (at + 4 > src.byteLength) throw new Error('LZ4 frame truncated');
    const word = u32(src, at);
    at += 4;
    if (word === 0) break;
    const size = word & 0x7fffffff;
    if (size > blockMax || at + size > src.byteLength) throw new Error('LZ4 block size out of bounds');
    let end: number;
    if (word & 0x80000000) {
      dst.set(src.subarray(at, at + size), history);
      end = history + size;
    } else {
      end = decodeBlock(src, at, at + size, dst, history);
    }
    if (!emit(dst.slice(history, end))) return -1;
    const keep = Math.min(WINDOW, end);
    dst.copyWithin(0, end - keep, end);
    history = keep;
    at += size + (blockChecksum ? 4 : 0);
  }
  return at + (flg & 0x04 ? 4 : 0);
}

function readLength(src: Uint8Array, at: { s: number }, end: number, base: number): number {
  let length = base;
  for (;;) {
    if (at.s >= end) throw new Error('LZ4 length runs past the block');
    const b = src[at.s++]!;
    length += b;
    if (b !== 255) return length;
  }
}

/** One LZ4 block (lz4 block format): literals then matches, every index checked. */
export function decodeBlock(src: Uint8Array, start: number, end: number, dst: Uint8Array, dStart: number): number {
  const at = { s: start };
  let d = dStart;
  while (at.s < end) {
    const token = src[at.s++]!;
    const literals = token >> 4 === 15 ? readLength(src, at, end, 15) : token >> 4;
    if (at.s + literals > end || d + literals > dst.byteLength) throw new Error('LZ4 literals out of bounds');
    dst.set(src.subarray(at.s, at.s + literals), d);
    at.s += literals;
    d += literals;
    if (at.s >= end) break;
    if (at.s + 2 > end) throw new Error('LZ4 match offset truncated');
    const offset = src[at.s]! | (src[at.s + 1]! << 8);
    at.s += 2;
    if (offset === 0 || offset > d) throw new Error('LZ4 match offset out of bounds');
    const length = (token & 15) === 15 ? readLength(src, at, end, 19) : (token & 15) + 4;
    if (d + length > dst.byteLength) throw new Error('LZ4 output exceeds the block size');
    for (let i = 0; i < length; i++, d++) dst[d] = dst[d - offset]!;
  }
  return d;
}
