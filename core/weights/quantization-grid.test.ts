import { test } from 'node:test';
import assert from 'node:assert/strict';
import { countNotRounded, countOffGrid, STEP_SLACK } from './quantization-grid.ts';
import { quantizationOutcome } from './quantization-outcome.ts';
import { QUANTIZATION_BANDS } from './quantization-bands.ts';
import type { ModelDiff, TensorDiff } from './diff.ts';

/** One element on a grid of step `step` at level value `v`, clamped to `edge`: is base value `x` off it? */
function off(x: number, v: number, step: number, edge = 0): number {
  return countOffGrid(Float32Array.of(x), {
    values: Float32Array.of(v),
    grid: { step: Float32Array.of(step), edge: Int8Array.of(edge) },
  });
}

test('a base value within half a step of its level is on the grid; past half a step (and the slack) it is off', () => {
  assert.equal(off(0.1049, 0.1, 0.01), 0);
  assert.equal(off(0.0951, 0.1, 0.01), 0);
  assert.equal(off(0.1 + 0.01 * (0.5 + STEP_SLACK) * 1.05, 0.1, 0.01), 1);
  assert.equal(off(0.1 - 0.01 * 0.7, 0.1, 0.01), 1);
});

test('a clamped level accepts values beyond it on its open side only', () => {
  // Highest code, positive scale: values above the top level were clamped to it.
  assert.equal(off(0.5, 0.1, 0.01, 1), 0);
  assert.equal(off(-0.5, 0.1, 0.01, 1), 1);
  // Lowest code, positive scale: values below.
  assert.equal(off(-0.5, -0.1, 0.01, -1), 0);
  assert.equal(off(0.5, -0.1, 0.01, -1), 1);
});

test('with a negative scale the lowest code is the highest value, so its open side is above', () => {
  assert.equal(off(0.5, 0.1, -0.01, -1), 0);
  assert.equal(off(-0.5, 0.1, -0.01, -1), 1);
  assert.equal(off(-0.5, -0.1, -0.01, 1), 0);
});

test('the value slack covers an f16 minimum far from zero, and no more', () => {
  // |v| · 2⁻¹⁰ on a level of 100 is ≈ 0.098: a value 0.09 away on a 0.001 step is tolerated, 0.2 away is not.
  assert.equal(off(100.09, 100, 0.001), 0);
  assert.equal(off(100.2, 100, 0.001), 1);
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
  assert.equal(of(quantized('Q4_K', { relChange: limit * 0.5, offGrid: 2 })), false, 'two in a million off the grid');
  assert.equal(of(quantized('Q4_K', { relChange: limit * 0.5, offGrid: 1 })), true, 'one in a million is tolerated');
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
