/**
 * Half-precision decoding for the weight diff: F16 (IEEE 754 binary16) and BF16 (the top
 * 16 bits of a binary32) become Float32 chunk by chunk, so a model stored in 16 bits is never widened whole.
 * Byte order is little-endian, as in safetensors and GGUF; hosts are assumed little-endian (every browser
 * and Node platform ModelGate runs on), so typed-array views are read without swapping.
 */

import { f16BitsToF32 } from '../formats/f16.ts';

let f16Table: Float32Array | undefined;

/** All 65,536 values once (256 KiB): a table lookup beats bit twiddling per element in JS. */
function table(): Float32Array {
  if (!f16Table) {
    f16Table = new Float32Array(65536);
    for (let i = 0; i < 65536; i++) f16Table[i] = f16BitsToF32(i);
  }
  return f16Table;
}

/** A copy with its own buffer: views need an aligned offset, and a read may return any subarray. */
function aligned(bytes: Uint8Array): ArrayBuffer {
  // A copy, not `slice()`: on a Node Buffer `slice()` is a view and `.buffer` is the whole pool.
  return new Uint8Array(bytes).buffer;
}

export function decodeF32(bytes: Uint8Array): Float32Array {
  return new Float32Array(aligned(bytes), 0, bytes.byteLength >> 2);
}

export function decodeF16(bytes: Uint8Array): Float32Array {
  const bits = new Uint16Array(aligned(bytes), 0, bytes.byteLength >> 1);
  const out = new Float32Array(bits.length);
  const lookup = table();
  for (let i = 0; i < bits.length; i++) out[i] = lookup[bits[i]!]!;
  return out;
}

export function decodeBf16(bytes: Uint8Array): Float32Array {
  const bits = new Uint16Array(aligned(bytes), 0, bytes.byteLength >> 1);
  const out = new Float32Array(bits.length);
  const words = new Uint32Array(out.buffer);
  for (let i = 0; i < bits.length; i++) words[i] = bits[i]! << 16;
  return out;
}

/** Element decoders by dtype name (safetensors spelling; GGUF's F32/F16/BF16 are spelled the same). */
export const DECODERS: Readonly<Record<string, { bytes: number; decode: (b: Uint8Array) => Float32Array }>> = {
  F32: { bytes: 4, decode: decodeF32 },
  F16: { bytes: 2, decode: decodeF16 },
  BF16: { bytes: 2, decode: decodeBf16 },
};
