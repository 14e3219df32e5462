/**
 * Decodes whole blocks of a ggml quantized type (GGUF) to Float32. The weight diff takes one so that the host
 * picks where decoding runs: core's CPU decoder (core/formats/ggml-dequant.ts) or a WGSL one in the worker.
 */
export type Dequantize = (typeName: string, blocks: Uint8Array, elements: number) => Promise<Float32Array>;
