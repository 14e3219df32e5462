/**
 * Decodes whole blocks of a ggml quantized type (GGUF) to Float32. The weight diff takes one so that the host
 * picks where decoding runs: core's CPU decoder (core/formats/ggml-dequant.ts) or a WGSL one in the worker.
 * With `withGrid`, it also returns each element's rounding grid exactly as the CPU's `dequantizeWithGrid`
 * gives it (`step`: the signed change of the value per code; `edge`: −1/+1 at the lowest/highest code, else
 * 0), which the diff needs to count a base's values off that grid; without it, `grid` is absent.
 */
export type Dequantize = (
  typeName: string,
  blocks: Uint8Array,
  elements: number,
  withGrid: boolean,
) => Promise<{ values: Float32Array; grid?: { step: Float32Array; edge: Int8Array } }>;
