/**
 * Is a quantized tensor the base's own values rounded to its grid? Every llama.cpp quantizer of the types the
 * diff decodes ends the same way (quantize_row_*_ref and *_impl in ggml-quants.c): with the block's scales fixed,
 * each code is the level nearest to the input value, clamped to the type's code range. So for a quantization
 * of the base, every base value lies within half a step of its dequantized value, or beyond the end of the
 * code range it was clamped to. A fine-tune that moves a weight across a rounding boundary breaks that, even
 * when its overall error stays inside the quantization's usual band; the quantizer's only freedom, the
 * per-block scales, cannot place arbitrary values on the grid.
 */

/**
 * Tolerance beyond half a step. The legacy types round with the unrounded f32 scale and store it as f16
 * (relative error ≤ 2⁻¹¹): a level ℓ then moves by |ℓ|·step·2⁻¹¹, at most 128·2⁻¹¹ = 2⁻⁴ of a step for
 * Q8_0's ±128 levels. A stored f16 minimum (Q4_1, Q5_1) moves by |min|·2⁻¹¹, which `VALUE_SLACK`·|value|
 * bounds for blocks that do not straddle zero (min and level·step both ≤ |value|) and the step term bounds for
 * those that do (|min| ≤ 15 steps).
 */
export const STEP_SLACK = 2 ** -4;
export const VALUE_SLACK = 2 ** -10;

/**
 * Share of elements off their grid above which a GGUF tensor is not a quantization of the base. A quantizer
 * that rounds to nearest under its stored scales leaves none: the slack above covers f16 scales and ties, and
 * the fixtures' quantizations of every type measure 0. One in a million, not zero, so that a rare float effect
 * in a billion-element tensor does not turn a true quantization into "derived"; still small enough that one
 * edited row of a 150k-token embedding (≥ 6.7e-6 of it) is seen. A fine-tune, even a light one, moves a few
 * percent of the elements off the grid (the fixtures' lightest: 9e-3). A quantizer that refits a block's scale
 * after rounding (llama.cpp's legacy types with an importance matrix) can leave some too: such a file reads as
 * derived, never as a quantization it cannot be shown to be.
 */
export const MAX_OFF_GRID_SHARE = 1e-6;

/** How many of `base`'s values are not the nearest level (or a clamped end) of `quantized`'s grid. */
export function countOffGrid(
  base: Float32Array,
  quantized: { values: Float32Array; grid: { step: Float32Array; edge: Int8Array } },
): number {
  const { values } = quantized;
  const { step, edge } = quantized.grid;
  let off = 0;
  for (let i = 0; i < base.length; i++) {
    const x = base[i]!;
    const v = values[i]!;
    const gap = x - v;
    const s = step[i]!;
    if (Math.abs(gap) <= Math.abs(s) * (0.5 + STEP_SLACK) + Math.abs(v) * VALUE_SLACK) continue;
    // Clamped: the value lies beyond the end of the code range it sits at. With a negative scale the lowest
    // code is the highest value, so the open side is the edge's sign times the scale's.
    const open = edge[i]! * Math.sign(s);
    if ((open === -1 && gap < 0) || (open === 1 && gap > 0)) continue;
    off++;
  }
  return off;
}

/** Half a unit in the last place of |x| in a float type with `mantissa` stored bits and `minExp` smallest normal. */
function halfUlp(x: number, mantissa: number, minExp: number): number {
  const a = Math.abs(x);
  const exp = a > 0 ? Math.max(Math.floor(Math.log2(a)), minExp) : minExp;
  return 2 ** (exp - mantissa - 1);
}

/** Is `stored` what `x` rounds to in `dtype` (F32, F16, BF16)? Unknown dtypes hold values exactly. */
function roundsTo(x: number, stored: number, dtype: string): boolean {
  if (x === stored) return true;
  if (dtype === 'F16') return Math.abs(x) <= 65504 && Math.abs(stored - x) <= halfUlp(x, 10, -14);
  if (dtype === 'BF16') return Math.abs(stored - x) <= halfUlp(x, 7, -126);
  return false;
}

/**
 * How many elements of two unquantized tensors are neither side's value rounded to the other side's dtype.
 * A converter that copies a tensor unquantized (norms and biases in F32, an F16 token embedding) only rounds each
 * value; an edit of a few rows or one norm element stays far inside a relative-change tolerance, but not this.
 */
export function countNotRounded(a: Float32Array, aDtype: string, b: Float32Array, bDtype: string): number {
  let off = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (x === y || roundsTo(x, y, bDtype) || roundsTo(y, x, aDtype)) continue;
    if (Number.isNaN(x) && Number.isNaN(y)) continue;
    off++;
  }
  return off;
}
