import { test } from 'node:test';
import assert from 'node:assert/strict';
import { reduceOnCpu, type PairStats } from './pair-stats.ts';
import { syntheticPair } from './synthetic-pair.ts';
import {
  ELEMENTS_PER_THREAD,
  PARTIAL_WORDS,
  REDUCE_WGSL,
  WORKGROUP_SIZE,
  mergePartials,
  relativeDifferences,
  thresholdToF32,
  workgroupsFor,
} from './wgsl-reduce.ts';

const f = Math.fround;

/**
 * REDUCE_WGSL's `main`, op for op in f32 (Math.fround after every operation), writing the same partial
 * records. Guards the reduction order without a GPU; the e2e test checks the real shader.
 */
function emulateShader(base: Float32Array, ft: Float32Array, changedAbove: number): ArrayBuffer {
  const n = base.length;
  const groups = workgroupsFor(n);
  const buffer = new ArrayBuffer(groups * PARTIAL_WORDS * 4);
  const floats = new Float32Array(buffer);
  const uints = new Uint32Array(buffer);
  const t32 = thresholdToF32(changedAbove);
  const sums = Array.from({ length: WORKGROUP_SIZE }, () => [0, 0, 0, 0]);
  const maxes = new Float32Array(WORKGROUP_SIZE);
  const changes = new Uint32Array(WORKGROUP_SIZE);
  for (let w = 0; w < groups; w++) {
    const start = w * WORKGROUP_SIZE * ELEMENTS_PER_THREAD;
    for (let lid = 0; lid < WORKGROUP_SIZE; lid++) {
      const sum = [0, 0, 0, 0];
      const comp = [0, 0, 0, 0];
      let mx = 0;
      let changed = 0;
      for (let k = 0; k < ELEMENTS_PER_THREAD; k++) {
        const i = start + k * WORKGROUP_SIZE + lid;
        if (i >= n) break;
        const b = base[i]!;
        const x = ft[i]!;
        const d = f(x - b);
        const terms = [f(b * b), f(x * x), f(d * d), f(b * x)];
        for (let j = 0; j < 4; j++) {
          const y = f(terms[j]! - comp[j]!);
          const t = f(sum[j]! + y);
          comp[j] = f(f(t - sum[j]!) - y);
          sum[j] = t;
        }
        const ad = Math.abs(d);
        mx = Math.max(mx, ad);
        if (ad > t32) changed++;
      }
      sums[lid] = sum.map((s, j) => f(s - comp[j]!));
      maxes[lid] = mx;
      changes[lid] = changed;
    }
    for (let stride = WORKGROUP_SIZE / 2; stride > 0; stride >>= 1) {
      for (let lid = 0; lid < stride; lid++) {
        sums[lid] = sums[lid]!.map((s, j) => f(s + sums[lid + stride]![j]!));
        maxes[lid] = Math.max(maxes[lid]!, maxes[lid + stride]!);
        changes[lid] = changes[lid]! + changes[lid + stride]!;
      }
    }
    const o = w * PARTIAL_WORDS;
    floats.set(sums[0]!, o);
    floats[o + 4] = maxes[0]!;
    uints[o + 5] = Math.min(n - start, WORKGROUP_SIZE * ELEMENTS_PER_THREAD);
    uints[o + 6] = changes[0]!;
  }
  return buffer;
}

function emulate(base: Float32Array, ft: Float32Array, changedAbove: number): PairStats {
  const buffer = emulateShader(base, ft, changedAbove);
  return mergePartials(new Float32Array(buffer), new Uint32Array(buffer), workgroupsFor(base.length));
}

test('mergePartials sums records in f64, takes the max, and counts exactly', () => {
  const buffer = new ArrayBuffer(2 * PARTIAL_WORDS * 4);
  const floats = new Float32Array(buffer);
  const uints = new Uint32Array(buffer);
  floats.set([1, 2, 3, -4, 0.5], 0);
  uints.set([7, 1], 5);
  floats.set([16777216, 0.25, 0, 4, 2], PARTIAL_WORDS);
  uints.set([9, 3], PARTIAL_WORDS + 5);
  const s = mergePartials(floats, uints, 2);
  // 16777216 + 1 is not representable in f32 but is in f64.
  assert.deepEqual(s, { count: 16, sumBase2: 16777217, sumFt2: 2.25, sumDiff2: 3, dot: 0, maxAbsDiff: 2, changed: 4 });
  assert.deepEqual(mergePartials(floats, uints, 0).count, 0);
  assert.throws(() => mergePartials(floats, uints, 3), /fewer than 3/);
});

test('thresholdToF32 rounds toward −∞ so f32 comparisons equal the f64 ones', () => {
  for (const t of [0, 1e-6, 1e-4, 0.1, 1 / 3, 2 ** -130, 1e39]) {
    const r = thresholdToF32(t);
    assert.ok(r <= t, `${r} <= ${t}`);
    assert.equal(Math.fround(r), r);
    const next = new Float32Array([r]);
    new Uint32Array(next.buffer)[0]! += 1;
    assert.ok(next[0]! > t, `next f32 above ${r} is > ${t}`);
  }
  assert.equal(thresholdToF32(0.5), 0.5);
});

test('the shader source carries the layout constants it is dispatched with', () => {
  assert.match(REDUCE_WGSL, new RegExp(`@workgroup_size\\(${WORKGROUP_SIZE}\\)`));
  assert.match(REDUCE_WGSL, new RegExp(`PER_THREAD: u32 = ${ELEMENTS_PER_THREAD}u`));
  assert.match(REDUCE_WGSL, new RegExp(`wid.x \\* ${PARTIAL_WORDS}u`));
});

test("the shader's f32 reduction order agrees with reduceOnCpu (f64) within 1e-6 on 1e6 values", async () => {
  // 1e6 + 123: a partial last workgroup and a partial last lane.
  const { base, ft } = syntheticPair(1_000_123, 42);
  const cpu = await reduceOnCpu(base, ft, 1e-3);
  const gpu = emulate(base, ft, 1e-3);
  assert.equal(gpu.count, cpu.count);
  assert.equal(gpu.changed, cpu.changed);
  assert.ok(cpu.changed > 0 && cpu.changed < cpu.count);
  const rel = relativeDifferences(cpu, gpu);
  for (const [k, v] of Object.entries(rel)) assert.ok(v < 1e-6, `${k}: relative difference ${v}`);

  // Why the care: a plain sequential f32 sum of the same squares is orders of magnitude further off.
  let naive = 0;
  for (let i = 0; i < base.length; i++) naive = f(naive + f(base[i]! * base[i]!));
  const naiveRel = Math.abs(naive - cpu.sumBase2) / cpu.sumBase2;
  assert.ok(naiveRel > 100 * rel.sumBase2, `naive ${naiveRel} vs careful ${rel.sumBase2}`);
});

test('unrelated tensors (cosine ≈ 0: dot cancels) still agree in absolute terms', async () => {
  const a = syntheticPair(200_000, 1).base;
  const b = syntheticPair(200_000, 2).base;
  const cpu = await reduceOnCpu(a, b, 0);
  const gpu = emulate(a, b, 0);
  const rel = relativeDifferences(cpu, gpu);
  for (const k of ['sumBase2', 'sumFt2', 'sumDiff2', 'maxAbsDiff'] as const) assert.ok(rel[k] < 1e-6, k);
  // The dot of unrelated tensors is a cancelling sum: judge it against its scale, √(Σa²·Σb²).
  assert.ok(Math.abs(cpu.dot - gpu.dot) / Math.sqrt(cpu.sumBase2 * cpu.sumFt2) < 1e-6);
  assert.equal(gpu.changed, cpu.changed);
});

test('an empty pair reduces to zeros', () => {
  assert.deepEqual(emulate(new Float32Array(0), new Float32Array(0), 0), {
    count: 0,
    sumBase2: 0,
    sumFt2: 0,
    sumDiff2: 0,
    dot: 0,
    maxAbsDiff: 0,
    changed: 0,
  });
});
