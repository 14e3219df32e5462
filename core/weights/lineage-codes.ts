import type { CatalogEntry } from '../check/types.ts';

/** Finding codes of the weight comparison with a claimed base: MG-LIN-001 … */
export const LINEAGE_CODES = {
  'MG-LIN-001': {
    severity: 'high',
    title: 'The model is not derived from the base it names',
    explanation:
      'Its weights point in unrelated directions from the base model’s, tensor by tensor, as a model trained from scratch would. A `base_model` claim for this pair is false.',
  },
  'MG-LIN-002': {
    severity: 'medium',
    title: 'Some layers were replaced or re-initialized',
    explanation:
      'Most weights stay close to the base, but the named layers do not: they were trained from scratch or swapped in. Check that the model card declares this change.',
  },
  'MG-LIN-003': {
    severity: 'low',
    title: 'Tensors differ in name or shape from the base',
    explanation:
      'Some tensors outside the task head exist in only one of the two models, or have a different shape, so they could not be compared (for example a removed or added block). An added, dropped or resized head and appended vocabulary rows are named in the summary instead.',
  },
  'MG-LIN-004': {
    severity: 'info',
    title: 'Some weights could not be compared',
    explanation:
      'They are stored in a type the comparison does not read (quantized GGUF blocks, integer tensors, ONNX initializers), so the verdict rests on the other tensors.',
  },
  'MG-LIN-005': {
    severity: 'medium',
    title: 'Some tensors use a quantization the comparison does not read',
    explanation:
      'They are stored in a GGUF quantization type that is not dequantized (for example the IQ types), so nothing is known about how they relate to the base: they could carry any change.',
    remedy:
      'Compare a quantization in a supported type (Q8_0, Q4_0, Q4_1, Q5_0, Q5_1, Q2_K … Q6_K), or the unquantized model.',
  },
  'MG-LIN-006': {
    severity: 'medium',
    title: 'The quantized weights are not a rounding of the base',
    explanation:
      'A quantization rounds every weight of the base to its block’s nearest level. Here values sit off their grid, or further from the base than the type’s measured error band: the weights were changed before quantization, so this is not only a quantization of the named base.',
  },
  'MG-LIN-007': {
    severity: 'medium',
    title: 'The GGUF tokenizer differs from the base’s',
    explanation:
      'The token strings or merges stored in the GGUF file (tokenizer.ggml.*) are not those of the base’s tokenizer.json: the same ids would mean other text, which a quantization never changes.',
  },
  'MG-LIN-008': {
    severity: 'medium',
    title: 'The GGUF hyperparameters or chat template differ from the base’s',
    explanation:
      'llama.cpp computes with the values in the GGUF metadata (head counts, rope base, norm epsilon, context length) and applies the file’s own chat template. Values other than the base’s config make another model out of the same weights, and another template changes every chat prompt.',
  },
  'MG-LIN-009': {
    severity: 'medium',
    title: 'The GGUF tokenizer or metadata could not be compared with the base',
    explanation:
      'The base folder lacks what the comparison needs (tokenizer.json, config.json), or the GGUF file lacks its tokenizer, so whether the file runs the base’s tokenizer and hyperparameters is unknown.',
    remedy: 'Compare against the base’s full folder, with config.json and tokenizer.json.',
  },
} satisfies Record<string, CatalogEntry>;

export type LineageCode = keyof typeof LINEAGE_CODES;
