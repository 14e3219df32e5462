import { test } from 'node:test';
import assert from 'node:assert/strict';
import { planHashJobs, BATCH_FILE_LIMIT } from './plan-jobs.ts';

const MiB = 1 << 20;

test('big files get a job each, largest first, before batches of small files', () => {
  const sizes = [1, 10 * MiB, 2, BATCH_FILE_LIMIT, 500 * MiB, 3];
  const jobs = planHashJobs(sizes, (s) => s);
  assert.deepEqual(jobs, [[500 * MiB], [10 * MiB], [BATCH_FILE_LIMIT], [3, 2, 1]]);
});

test('3000 small files become batches of at most 128 files, each file exactly once', () => {
  const sizes = Array.from({ length: 3000 }, (_, i) => 100 + i);
  const jobs = planHashJobs(sizes, (s) => s);
  assert.ok(jobs.every((j) => j.length <= 128));
  assert.equal(jobs.length, Math.ceil(3000 / 128));
  assert.deepEqual(
    jobs.flat().sort((a, b) => a - b),
    sizes,
  );
});

test('a batch never exceeds 32 MiB of data', () => {
  const sizes = Array.from({ length: 40 }, () => 3 * MiB);
  const jobs = planHashJobs(sizes, (s) => s);
  for (const j of jobs) assert.ok(j.reduce((n, s) => n + s, 0) <= 32 * MiB);
  assert.equal(jobs.flat().length, 40);
});

test('no files, no jobs', () => {
  assert.deepEqual(
    planHashJobs([], (s: number) => s),
    [],
  );
});
