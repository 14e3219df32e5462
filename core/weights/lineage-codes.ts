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
} satisfies Record<string, CatalogEntry>;

export type LineageCode = keyof typeof LINEAGE_CODES;
