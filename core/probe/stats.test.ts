import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  bootstrapCI,
  holm,
  jsDivergence,
  mcnemarExact,
  mulberry32,
  pairedBootstrapCI,
  ruleOfThree,
  sig4,
  top1Agreement,
  wilsonInterval,
} from './stats.ts';

const close = (a: number, b: number, eps = 1e-9) => assert.ok(Math.abs(a - b) <= eps, `${a} ≉ ${b}`);

test('exact McNemar matches the binomial tail', () => {
  close(mcnemarExact(1, 9), 0.021484375); // 2 · 11/1024
  close(mcnemarExact(9, 1), 0.021484375);
  close(mcnemarExact(0, 5), 0.0625); // 2 · 1/32
  assert.equal(mcnemarExact(0, 0), 1);
  assert.equal(mcnemarExact(5, 5), 1);
  close(mcnemarExact(0, 20), 2 / 2 ** 20);
  // Large counts stay finite and tiny instead of underflowing to NaN.
  const p = mcnemarExact(100, 3000);
  assert.ok(p >= 0 && p < 1e-300);
  close(mcnemarExact(1000, 1000), 1);
  assert.throws(() => mcnemarExact(-1, 2));
});

test('Holm adjusts, keeps order monotone and caps at 1', () => {
  const adj = holm([0.01, 0.04, 0.03]);
  [0.03, 0.06, 0.06].forEach((v, i) => close(adj[i] ?? NaN, v));
  assert.deepEqual(holm([0.5, 0.9]), [1, 1]);
  assert.deepEqual(holm([]), []);
  close(holm([0.02])[0] ?? NaN, 0.02);
});

test('mulberry32 is deterministic per seed and uniform-looking', () => {
  const a = mulberry32(42);
  const b = mulberry32(42);
  const xs = Array.from({ length: 1000 }, () => a());
  assert.deepEqual(
    xs,
    Array.from({ length: 1000 }, () => b()),
  );
  assert.ok(xs.every((x) => x >= 0 && x < 1));
  const m = xs.reduce((s, x) => s + x, 0) / xs.length;
  assert.ok(Math.abs(m - 0.5) < 0.05);
  assert.notDeepEqual(mulberry32(1)(), mulberry32(2)());
});

test('paired bootstrap is deterministic under a seed and covers the true delta', () => {
  // 100 items: base right on 80, fine-tune right on 50 (30 lost), true delta −0.30.
  const before = Array.from({ length: 100 }, (_, i) => i < 80);
  const after = Array.from({ length: 100 }, (_, i) => i < 50);
  const ci = pairedBootstrapCI(before, after, { seed: 7 });
  assert.deepEqual(ci, pairedBootstrapCI(before, after, { seed: 7 }));
  assert.ok(ci[0] < -0.3 && ci[1] > -0.3, `CI ${ci} should cover −0.3`);
  assert.ok(ci[1] < 0, 'a 30-point drop is clearly negative');
  assert.ok(ci[0] > -0.45);
  // No change at all → a degenerate interval at 0.
  assert.deepEqual(pairedBootstrapCI(before, before), [0, 0]);
  assert.throws(() => pairedBootstrapCI(before, after, { resamples: 100 }));
  assert.deepEqual(
    bootstrapCI(0, () => 0),
    [NaN, NaN],
  );
});

test('Jensen–Shannon divergence is symmetric, 0 for equal inputs and ln 2 for disjoint ones', () => {
  close(jsDivergence([1, 0], [0, 1]), Math.log(2));
  close(jsDivergence([0.3, 0.7], [0.3, 0.7]), 0);
  const pq = jsDivergence([0.9, 0.1], [0.5, 0.5]);
  close(pq, jsDivergence([0.5, 0.5], [0.9, 0.1]));
  // Hand computation: m = [0.7, 0.3].
  const expected =
    0.5 * (0.9 * Math.log(0.9 / 0.7) + 0.1 * Math.log(0.1 / 0.3)) +
    0.5 * (0.5 * Math.log(0.5 / 0.7) + 0.5 * Math.log(0.5 / 0.3));
  close(pq, expected);
});

test('top-1 agreement, Wilson interval, rule of three, rounding', () => {
  assert.equal(top1Agreement([0, 1, 1, 2], [0, 1, 0, 2]), 0.75);
  assert.equal(top1Agreement([], []), 1);
  const [lo, hi] = wilsonInterval(8, 10);
  close(lo, 0.4901625, 1e-6);
  close(hi, 0.9433178, 1e-6);
  assert.deepEqual(wilsonInterval(0, 0), [0, 1]);
  assert.equal(ruleOfThree(30), 0.1);
  assert.equal(sig4(0.123456), 0.1235);
  assert.equal(sig4(0), 0);
});
