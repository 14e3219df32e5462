import { test } from 'node:test';
import assert from 'node:assert/strict';
import { countNotRounded, countOffGrid, STEP_SLACK } from './quantization-grid.ts';
import { quantizationOutcome } from './quantization-outcome.ts';
import { QUANTIZATION_BANDS } from './quantization-bands.ts';
import type { ModelDiff, TensorDiff } from './diff.ts';

/**
 * A 32-value sub-block (Q4_K's, Q8_0's) whose base values spread over [-0.1, 0.1]; every value sits on its level
 * except element 0, which is `x` at level `v` with step `step` and code-range end `edge`.
 */
function off(x: number, v: number, step: number, edge = 0, type = 'Q4_K'): number {
  const base = Float32Array.from({ length: 32 }, (_, i) => -0.1 + (0.2 * i) / 31);
  const values = Float32Array.from(base);
  base[0] = x;
  values[0] = v;
  return countOffGrid(
    base,
    { values, grid: { step: new Float32Array(32).fill(step), edge: Int8Array.of(edge, ...new Int8Array(31)) } },
    type,
  );
}

test('a base value within half a step of its level is on the grid; past half a step (and the slack) it is off', () => {
  assert.equal(off(0.1049, 0.1, 0.01), 0);
  assert.equal(off(0.0951, 0.1, 0.01), 0);
  assert.equal(off(0.1 + 0.01 * (0.5 + STEP_SLACK) * 1.05, 0.1, 0.01), 1);
  assert.equal(off(0.1 - 0.01 * 0.7, 0.1, 0.01), 1);
});

test('a clamped level accepts values beyond it on its open side only, within the type’s reach', () => {
  // Q4_K: up to 8.5 steps past the top level, here 0.02 = 2 steps.
  assert.equal(off(0.12, 0.1, 0.01, 1), 0);
  assert.equal(off(-0.12, -0.1, 0.01, -1), 0);
  assert.equal(off(-0.12, 0.1, 0.01, 1), 1, 'wrong side');
  assert.equal(off(0.2, 0.1, 0.01, 1), 1, 'ten steps past the top level');
  // Q8_0 never clamps (its scale is the block's largest magnitude over 127): two steps past is off.
  const q8 = 0.1 / 127;
  assert.equal(off(0.1 + 0.4 * q8, 0.1, q8, 1, 'Q8_0'), 0);
  assert.equal(off(0.1 + 2 * q8, 0.1, q8, 1, 'Q8_0'), 1);
});

test('with a negative scale the lowest code is the highest value, so its open side is above', () => {
  assert.equal(off(0.12, 0.1, -0.01, -1), 0);
  assert.equal(off(-0.12, 0.1, -0.01, -1), 1);
  assert.equal(off(-0.12, -0.1, -0.01, 1), 0);
});

test('a step the sub-block’s values could not have produced puts it off the grid, however close the value', () => {
  // Q4_K's spread here is 0.2 (with 0): an honest step is at most 2.28 × 0.2 / 15 ≈ 0.03. A step of 1 would let
  // any edit sit within half a step.
  assert.equal(off(0.1, 0.1, 1), 32, 'every value of the sub-block');
  assert.equal(off(0.1, 0.1, 0.025), 0);
});

test('a tiny step cannot zero a sub-block through its clamped ends: the reach is in steps', () => {
  // Q6_K's reach is 32.5 steps: with a step of 1e-4, a value 0.1 past its clamped level is off.
  assert.equal(off(0.1, 0.0032, 1e-4, 1, 'Q6_K'), 1);
});

test('a sub-block whose scale rounded to 0 holds its values within 1.5 spreads of its level', () => {
  assert.equal(off(0.1, -0.1, 0), 0, 'one spread');
  assert.equal(off(0.1, -0.25, 0), 1, 'past 1.5 spreads (0.35 > 0.3)');
});

test('a type without a grid description counts every value off', () => {
  assert.equal(
    countOffGrid(
      Float32Array.of(1),
      { values: Float32Array.of(1), grid: { step: Float32Array.of(1), edge: Int8Array.of(0) } },
      'IQ4_NL',
    ),
    1,
  );
});

function quantized(type: string, f: { relChange: number; offGrid: number; count?: number }): TensorDiff {
  const count = f.count ?? 1 << 20;
  return {
    name: `model.layers.0.mlp.${type}.weight`,
    shape: [count],
    count,
    relChange: f.relChange,
    cosine: 0.99,
    maxAbsChange: 0.01,
    changedShare: 1,
    rmsBase: 0.02,
    rmsChange: 0.002,
    quantization: { type, offGrid: f.offGrid },
  };
}

function diffOf(tensors: TensorDiff[]): ModelDiff {
  return { tensors, onlyInBase: [], onlyInFinetune: [], shapeMismatches: [], notCompared: [], elements: 0 };
}

test('a quantization of the base: on the grid and within the band; either one broken is not', () => {
  const limit = QUANTIZATION_BANDS.Q4_K!.limit;
  const of = (t: TensorDiff) => quantizationOutcome(diffOf([t]), 5e-3)!.ofTheBase;
  assert.equal(of(quantized('Q4_K', { relChange: limit * 0.9, offGrid: 0 })), true);
  assert.equal(of(quantized('Q4_K', { relChange: limit * 1.1, offGrid: 0 })), false, 'error beyond the band');
  assert.equal(of(quantized('Q4_K', { relChange: limit * 0.5, offGrid: 1 })), false, 'one value off the grid');
});

test('an unquantized tensor beside quantized ones must be the same up to rounding', () => {
  const plain: TensorDiff = { ...quantized('Q8_0', { relChange: 0.02, offGrid: 0 }), name: 'model.norm.weight' };
  delete plain.quantization;
  const base = quantized('Q8_0', { relChange: 0.008, offGrid: 0 });
  assert.equal(quantizationOutcome(diffOf([base, { ...plain, relChange: 1e-3 }]), 5e-3)!.ofTheBase, true);
  assert.equal(quantizationOutcome(diffOf([base, plain]), 5e-3)!.ofTheBase, false);
});

test('an unquantized tensor is the other side rounded to its dtype, element by element', () => {
  const bf16 = Float32Array.of(0.0234375, -1.5, 3.0517578125e-5, 0);
  // F32 and F16 hold these BF16 values exactly; an F16 value within half an F16 ulp is a rounding too.
  assert.equal(countNotRounded(bf16, 'BF16', Float32Array.from(bf16), 'F32'), 0);
  assert.equal(countNotRounded(Float32Array.of(0.1), 'F32', Float32Array.of(Math.fround(0.0999755859375)), 'F16'), 0);
  // One element moved by a few F16 ulps (an edited row, a changed norm) is not.
  const edited = Float32Array.from(bf16);
  edited[0] = 0.0234375 + 8 * 2 ** -16; // one BF16 ulp: neither side rounds to the other
  assert.equal(countNotRounded(bf16, 'BF16', edited, 'F16'), 1);
  assert.equal(countNotRounded(Float32Array.of(70000), 'F32', Float32Array.of(Infinity), 'F16'), 1);
});

test('an unquantized tensor whose values are not a rounding rules out "a quantization of the base", even within 5e-3', () => {
  const plain: TensorDiff = {
    ...quantized('Q8_0', { relChange: 1e-3, offGrid: 0 }),
    name: 'model.embed_tokens.weight',
  };
  delete plain.quantization;
  const base = quantized('Q8_0', { relChange: 0.008, offGrid: 0 });
  const of = (notRounded: number) =>
    quantizationOutcome(diffOf([base, { ...plain, rounding: { notRounded } }]), 5e-3)!.ofTheBase;
  assert.equal(of(0), true);
  assert.equal(of(256), false, 'one edited row of 256 elements');
});

test('a tensor missing from one side, or a type skipped as unsupported, rules out "a quantization of the base"', () => {
  const t = quantized('Q8_0', { relChange: 0.008, offGrid: 0 });
  assert.equal(quantizationOutcome({ ...diffOf([t]), onlyInBase: ['lm_head.weight'] }, 5e-3)!.ofTheBase, false);
  const skipped = {
    name: 'x',
    file: 'm.gguf',
    reason: 'unsupported quantization: GGUF type IQ4_NL is not dequantized',
  };
  const outcome = quantizationOutcome({ ...diffOf([t]), notCompared: [skipped] }, 5e-3)!;
  assert.equal(outcome.ofTheBase, false);
  assert.equal(outcome.unsupported, 1);
});
