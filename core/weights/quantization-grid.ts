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
 * Share of elements off their grid above which a GGUF tensor is not a quantization of the base: none. A
 * quantizer that rounds to nearest under its stored scales leaves none (the slack above covers f16 scales and
 * ties; the fixtures' quantizations of every type measure 0), and any tolerance grows with the tensor into room
 * for edited rows. A quantizer that refits a block's scale after rounding (llama.cpp's legacy types with an
 * importance matrix) can leave some: such a file is reviewed, never called a quantization it cannot be shown to be.
 */
export const MAX_OFF_GRID_SHARE = 0;

/**
 * What an honest quantizer of each type does with a (sub-)block of values, so that a grid the values could not
 * have produced is seen:
 * - `subBlock`: how many values share one scale.
 * - `span`: the scale an honest quantizer picks is the values' extent over this many steps — the largest
 *   magnitude over the half span for the symmetric types (Q8_0: max|x| / 127; Q4_0: max|x| / 8), the range
 *   over the code count for those with a minimum (Q4_1: (max − min) / 15; the k-quants widen the range to
 *   include 0). `stepFactor` bounds the stored step against it: f16 rounding and the importance-matrix scale
 *   search of the legacy types stay within 1.25; a k-quant's 6- or 8-bit sub-block scale, rounded against the
 *   super-block's, may double a small scale (a half unit rounded up to one), and its scale search adds 14 %.
 *   A larger step would let any edit sit within "half a step".
 * - `clampSteps`: how far past the end of the code range a value may lie, in steps: 0 where the scale is set
 *   from the extreme values (Q8_0, Q4_1, Q5_1), 1 where the largest magnitude takes the lowest code and its
 *   opposite clamps one code past the highest (Q4_0, Q5_0), and for the k-quants one step of scale search plus
 *   half the code span (a halved scale). Never further than the sub-block's own spread.
 */
interface TypeGrid {
  subBlock: number;
  /** What the scale spans: the largest magnitude, the range, or the range widened to include 0 (k-quants). */
  extent: 'magnitude' | 'range' | 'range-with-zero';
  span: number;
  stepFactor: number;
  clampSteps: number;
}

const LEGACY = 1.25;
const K_QUANT = 2 * 1.14;

const GRIDS: Readonly<Record<string, TypeGrid>> = {
  Q8_0: { subBlock: 32, extent: 'magnitude', span: 127, stepFactor: LEGACY, clampSteps: 0 },
  Q4_0: { subBlock: 32, extent: 'magnitude', span: 8, stepFactor: LEGACY, clampSteps: 1 },
  Q5_0: { subBlock: 32, extent: 'magnitude', span: 16, stepFactor: LEGACY, clampSteps: 1 },
  Q4_1: { subBlock: 32, extent: 'range', span: 15, stepFactor: LEGACY, clampSteps: 0 },
  Q5_1: { subBlock: 32, extent: 'range', span: 31, stepFactor: LEGACY, clampSteps: 0 },
  Q2_K: { subBlock: 16, extent: 'range-with-zero', span: 3, stepFactor: K_QUANT, clampSteps: 1 + 3 / 2 },
  Q3_K: { subBlock: 16, extent: 'magnitude', span: 4, stepFactor: K_QUANT, clampSteps: 1 + 7 / 2 },
  Q4_K: { subBlock: 32, extent: 'range-with-zero', span: 15, stepFactor: K_QUANT, clampSteps: 1 + 15 / 2 },
  Q5_K: { subBlock: 32, extent: 'range-with-zero', span: 31, stepFactor: K_QUANT, clampSteps: 1 + 31 / 2 },
  Q6_K: { subBlock: 16, extent: 'magnitude', span: 32, stepFactor: K_QUANT, clampSteps: 1 + 63 / 2 },
};

/**
 * How many of `base`'s values are not the nearest level (or a clamped end) of `quantized`'s grid, or sit in a
 * sub-block whose step the values could not have produced. `base` starts on a sub-block boundary (chunks start
 * on block boundaries, and rows hold whole blocks). A type without a grid description counts every value off.
 */
export function countOffGrid(
  base: Float32Array,
  quantized: { values: Float32Array; grid: { step: Float32Array; edge: Int8Array } },
  type: string,
): number {
  const grid = GRIDS[type];
  if (!grid) return base.length;
  let off = 0;
  for (let start = 0; start < base.length; start += grid.subBlock) {
    off += offInSubBlock(base, quantized, grid, start, Math.min(start + grid.subBlock, base.length));
  }
  return off;
}

function offInSubBlock(
  base: Float32Array,
  { values, grid: { step, edge } }: { values: Float32Array; grid: { step: Float32Array; edge: Int8Array } },
  t: TypeGrid,
  start: number,
  end: number,
): number {
  const { lo, hi } = extent(base, start, end);
  const spread = hi - lo;
  const reference = {
    magnitude: Math.max(-lo, hi),
    range: spread,
    'range-with-zero': Math.max(hi, 0) - Math.min(lo, 0),
  }[t.extent];
  const largestStep = (t.stepFactor * reference) / t.span;
  let off = 0;
  for (let i = start; i < end; i++) {
    const x = base[i]!;
    const v = values[i]!;
    const s = Math.abs(step[i]!);
    const gap = x - v;
    const slack = s * STEP_SLACK + Math.abs(v) * VALUE_SLACK;
    if (s > largestStep * (1 + STEP_SLACK) + VALUE_SLACK * Math.abs(v)) off++;
    else if (Math.abs(gap) <= s * 0.5 + slack) continue;
    else if (!withinClamp(gap, s, edge[i]! * Math.sign(step[i]!), t.clampSteps, spread, slack)) off++;
  }
  return off;
}

/**
 * A sub-block whose scale rounded to 0 holds one level for all its values: its minimum, rounded on the
 * super-block's 6-bit min scale, which can leave it a little past the sub-block's own values (an outlier elsewhere
 * in the super-block makes that scale coarse). Its values may lie this many spreads from it, and no further.
 */
export const ZERO_STEP_SPREADS = 1.5;

/**
 * A value beyond the end of the code range it sits at, on that end's open side (a negative scale makes the lowest
 * code the highest value), within the type's clamp reach; or any value of a sub-block whose scale rounded to 0,
 * within ZERO_STEP_SPREADS of its level.
 */
function withinClamp(
  gap: number,
  step: number,
  open: number,
  clampSteps: number,
  spread: number,
  slack: number,
): boolean {
  if (step === 0) return Math.abs(gap) <= ZERO_STEP_SPREADS * spread + slack;
  const clamped = (open === -1 && gap < 0) || (open === 1 && gap > 0);
  return clamped && Math.abs(gap) <= Math.min((clampSteps + 0.5) * step, spread) + slack;
}

function extent(values: Float32Array, start: number, end: number): { lo: number; hi: number } {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = start; i < end; i++) {
    lo = Math.min(lo, values[i]!);
    hi = Math.max(hi, values[i]!);
  }
  return { lo, hi };
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
