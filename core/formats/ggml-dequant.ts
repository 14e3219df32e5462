/**
 * Dequantization of ggml block-quantized tensors (GGUF) to Float32, following the block layouts of llama.cpp
 * (ggml-common.h `block_*`, ggml-quants.c `dequantize_row_*`). Every element is `dl·level − ml`: `dl` the
 * (sub-)block scale, `level` its stored code minus the type's offset, `ml` the (sub-)block minimum (0 for the
 * symmetric types). Results are bit-identical to ggml's float32 arithmetic (see `put`).
 * Little-endian; blocks are read byte by byte, so any byte offset works.
 */
import { FormatError } from './format-error.ts';
import { GGML_TYPES } from './ggml-types.ts';
import { f16BitsToF32 } from './f16.ts';

/** Where decoded elements go: values always; the rounding grid only when a caller asked for it. */
interface Sink {
  values: Float32Array;
  step?: Float32Array;
  edge?: Int8Array;
}

/** Decodes the block at byte offset `at` into elements `first`… of `sink`. */
type BlockDecoder = (bytes: Uint8Array, at: number, first: number, sink: Sink) => void;

function f16At(bytes: Uint8Array, at: number): number {
  return f16BitsToF32(bytes[at]! | (bytes[at + 1]! << 8));
}

/**
 * Element `i` from its code. An f16 scale (11 significant bits) times a sub-block scale and a level has at most 24
 * significant bits, so `dl` and `dl·level` are exact in float32, in ggml as here; only subtracting the minimum
 * rounds, once, as in ggml with or without fused multiply-add. JS subtracts in double and the Float32Array store
 * rounds that to float32: for one subtraction of float32 operands this equals float32 arithmetic.
 */
function put(sink: Sink, i: number, dl: number, code: number, offset: number, ml: number, maxCode: number): void {
  sink.values[i] = dl * (code - offset) - ml;
  if (!sink.step) return;
  sink.step[i] = dl;
  sink.edge![i] = code === 0 ? -1 : code === maxCode ? 1 : 0;
}

/** Q8_0: f16 d, then 32 int8. The code is the byte with its sign bit flipped (0…255): level = code − 128. */
const decodeQ8_0: BlockDecoder = (bytes, at, first, sink) => {
  const d = f16At(bytes, at);
  for (let j = 0; j < 32; j++) put(sink, first + j, d, bytes[at + 2 + j]! ^ 0x80, 128, 0, 255);
};

/**
 * The 32-element legacy types: f16 d, [f16 m], [u32 of fifth bits], 16 bytes of nibbles. Element j < 16 is the low
 * nibble of byte j, element j + 16 its high nibble; the fifth bit of element j is bit j of the u32.
 */
interface LegacyLayout {
  /** Q4_1/Q5_1: value = d·code + m (unsigned codes); else value = d·(code − half range). */
  hasMin: boolean;
  fifthBit: boolean;
}

function legacyDecoder(layout: LegacyLayout): BlockDecoder {
  const highAt = layout.hasMin ? 4 : 2;
  const nibblesAt = highAt + (layout.fifthBit ? 4 : 0);
  const maxCode = layout.fifthBit ? 31 : 15;
  const offset = layout.hasMin ? 0 : (maxCode + 1) / 2;
  return (bytes, at, first, sink) => {
    const d = f16At(bytes, at);
    // ggml adds m; `put` subtracts its ml, and x − (−m) rounds exactly as x + m.
    const ml = layout.hasMin ? -f16At(bytes, at + 2) : 0;
    const high = layout.fifthBit ? readU32(bytes, at + highAt) : 0;
    for (let j = 0; j < 32; j++) {
      const byte = bytes[at + nibblesAt + (j & 15)]!;
      const nibble = j < 16 ? byte & 0x0f : byte >> 4;
      const code = nibble | (((high >>> j) & 1) << 4);
      put(sink, first + j, d, code, offset, ml, maxCode);
    }
  };
}

function readU32(bytes: Uint8Array, at: number): number {
  return (bytes[at]! | (bytes[at + 1]! << 8) | (bytes[at + 2]! << 16) | (bytes[at + 3]! << 24)) >>> 0;
}

/**
 * 2-bit codes of the K types (Q2_K, Q3_K): each 128-element half has 32 bytes; element e takes bits 2·s…2·s+1
 * (s = (e / 32) mod 4) of byte e mod 32 of its half.
 */
function twoBitCode(bytes: Uint8Array, codesAt: number, e: number): number {
  const byte = bytes[codesAt + (e >> 7) * 32 + (e & 31)]!;
  return (byte >> (2 * ((e >> 5) & 3))) & 3;
}

/** One high bit per element (Q3_K, Q5_K): bit e / 32 of byte e mod 32. */
function highBit(bytes: Uint8Array, bitsAt: number, e: number): number {
  return (bytes[bitsAt + (e & 31)]! >> (e >> 5)) & 1;
}

/** 4-bit codes of Q4_K/Q5_K: 64-element chunks of 32 bytes, low nibbles for the first 32 elements, high after. */
function kNibble(bytes: Uint8Array, codesAt: number, e: number): number {
  const byte = bytes[codesAt + (e >> 6) * 32 + (e & 31)]!;
  return (e >> 5) & 1 ? byte >> 4 : byte & 0x0f;
}

/** Q2_K: 16 bytes of scales (low nibble: scale, high: min) per 16 elements, 64 bytes of codes, f16 d, f16 dmin. */
const decodeQ2_K: BlockDecoder = (bytes, at, first, sink) => {
  const d = f16At(bytes, at + 80);
  const dmin = f16At(bytes, at + 82);
  for (let sub = 0; sub < 16; sub++) {
    const scales = bytes[at + sub]!;
    const dl = d * (scales & 0x0f);
    const ml = dmin * (scales >> 4);
    for (let e = sub * 16; e < sub * 16 + 16; e++) put(sink, first + e, dl, twoBitCode(bytes, at + 16, e), 0, ml, 3);
  }
};

/**
 * Q3_K scale j of 16 (6 bits, stored + 32): low 4 bits in byte j mod 8 (low nibble for j < 8, high for j ≥ 8), high
 * 2 bits in byte 8 + j mod 4 at bit 2·(j / 4).
 */
function q3kScale(bytes: Uint8Array, scalesAt: number, j: number): number {
  const low = (bytes[scalesAt + (j & 7)]! >> (j < 8 ? 0 : 4)) & 0x0f;
  const high = (bytes[scalesAt + 8 + (j & 3)]! >> (2 * (j >> 2))) & 3;
  return (low | (high << 4)) - 32;
}

/**
 * Q3_K: 32 bytes of high bits, 64 of 2-bit codes, 12 of scales, f16 d. The code is the 2 bits plus 4 × high bit
 * (0…7), the level code − 4: ggml subtracts 4 where the high bit is clear.
 */
const decodeQ3_K: BlockDecoder = (bytes, at, first, sink) => {
  const d = f16At(bytes, at + 108);
  for (let sub = 0; sub < 16; sub++) {
    const dl = d * q3kScale(bytes, at + 96, sub);
    for (let e = sub * 16; e < sub * 16 + 16; e++) {
      const code = twoBitCode(bytes, at + 32, e) | (highBit(bytes, at, e) << 2);
      put(sink, first + e, dl, code, 4, 0, 7);
    }
  }
};

/** ggml's `get_scale_min_k4`: 6-bit scale and min of sub-block j of 8 from the 12 packed bytes at `scalesAt`. */
function scaleMinK4(bytes: Uint8Array, scalesAt: number, j: number): { scale: number; min: number } {
  const s = (k: number) => bytes[scalesAt + k]!;
  if (j < 4) return { scale: s(j) & 63, min: s(j + 4) & 63 };
  return { scale: (s(j + 4) & 0x0f) | ((s(j - 4) >> 6) << 4), min: (s(j + 4) >> 4) | ((s(j) >> 6) << 4) };
}

/** Q4_K and Q5_K: f16 d, f16 dmin, 12 bytes of scales/mins, [32 bytes of fifth bits], 128 bytes of nibbles. */
function kQuantDecoder(fifthBit: boolean): BlockDecoder {
  const nibblesAt = fifthBit ? 48 : 16;
  const maxCode = fifthBit ? 31 : 15;
  return (bytes, at, first, sink) => {
    const d = f16At(bytes, at);
    const dmin = f16At(bytes, at + 2);
    for (let sub = 0; sub < 8; sub++) {
      const { scale, min } = scaleMinK4(bytes, at + 4, sub);
      const dl = d * scale;
      const ml = dmin * min;
      for (let e = sub * 32; e < sub * 32 + 32; e++) {
        const high = fifthBit ? highBit(bytes, at + 16, e) : 0;
        put(sink, first + e, dl, kNibble(bytes, at + nibblesAt, e) | (high << 4), 0, ml, maxCode);
      }
    }
  };
}

/**
 * Q6_K: 128 bytes of low nibbles, 64 of high 2-bit pairs, 16 int8 scales (one per 16 elements), f16 d. Per
 * 128-element half: low nibble from byte (e mod 64) of its 64 (low nibble for the first 64 elements, high for the
 * next), high pair as in the 2-bit K layout. Level = code − 32.
 */
const decodeQ6_K: BlockDecoder = (bytes, at, first, sink) => {
  const d = f16At(bytes, at + 208);
  for (let sub = 0; sub < 16; sub++) {
    const dl = d * ((bytes[at + 192 + sub]! << 24) >> 24);
    for (let e = sub * 16; e < sub * 16 + 16; e++) {
      const byte = bytes[at + (e >> 7) * 64 + (e & 63)]!;
      const low = (e >> 6) & 1 ? byte >> 4 : byte & 0x0f;
      put(sink, first + e, dl, low | (twoBitCode(bytes, at + 128, e) << 4), 32, 0, 63);
    }
  }
};

interface Plan {
  decoder: BlockDecoder;
  block: { elements: number; bytes: number };
}

/** Block shapes come from GGML_TYPES, the table the GGUF validator checks tensor spans with. */
function planOf(name: string, decoder: BlockDecoder): [string, Plan] {
  const block = [...GGML_TYPES.values()].find((t) => t.name === name)?.block;
  if (!block) throw new Error(`GGML_TYPES has no block shape for ${name}`);
  return [name, { decoder, block }];
}

const PLANS: ReadonlyMap<string, Plan> = new Map([
  planOf('Q8_0', decodeQ8_0),
  planOf('Q4_0', legacyDecoder({ hasMin: false, fifthBit: false })),
  planOf('Q4_1', legacyDecoder({ hasMin: true, fifthBit: false })),
  planOf('Q5_0', legacyDecoder({ hasMin: false, fifthBit: true })),
  planOf('Q5_1', legacyDecoder({ hasMin: true, fifthBit: true })),
  planOf('Q2_K', decodeQ2_K),
  planOf('Q3_K', decodeQ3_K),
  planOf('Q4_K', kQuantDecoder(false)),
  planOf('Q5_K', kQuantDecoder(true)),
  planOf('Q6_K', decodeQ6_K),
]);

/** ggml type names this module decodes. */
export const DEQUANTIZED_TYPES: ReadonlySet<string> = new Set(PLANS.keys());

/** The decoder and block shape of `typeName`, after checking that `blocks` holds exactly `elements` elements. */
function plan(typeName: string, blocks: Uint8Array, elements: number): Plan {
  const checked = PLANS.get(typeName);
  if (!checked) throw new FormatError(`ggml type ${typeName} cannot be dequantized`);
  const { block } = checked;
  // NaN and fractions fail here; negative or absurd counts fail the byte-length check below.
  if (elements % block.elements !== 0) {
    throw new FormatError(
      `${typeName}: ${elements} elements is not a whole number of ${block.elements}-element blocks`,
    );
  }
  const expected = (elements / block.elements) * block.bytes;
  if (blocks.byteLength !== expected) {
    throw new FormatError(`${typeName}: ${blocks.byteLength} bytes for ${elements} elements, expected ${expected}`);
  }
  return checked;
}

function decodeInto({ decoder, block }: Plan, blocks: Uint8Array, elements: number, sink: Sink): void {
  for (let b = 0; b * block.elements < elements; b++) decoder(blocks, b * block.bytes, b * block.elements, sink);
}

/** Float32 values of `elements` elements stored as whole blocks of `typeName` in `blocks` (throws FormatError). */
export function dequantize(typeName: string, blocks: Uint8Array, elements: number): Float32Array {
  const checked = plan(typeName, blocks, elements);
  const sink = { values: new Float32Array(elements) };
  decodeInto(checked, blocks, elements, sink);
  return sink.values;
}

/**
 * The values plus, per element, the change of its value when its code goes up by one (`step` = dl, negative
 * where the (sub-)block scale is: the lowest code is then the highest value) and whether its stored code is the
 * lowest (−1) or highest (+1) of the type's code range, else 0 (`edge`).
 */
export function dequantizeWithGrid(
  typeName: string,
  blocks: Uint8Array,
  elements: number,
): { values: Float32Array; step: Float32Array; edge: Int8Array } {
  const checked = plan(typeName, blocks, elements);
  const sink = {
    values: new Float32Array(elements),
    step: new Float32Array(elements),
    edge: new Int8Array(elements),
  };
  decodeInto(checked, blocks, elements, sink);
  return sink;
}
