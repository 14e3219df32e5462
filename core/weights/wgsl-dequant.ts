import { FormatError } from '../formats/format-error.ts';
import { GGML_TYPES } from '../formats/ggml-types.ts';

/**
 * WGSL decoders of GGUF's quantized blocks (llama.cpp's ggml-common.h layouts, dequantize_row_* in
 * ggml-quants.c) → f32, one shader per type. Each thread decodes one element from the raw block bytes, which
 * are bound as array<u32> because WGSL has no byte type: blocks of 18, 22 or 34 bytes are not word-aligned,
 * so every field is read byte by byte (`byte_at`). GPU calls live in workers/gpu-dequant.ts.
 *
 * Exactness: every product below is of an f16 scale (11 significant bits) and small integers (≤ 12 bits
 * together), so it is exact in f32, and at most one addition rounds; WGSL rounds + − × correctly, so the
 * GPU gives the same f32 as any decoder that rounds the exact value once (core's CPU decoder, gguf-py),
 * whatever the order of the multiplications or a fused multiply-add. The grid's step is such a product (dl =
 * f16 scale × a sub-block scale of ≤ 8 bits, sign included), exact in f32 and so the CPU's bit for bit; its
 * edge is integer logic on the code.
 */
export const DEQUANT_WORKGROUP_SIZE = 256;
/**
 * Bytes of the uniform block: n (u32, elements in this dispatch), grid (u32, nonzero: also write step and
 * edge) and two words of padding (16-byte rule).
 */
export const DEQUANT_PARAMS_BYTES = 16;

/**
 * Each type's decode(o, j): element j of the block that starts at byte o, as an Element — its value, its
 * `step` (dl: the (sub-)block scale with its sign, the change of the value when the code goes up by one) and
 * its stored `code` (0…maxCode, unsigned). Offsets and bit positions follow the block structs field by field
 * (comments give the struct); sub-block order follows dequantize_row_*. The value is computed from the same
 * dl (`dl · q − ml`, left to right), so adding the grid changed no value's arithmetic.
 */
const DECODERS = {
  // block_q8_0 { f16 d; i8 qs[32]; }: y = d · q; the code is the byte with its sign bit flipped (0…255)
  Q8_0: /* wgsl */ `
fn decode(o: u32, j: u32) -> Element {
  let d = f16_at(o);
  return Element(d * f32(i8_at(o + 2u + j)), d, byte_at(o + 2u + j) ^ 0x80u);
}`,
  // block_q4_0 { f16 d; u8 qs[16]; }: low nibbles are elements 0..15, high nibbles 16..31; y = (q − 8) · d
  Q4_0: /* wgsl */ `
fn decode(o: u32, j: u32) -> Element {
  let q = nibble_at(o + 2u, j);
  let d = f16_at(o);
  return Element((f32(q) - 8.0) * d, d, q);
}`,
  // block_q4_1 { f16 d; f16 m; u8 qs[16]; }: y = q · d + m
  Q4_1: /* wgsl */ `
fn decode(o: u32, j: u32) -> Element {
  let q = nibble_at(o + 4u, j);
  let d = f16_at(o);
  return Element(f32(q) * d + f16_at(o + 2u), d, q);
}`,
  // block_q5_0 { f16 d; u8 qh[4]; u8 qs[16]; }: bit j of qh is element j's fifth bit; y = (q − 16) · d
  Q5_0: /* wgsl */ `
fn decode(o: u32, j: u32) -> Element {
  let q = nibble_at(o + 6u, j) | (((u32_at(o + 2u) >> j) & 1u) << 4u);
  let d = f16_at(o);
  return Element((f32(q) - 16.0) * d, d, q);
}`,
  // block_q5_1 { f16 d; f16 m; u8 qh[4]; u8 qs[16]; }: y = q · d + m
  Q5_1: /* wgsl */ `
fn decode(o: u32, j: u32) -> Element {
  let q = nibble_at(o + 8u, j) | (((u32_at(o + 4u) >> j) & 1u) << 4u);
  let d = f16_at(o);
  return Element(f32(q) * d + f16_at(o + 2u), d, q);
}`,
  // block_q2_K { u8 scales[16]; u8 qs[64]; f16 d; f16 dmin; }: per 16 elements a 4-bit scale (low) and min
  // (high); 2-bit q: element j = 128·half + 32·shift + l sits in qs[32·half + l] >> 2·shift.
  // y = d · scale · q − dmin · min
  Q2_K: /* wgsl */ `
fn decode(o: u32, j: u32) -> Element {
  let sc = byte_at(o + (j >> 4u));
  let q = (byte_at(o + 16u + ((j >> 7u) << 5u) + (j & 31u)) >> (((j >> 5u) & 3u) << 1u)) & 3u;
  let dl = f16_at(o + 80u) * f32(sc & 15u);
  return Element(dl * f32(q) - f16_at(o + 82u) * f32(sc >> 4u), dl, q);
}`,
  // block_q3_K { u8 hmask[32]; u8 qs[64]; u8 scales[12]; f16 d; }: 16 signed 6-bit scales (low 4 bits in
  // scales[0..8] nibbles, high 2 bits in scales[8..12]); 2-bit q as in Q2_K; element j = 32·k + l has its
  // high bit in hmask[l] >> k, and a clear high bit subtracts 4 (code = q + 4 · high bit, 0…7).
  // y = d · (scale − 32) · q
  Q3_K: /* wgsl */ `
fn decode(o: u32, j: u32) -> Element {
  let s = j >> 4u;
  let low = (byte_at(o + 96u + (s & 7u)) >> ((s >> 3u) << 2u)) & 15u;
  let high = (byte_at(o + 104u + (s & 3u)) >> ((s >> 2u) << 1u)) & 3u;
  let scale = i32(low | (high << 4u)) - 32;
  let ql = (byte_at(o + 32u + ((j >> 7u) << 5u) + (j & 31u)) >> (((j >> 5u) & 3u) << 1u)) & 3u;
  let hbit = (byte_at(o + (j & 31u)) >> (j >> 5u)) & 1u;
  let q = i32(ql) - select(4, 0, hbit == 1u);
  let dl = f16_at(o + 108u) * f32(scale);
  return Element(dl * f32(q), dl, ql | (hbit << 2u));
}`,
  // block_q4_K { f16 d; f16 dmin; u8 scales[12]; u8 qs[128]; }: 8 sub-blocks of 32 with 6-bit scale and min
  // (get_scale_min_k4); element j = 64·c + 32·h + l is qs[32·c + l] >> 4·h. y = d · scale · q − dmin · min
  Q4_K: /* wgsl */ `
fn decode(o: u32, j: u32) -> Element {
  let sm = scale_min_k4(o + 4u, j >> 5u);
  let q = (byte_at(o + 16u + ((j >> 6u) << 5u) + (j & 31u)) >> (((j >> 5u) & 1u) << 2u)) & 15u;
  let dl = f16_at(o) * f32(sm.x);
  return Element(dl * f32(q) - f16_at(o + 2u) * f32(sm.y), dl, q);
}`,
  // block_q5_K { f16 d; f16 dmin; u8 scales[12]; u8 qh[32]; u8 qs[128]; }: Q4_K plus a fifth bit, element
  // j = 32·k + l in qh[l] >> k
  Q5_K: /* wgsl */ `
fn decode(o: u32, j: u32) -> Element {
  let sm = scale_min_k4(o + 4u, j >> 5u);
  let ql = (byte_at(o + 48u + ((j >> 6u) << 5u) + (j & 31u)) >> (((j >> 5u) & 1u) << 2u)) & 15u;
  let q = ql | (((byte_at(o + 16u + (j & 31u)) >> (j >> 5u)) & 1u) << 4u);
  let dl = f16_at(o) * f32(sm.x);
  return Element(dl * f32(q) - f16_at(o + 2u) * f32(sm.y), dl, q);
}`,
  // block_q6_K { u8 ql[128]; u8 qh[64]; i8 scales[16]; f16 d; }: per half of 128 elements, element
  // 64·h + l has its low 4 bits in ql[64·half + l] >> 4·h and element 32·s + l its high 2 bits in
  // qh[32·half + l] >> 2·s. y = d · scale · (q − 32)
  Q6_K: /* wgsl */ `
fn decode(o: u32, j: u32) -> Element {
  let r = j & 127u;
  let ql = (byte_at(o + ((j >> 7u) << 6u) + (r & 63u)) >> ((r >> 6u) << 2u)) & 15u;
  let qh = (byte_at(o + 128u + ((j >> 7u) << 5u) + (j & 31u)) >> (((r >> 5u) & 3u) << 1u)) & 3u;
  let code = ql | (qh << 4u);
  let dl = f16_at(o + 208u) * f32(i8_at(o + 192u + (j >> 4u)));
  return Element(dl * f32(i32(code) - 32), dl, code);
}`,
} as const;

/** The highest stored code of each type (the lowest is 0): an element there has edge +1, at 0 edge −1. */
const MAX_CODE: Readonly<Record<keyof typeof DECODERS, number>> = {
  Q8_0: 255,
  Q4_0: 15,
  Q4_1: 15,
  Q5_0: 31,
  Q5_1: 31,
  Q2_K: 3,
  Q3_K: 7,
  Q4_K: 15,
  Q5_K: 31,
  Q6_K: 63,
};

export type WgslDequantType = keyof typeof DECODERS;

/** The ggml types with a WGSL decoder; others go to the CPU decoder. */
export const WGSL_DEQUANT_TYPES: ReadonlySet<string> = new Set(Object.keys(DECODERS));

export function hasWgslDecoder(typeName: string): typeName is WgslDequantType {
  return WGSL_DEQUANT_TYPES.has(typeName);
}

/** Elements and bytes of one block of `typeName`, from the GGUF type table. */
export function blockLayout(typeName: string): { elements: number; bytes: number } {
  for (const type of GGML_TYPES.values()) {
    if (type.name === typeName && type.block) return type.block;
  }
  throw new Error(`no block layout for ggml type ${typeName}`);
}

/**
 * Helpers every decoder shares. f16 fields are decoded from their bits rather than with unpack2x16float:
 * WGSL lets an implementation flush subnormal inputs to zero, and a Q8_0 block whose largest weight is
 * below 7.8e-3 already has a subnormal scale. A NaN or infinite f16 (exponent 31) sets `nonFinite` instead,
 * because WGSL's arithmetic on them is undefined: the host then decodes that chunk on the CPU.
 */
const PRELUDE = /* wgsl */ `
struct Params {
  n: u32,
  grid: u32,
  pad1: u32,
  pad2: u32,
}

struct Element {
  value: f32,
  step: f32,
  code: u32,
}

@group(0) @binding(0) var<storage, read> blocks: array<u32>;
@group(0) @binding(1) var<storage, read_write> values: array<f32>;
@group(0) @binding(2) var<uniform> params: Params;
@group(0) @binding(3) var<storage, read_write> nonFinite: atomic<u32>;
@group(0) @binding(4) var<storage, read_write> steps: array<f32>;
@group(0) @binding(5) var<storage, read_write> edges: array<i32>;

fn byte_at(o: u32) -> u32 {
  return (blocks[o >> 2u] >> ((o & 3u) << 3u)) & 0xffu;
}

fn i8_at(o: u32) -> i32 {
  let b = byte_at(o);
  return i32(b) - select(0, 256, b >= 128u);
}

fn u32_at(o: u32) -> u32 {
  return byte_at(o) | (byte_at(o + 1u) << 8u) | (byte_at(o + 2u) << 16u) | (byte_at(o + 3u) << 24u);
}

// Element j of 32 packed as nibbles: j < 16 in the low nibble of byte j, j ≥ 16 in the high one of j − 16.
fn nibble_at(qs: u32, j: u32) -> u32 {
  return (byte_at(qs + (j & 15u)) >> ((j >> 4u) << 2u)) & 15u;
}

fn f16_at(o: u32) -> f32 {
  let h = byte_at(o) | (byte_at(o + 1u) << 8u);
  let sign = (h & 0x8000u) << 16u;
  let exponent = (h >> 10u) & 31u;
  let mantissa = h & 0x3ffu;
  if (exponent == 31u) {
    atomicOr(&nonFinite, 1u);
    return 0.0;
  }
  if (exponent == 0u) {
    // Subnormal (or zero): mantissa · 2^-24, exact in f32 (a normal number there).
    let magnitude = f32(mantissa) * 5.9604644775390625e-8;
    return select(magnitude, -magnitude, sign != 0u);
  }
  return bitcast<f32>(sign | ((exponent + 112u) << 23u) | (mantissa << 13u));
}

// get_scale_min_k4: the 6-bit scale (x) and min (y) of sub-block s of 8 from the 12 scale bytes at k.
fn scale_min_k4(k: u32, s: u32) -> vec2<u32> {
  if (s < 4u) {
    return vec2<u32>(byte_at(k + s) & 63u, byte_at(k + s + 4u) & 63u);
  }
  let packed = byte_at(k + s + 4u);
  return vec2<u32>(
    (packed & 15u) | ((byte_at(k + s - 4u) >> 6u) << 4u),
    (packed >> 4u) | ((byte_at(k + s) >> 6u) << 4u),
  );
}
`;

/**
 * The shader that decodes `typeName`: entry point `main`, one thread per element of the dispatch. With
 * params.grid set it also writes each element's step (dl, the CPU's `step`) and edge (−1 at code 0, +1 at the
 * type's highest code, else 0: from the code, as the CPU's `edge`); dl is the same exact product as above,
 * so step is bit for bit the CPU's too.
 */
export function dequantWgsl(typeName: WgslDequantType): string {
  const { elements, bytes } = blockLayout(typeName);
  return `${PRELUDE}${DECODERS[typeName]}

@compute @workgroup_size(${DEQUANT_WORKGROUP_SIZE})
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let i = gid.x;
  if (i >= params.n) {
    return;
  }
  let e = decode((i / ${elements}u) * ${bytes}u, i % ${elements}u);
  values[i] = e.value;
  if (params.grid != 0u) {
    steps[i] = e.step;
    edges[i] = select(select(0, 1, e.code == ${MAX_CODE[typeName]}u), -1, e.code == 0u);
  }
}
`;
}

/** Bytes rounded up to whole u32 words: WebGPU copies and array<u32> bindings work in words. */
export function paddedByteLength(bytes: number): number {
  return Math.ceil(bytes / 4) * 4;
}

/**
 * The bytes to upload: `bytes` itself when a whole number of words, else a copy zero-padded to one
 * (writeBuffer copies whole words; the shader never reads the padding).
 */
export function paddedUpload(bytes: Uint8Array): Uint8Array {
  const padded = paddedByteLength(bytes.length);
  if (padded === bytes.length) return bytes;
  const copy = new Uint8Array(padded);
  copy.set(bytes);
  return copy;
}

/** One dispatch's share of a call: whole blocks, at most `maxElements` elements. */
export interface DequantChunk {
  elementOffset: number;
  elements: number;
  byteOffset: number;
  byteLength: number;
}

/**
 * Splits `elements` elements stored in `byteLength` bytes of `typeName` blocks into chunks of whole blocks,
 * each at most `maxElements`. Throws FormatError, as the CPU decoder does, unless the bytes are exactly those
 * blocks: a truncated or padded tensor is not decoded.
 */
export function dequantChunks(
  typeName: string,
  byteLength: number,
  elements: number,
  maxElements: number,
): DequantChunk[] {
  const block = blockLayout(typeName);
  if (!Number.isSafeInteger(elements) || elements < 0 || elements % block.elements !== 0) {
    throw new FormatError(`${elements} elements are not whole ${typeName} blocks of ${block.elements}`);
  }
  const blockCount = elements / block.elements;
  if (byteLength !== blockCount * block.bytes) {
    throw new FormatError(`${blockCount} ${typeName} blocks take ${blockCount * block.bytes} bytes, not ${byteLength}`);
  }
  const blocksPerChunk = Math.floor(maxElements / block.elements);
  if (blocksPerChunk < 1) throw new Error(`a chunk of ${maxElements} elements holds no ${typeName} block`);
  const chunks: DequantChunk[] = [];
  for (let first = 0; first < blockCount; first += blocksPerChunk) {
    const count = Math.min(blocksPerChunk, blockCount - first);
    chunks.push({
      elementOffset: first * block.elements,
      elements: count * block.elements,
      byteOffset: first * block.bytes,
      byteLength: count * block.bytes,
    });
  }
  return chunks;
}

/** Bytes of the largest chunk of `maxElements` elements of any WGSL-decoded type, padded to words. */
export function maxChunkBytes(maxElements: number): number {
  let most = 0;
  for (const typeName of WGSL_DEQUANT_TYPES) {
    const block = blockLayout(typeName);
    most = Math.max(most, Math.floor(maxElements / block.elements) * block.bytes);
  }
  return paddedByteLength(most);
}
