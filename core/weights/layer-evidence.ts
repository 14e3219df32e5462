import type { TensorDiff } from './diff.ts';

/**
 * Which layers of a fine-tune were replaced (re-initialised, retrained from scratch, swapped in), judged
 * by the evidence of all their tensors weighted by parameter count, never by one tensor alone. Thresholds
 * and the measurements behind them: README.md here.
 */

/**
 * A matrix with cosine below this was replaced, not tuned. For a change Δ orthogonal to the weights,
 * cosine = 1/√(1 + (‖Δ‖/‖W‖)²): 0.5 means the change is √3 ≈ 1.7 times the matrix's own norm, while two
 * independent matrices (a re-init, another seed) have cosine ≈ 0.
 */
export const KEPT_MIN_COSINE = 0.5;

/**
 * A small tensor (bias, norm weight or bias) is replaced only when it moved further than its layer's
 * scale: rms(Δ) > this × the layer's scale (see smallTensorScale). Such tensors start at 0 or 1 and stay
 * near it, so a tuned bias of values near zero can flip sign (cosine < 0) by a move far below the
 * layer's scale; cosine says nothing about them.
 */
export const SMALL_MAX_MOVE = 1;

/** At least two dimensions above 1: a `[1, n]` bias is a small tensor, not a matrix. */
export function isMatrix(shape: readonly number[]): boolean {
  return shape.filter((d) => d > 1).length >= 2;
}

/** `model.layers.3.mlp.weight` → `model.layers.3.mlp`: weight and bias of one module are one layer. */
export function layerOf(tensor: string): string {
  const dot = tensor.lastIndexOf('.');
  return dot > 0 ? tensor.slice(0, dot) : tensor;
}

/**
 * The scale a small tensor's move is measured against: the largest base rms among its layer's tensors
 * (a norm's weight ≈ 1, a linear layer's weight matrix), and at least the model's typical matrix rms,
 * so that a bias alone in its layer, of values near zero, is not measured against its own near-zero rms.
 */
export function smallTensorScale(layer: readonly TensorDiff[], modelScale: number): number {
  return Math.max(modelScale, ...layer.map((t) => t.rmsBase));
}

/** Median base rms of the model's matrices: the typical weight scale (0 when there is no matrix). */
export function modelScale(tensors: readonly TensorDiff[]): number {
  const rms = tensors
    .filter((t) => isMatrix(t.shape))
    .map((t) => t.rmsBase)
    .sort((a, b) => a - b);
  return rms.length > 0 ? rms[Math.floor(rms.length / 2)]! : 0;
}

/** One tensor's evidence: matrices by direction, small tensors by absolute move against `scale`. */
export function tensorReplaced(t: TensorDiff, scale: number): boolean {
  if (isMatrix(t.shape)) return !(t.cosine >= KEPT_MIN_COSINE);
  // A base of zeros was never trained: there is nothing to replace.
  if (scale === 0) return false;
  return !(t.rmsChange <= SMALL_MAX_MOVE * scale);
}

export interface LayerEvidence {
  layer: string;
  /** Compared parameters of the layer. */
  count: number;
  /** Parameters of the layer's tensors whose evidence says replaced. */
  replacedCount: number;
  /** True when replaced tensors hold more than half of the layer's parameters. */
  replaced: boolean;
}

/** Layers in first-seen order, each with its parameter-weighted verdict. */
export function layerEvidence(tensors: readonly TensorDiff[]): LayerEvidence[] {
  const byLayer = new Map<string, TensorDiff[]>();
  for (const t of tensors) {
    const layer = layerOf(t.name);
    byLayer.set(layer, [...(byLayer.get(layer) ?? []), t]);
  }
  const typical = modelScale(tensors);
  return [...byLayer].map(([layer, members]) => {
    const scale = smallTensorScale(members, typical);
    const count = members.reduce((n, t) => n + t.count, 0);
    const replacedCount = members.filter((t) => tensorReplaced(t, scale)).reduce((n, t) => n + t.count, 0);
    return { layer, count, replacedCount, replaced: replacedCount * 2 > count };
  });
}
