/**
 * ggml tensor types as stored in GGUF tensor info: block size (elements) and bytes per block, from
 * ggml.h `enum ggml_type` and gguf-py `GGML_QUANT_SIZES`. A size lets the validator compute each tensor's
 * byte span and check it against the data section (technique 37: lying tensor info, CVE-2026-7482).
 */
export interface GgmlType {
  name: string;
  /** Elements per block and bytes per block; absent when the layout is not known to the validator. */
  block?: { elements: number; bytes: number };
  /** Types that llama.cpp removed and now refuses to load. */
  removed?: boolean;
}

const QK_K = 256;

export const GGML_TYPES: ReadonlyMap<number, GgmlType> = new Map<number, GgmlType>([
  [0, { name: 'F32', block: { elements: 1, bytes: 4 } }],
  [1, { name: 'F16', block: { elements: 1, bytes: 2 } }],
  [2, { name: 'Q4_0', block: { elements: 32, bytes: 18 } }],
  [3, { name: 'Q4_1', block: { elements: 32, bytes: 20 } }],
  [4, { name: 'Q4_2', removed: true }],
  [5, { name: 'Q4_3', removed: true }],
  [6, { name: 'Q5_0', block: { elements: 32, bytes: 22 } }],
  [7, { name: 'Q5_1', block: { elements: 32, bytes: 24 } }],
  [8, { name: 'Q8_0', block: { elements: 32, bytes: 34 } }],
  [9, { name: 'Q8_1', block: { elements: 32, bytes: 36 } }],
  [10, { name: 'Q2_K', block: { elements: QK_K, bytes: 84 } }],
  [11, { name: 'Q3_K', block: { elements: QK_K, bytes: 110 } }],
  [12, { name: 'Q4_K', block: { elements: QK_K, bytes: 144 } }],
  [13, { name: 'Q5_K', block: { elements: QK_K, bytes: 176 } }],
  [14, { name: 'Q6_K', block: { elements: QK_K, bytes: 210 } }],
  [15, { name: 'Q8_K', block: { elements: QK_K, bytes: 292 } }],
  [16, { name: 'IQ2_XXS', block: { elements: QK_K, bytes: 66 } }],
  [17, { name: 'IQ2_XS', block: { elements: QK_K, bytes: 74 } }],
  [18, { name: 'IQ3_XXS', block: { elements: QK_K, bytes: 98 } }],
  [19, { name: 'IQ1_S', block: { elements: QK_K, bytes: 50 } }],
  [20, { name: 'IQ4_NL', block: { elements: 32, bytes: 18 } }],
  [21, { name: 'IQ3_S', block: { elements: QK_K, bytes: 110 } }],
  [22, { name: 'IQ2_S', block: { elements: QK_K, bytes: 82 } }],
  [23, { name: 'IQ4_XS', block: { elements: QK_K, bytes: 136 } }],
  [24, { name: 'I8', block: { elements: 1, bytes: 1 } }],
  [25, { name: 'I16', block: { elements: 1, bytes: 2 } }],
  [26, { name: 'I32', block: { elements: 1, bytes: 4 } }],
  [27, { name: 'I64', block: { elements: 1, bytes: 8 } }],
  [28, { name: 'F64', block: { elements: 1, bytes: 8 } }],
  [29, { name: 'IQ1_M', block: { elements: QK_K, bytes: 56 } }],
  [30, { name: 'BF16', block: { elements: 1, bytes: 2 } }],
  [31, { name: 'Q4_0_4_4', removed: true }],
  [32, { name: 'Q4_0_4_8', removed: true }],
  [33, { name: 'Q4_0_8_8', removed: true }],
  [34, { name: 'TQ1_0', block: { elements: QK_K, bytes: 54 } }],
  [35, { name: 'TQ2_0', block: { elements: QK_K, bytes: 66 } }],
  [36, { name: 'IQ4_NL_4_4', removed: true }],
  [37, { name: 'IQ4_NL_4_8', removed: true }],
  [38, { name: 'IQ4_NL_8_8', removed: true }],
  [39, { name: 'MXFP4', block: { elements: 32, bytes: 17 } }],
  [40, { name: 'NVFP4', block: { elements: 64, bytes: 36 } }],
  // Newer than the validator's sources agree on: known ids, block layout not relied on (→ unverified).
  [41, { name: 'Q1_0' }],
  [42, { name: 'Q2_0' }],
]);

/** Bytes of a tensor of `type` with `dims`, or null when unknown or when dims[0] is not a whole number of blocks. */
export function ggmlByteSize(type: GgmlType, dims: readonly bigint[]): bigint | null {
  if (!type.block) return null;
  const per = BigInt(type.block.elements);
  const first = dims[0] ?? 1n;
  if (first % per !== 0n) return null;
  const elements = dims.reduce((a, d) => a * d, 1n);
  return (elements / per) * BigInt(type.block.bytes);
}
