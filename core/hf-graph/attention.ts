import { OnnxType } from './onnx-writer.ts';
import type { GraphBuilder } from './graph-builder.ts';

/**
 * Multi-head attention pieces shared by the encoder and decoder graphs, in the layout transformers uses:
 * [batch, heads, sequence, head_dim], masks added to the scores before the softmax.
 */

/** transformers masks with the most negative float32, not -inf, so a row never becomes NaN. */
const MASKED = -3.4028234663852886e38;

export function splitHeads(g: GraphBuilder, x: string, heads: number, headDim: number): string {
  return g.transpose(g.reshape(x, [0, 0, heads, headDim]), [0, 2, 1, 3]);
}

export function mergeHeads(g: GraphBuilder, x: string, width: number): string {
  return g.reshape(g.transpose(x, [0, 2, 1, 3]), [0, 0, width]);
}

/** Repeats each key/value head `times` for grouped-query attention (transformers' repeat_kv). */
export function repeatHeads(g: GraphBuilder, x: string, kvHeads: number, times: number, headDim: number): string {
  if (times === 1) return x;
  const expanded = g.op('Expand', [g.unsqueeze(x, [2]), g.constInts([1, 1, times, 1, 1])]);
  return g.reshape(expanded, [0, kvHeads * times, -1, headDim]);
}

/** softmax(q·kᵀ·scale + mask)·v */
export function scaledDotProduct(
  g: GraphBuilder,
  q: string,
  k: string,
  v: string,
  mask: string,
  scale: number,
): string {
  const scores = g.mul(g.matmul(q, g.transpose(k, [0, 1, 3, 2])), g.scalar(scale));
  return g.matmul(g.op('Softmax', [g.add(scores, mask)], { axis: -1 }), v);
}

/** 0..S−1 as int64 [seq], from input_ids' shape: absolute positions, and the rows and columns of a causal mask. */
export function sequencePositions(g: GraphBuilder, inputIds: string): string {
  const length = g.op('Squeeze', [
    g.op('Slice', [g.op('Shape', [inputIds]), g.constInts([1]), g.constInts([2])]),
    g.constInts([0]),
  ]);
  return g.op('Range', [g.constInts([0], []), length, g.constInts([1], [])]);
}

/** Padding only (encoders): [batch, 1, 1, seq], 0 where attended, MASKED elsewhere. */
export function paddingMask(g: GraphBuilder, attentionMask: string): string {
  const keep = g.cast(g.unsqueeze(attentionMask, [1, 2]), OnnxType.FLOAT);
  return g.mul(g.sub(g.scalar(1), keep), g.scalar(MASKED));
}

/**
 * Causal and padding (decoders), with an optional sliding window: [batch, 1, seq, seq]. Query i sees key j when
 * j ≤ i, j is not padding, and i − j < window.
 */
export function causalMask(g: GraphBuilder, inputIds: string, attentionMask: string, window?: number): string {
  const r = sequencePositions(g, inputIds);
  const rows = g.unsqueeze(r, [1]);
  const cols = g.unsqueeze(r, [0]);
  let allowed = g.cast(g.op('LessOrEqual', [cols, rows]), OnnxType.FLOAT);
  if (window !== undefined) {
    const inWindow = g.op('Greater', [cols, g.op('Sub', [rows, g.constInts([window], [])])]);
    allowed = g.mul(allowed, g.cast(inWindow, OnnxType.FLOAT));
  }
  const keep = g.cast(g.unsqueeze(attentionMask, [1, 2]), OnnxType.FLOAT);
  return g.mul(g.sub(g.scalar(1), g.mul(allowed, keep)), g.scalar(MASKED));
}
