import { test } from 'node:test';
import assert from 'node:assert/strict';
import { memorySource } from '../io/byte-source.ts';
import { EMPTY_STATS, mergeStats, reduceOnCpu } from './pair-stats.ts';
import { diffTensor, statsToDiff } from './diff.ts';
import type { WeightTensor } from './tensors.ts';

function tensor(name: string, values: number[], shape = [values.length]): WeightTensor {
  const bytes = new Uint8Array(new Float32Array(values).buffer);
  return { name, dtype: 'F32', shape, file: memorySource(name, bytes), start: 0, elementBytes: 4 };
}

/** Deterministic pseudo-random values (LCG) so the tests need no seed library. */
function random(n: number, seed: number): number[] {
  let s = seed;
  return Array.from({ length: n }, () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32 - 0.5;
  });
}

test('identical tensors: relChange 0, cosine 1, nothing changed', async () => {
  const v = random(1000, 1);
  const d = await diffTensor(tensor('w', v), tensor('w', v));
  assert.equal(d.relChange, 0);
  assert.ok(Math.abs(d.cosine - 1) < 1e-12);
  assert.equal(d.maxAbsChange, 0);
  assert.equal(d.changedShare, 0);
});

test('a scaled tensor: relChange |k − 1|, cosine 1', async () => {
  const v = random(1000, 2);
  const d = await diffTensor(
    tensor('w', v),
    tensor(
      'w',
      v.map((x) => x * 1.5),
    ),
  );
  assert.ok(Math.abs(d.relChange - 0.5) < 1e-6, String(d.relChange));
  assert.ok(Math.abs(d.cosine - 1) < 1e-6);
  assert.equal(d.changedShare, 1);
});

test('independent random tensors: cosine near 0, relChange near √2', async () => {
  const d = await diffTensor(tensor('w', random(20000, 3)), tensor('w', random(20000, 4)));
  assert.ok(Math.abs(d.cosine) < 0.05, String(d.cosine));
  assert.ok(Math.abs(d.relChange - Math.SQRT2) < 0.05, String(d.relChange));
});

test('a zero base: relChange Infinity when the fine-tune is not zero, 0 when it is', () => {
  const zero = { ...EMPTY_STATS, count: 3 };
  assert.equal(statsToDiff('z', [3], zero).relChange, 0);
  assert.equal(statsToDiff('z', [3], { ...zero, sumFt2: 1, sumDiff2: 1 }).relChange, Infinity);
});

test('chunked streaming equals one-shot reduction', async () => {
  const a = random(10007, 5);
  const b = a.map((x, i) => x + (i % 7 === 0 ? 0.01 : 0));
  const whole = statsToDiff('w', [a.length], await reduceOnCpu(new Float32Array(a), new Float32Array(b), 1e-6));
  const chunked = await diffTensor(tensor('w', a), tensor('w', b), { chunkElements: 333 });
  for (const key of ['relChange', 'cosine', 'maxAbsChange', 'changedShare'] as const) {
    assert.ok(Math.abs(whole[key] - chunked[key]) <= 1e-12 * Math.max(1, Math.abs(whole[key])), key);
  }
  const halves = mergeStats(
    await reduceOnCpu(new Float32Array(a.slice(0, 5000)), new Float32Array(b.slice(0, 5000)), 1e-6),
    await reduceOnCpu(new Float32Array(a.slice(5000)), new Float32Array(b.slice(5000)), 1e-6),
  );
  assert.equal(halves.changed, Math.ceil(a.length / 7));
});

test('embedding rows that moved most come first, with chunks cut on row boundaries', async () => {
  const base = random(8 * 4, 6);
  const ft = base.map((x, i) => (Math.floor(i / 4) === 5 ? x + 1 : Math.floor(i / 4) === 2 ? x + 0.1 : x));
  const d = await diffTensor(tensor('embed_tokens.weight', base, [8, 4]), tensor('e', ft, [8, 4]), {
    chunkElements: 6,
  });
  assert.deepEqual(
    d.topRows?.map((r) => r.row),
    [5, 2],
  );
});
