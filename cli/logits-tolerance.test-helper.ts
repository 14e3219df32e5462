import assert from 'node:assert/strict';

/** The tolerances the comparison with transformers promises: float32 weights, and half-precision ones. */
export const FP32_TOLERANCE = 1e-4;
export const HALF_TOLERANCE = 2e-2;

/** Largest absolute difference relative to the largest reference magnitude. */
export function relativeError(got: ArrayLike<number>, want: readonly number[]): number {
  assert.equal(got.length, want.length, 'logit vector lengths differ');
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < want.length; i++) {
    diff = Math.max(diff, Math.abs(got[i]! - want[i]!));
    scale = Math.max(scale, Math.abs(want[i]!));
  }
  return diff / scale;
}
