/**
 * Task heads: the layers a fine-tune is expected to re-initialise or resize (a new label set, a new
 * output vocabulary). Their replacement says "fine-tuned for another task", not "spliced from another model".
 */

/** Module names of task heads across HF conventions (`classifier.out_proj` is RoBERTa's head). */
const HEAD_SEGMENTS = new Set(['classifier', 'score', 'lm_head', 'qa_outputs', 'cls', 'head']);
/** GGUF's output projection is the top-level `output`. */
const TOP_LEVEL_HEADS = new Set(['output']);

/** True when any dot-separated segment of the layer name is a head's module name. */
export function isHeadLayer(layer: string): boolean {
  if (TOP_LEVEL_HEADS.has(layer)) return true;
  return layer.split('.').some((segment) => HEAD_SEGMENTS.has(segment));
}
