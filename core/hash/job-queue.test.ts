import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { HashJobQueue } from './job-queue.ts';
import { BATCH_FILE_LIMIT, BATCH_MAX_BYTES, BATCH_MAX_FILES, planHashJobs } from './plan-jobs.ts';

const MiB = 1 << 20;
const id = (s: number) => s;

function takeAll<T>(queue: HashJobQueue<T>): T[][] {
  const jobs: T[][] = [];
  for (let job = queue.take(); job; job = queue.take()) jobs.push(job);
  return jobs;
}

const canonical = (jobs: number[][]) => jobs.map((j) => [...j].sort((a, b) => a - b).join(',')).sort();

test('files all added then closed make the same jobs as planHashJobs, largest total first', () => {
  const sizes = [1, 10 * MiB, 2, BATCH_FILE_LIMIT, 500 * MiB, 3, ...Array.from({ length: 300 }, (_, i) => 1000 + i)];
  const queue = new HashJobQueue(id);
  queue.addAll(sizes);
  queue.close();
  const jobs = takeAll(queue);
  assert.deepEqual(canonical(jobs), canonical(planHashJobs(sizes, id)));
  const totals = jobs.map((j) => j.reduce((n, s) => n + s, 0));
  assert.deepEqual(
    totals,
    [...totals].sort((a, b) => b - a),
  );
  assert.ok(queue.finished);
});

test('a big file is ready at once; small files wait in the open batch until a worker asks', () => {
  const queue = new HashJobQueue(id);
  let changes = 0;
  queue.onChange(() => changes++);
  queue.add([100]);
  assert.equal(queue.ready, 1, 'the open batch counts as ready');
  queue.add([200 * MiB]);
  assert.equal(queue.ready, 2);
  assert.deepEqual(queue.take(), [200 * MiB], 'the big file first');
  queue.add([300]);
  assert.deepEqual(queue.take(), [100, 300], 'then the open batch, as it is');
  assert.equal(queue.take(), undefined);
  assert.equal(queue.finished, false, 'not closed: more may come');
  queue.add([5]);
  queue.close();
  assert.deepEqual(queue.take(), [5]);
  assert.ok(queue.finished);
  assert.equal(changes, 5, 'each of the four adds and the close notify');
  assert.throws(() => queue.add([1]), /after close/);
  queue.close(); // harmless
});

test('a full batch is closed and a new one opened, by count and by bytes', () => {
  const queue = new HashJobQueue(id);
  queue.add(Array.from({ length: BATCH_MAX_FILES + 1 }, () => 1));
  assert.equal(queue.take()?.length, BATCH_MAX_FILES);
  assert.equal(queue.take()?.length, 1);
  queue.add([3 * MiB, 3 * MiB]);
  queue.add(Array.from({ length: 10 }, () => 3 * MiB));
  const jobs = takeAll(queue);
  assert.ok(jobs.every((j) => j.reduce((n, s) => n + s, 0) <= BATCH_MAX_BYTES));
  assert.equal(jobs.flat().length, 12);
});

test('an empty queue closed at once is finished with no jobs', () => {
  const queue = new HashJobQueue(id);
  queue.close();
  assert.equal(queue.take(), undefined);
  assert.ok(queue.finished);
});

test('property: any interleaving of adds and takes hands out every file once, within the batch limits', () => {
  const size = fc.oneof(fc.integer({ min: 0, max: 5 * MiB }), fc.integer({ min: 0, max: 100 }));
  const step = fc.oneof(fc.record({ add: fc.array(size, { maxLength: 40 }) }), fc.constant({ take: true }));
  fc.assert(
    fc.property(fc.array(step, { maxLength: 60 }), (steps) => {
      const queue = new HashJobQueue<{ size: number; n: number }>((f) => f.size);
      const added: number[] = [];
      const jobs: { size: number; n: number }[][] = [];
      for (const s of steps) {
        if ('add' in s) {
          const files = s.add.map((size) => {
            added.push(added.length);
            return { size, n: added.length - 1 };
          });
          queue.add(files);
        } else {
          const job = queue.take();
          if (job) jobs.push(job);
        }
      }
      queue.close();
      jobs.push(...takeAll(queue));
      const seen = jobs.flat().map((f) => f.n);
      assert.deepEqual(
        [...seen].sort((a, b) => a - b),
        added.map((_, i) => i),
      );
      for (const job of jobs) {
        assert.ok(job.length > 0);
        if (job.some((f) => f.size >= BATCH_FILE_LIMIT)) assert.equal(job.length, 1, 'a big file is alone');
        else {
          assert.ok(job.length <= BATCH_MAX_FILES);
          assert.ok(job.reduce((n, f) => n + f.size, 0) <= BATCH_MAX_BYTES);
        }
      }
      assert.ok(queue.finished);
    }),
  );
});
