// node --import tsx --test lib/worker-pool.test.ts
// The pool with in-process fake workers: Comlink over a MessageChannel, terminate() closes the channel.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { expose } from 'comlink';
import { HashJobQueue } from '../core/hash/job-queue.ts';
import { arrayFeed, runPool, WorkerPool, type RunSpec } from './worker-pool.ts';

interface FakeApi {
  warm(): Promise<void>;
  work(ms: number): Promise<string>;
}

interface Fake {
  id: number;
  terminated: boolean;
  warmed: boolean;
  jobs: number[];
  crash(): void;
}

function fakes() {
  const made: Fake[] = [];
  const createWorker = () => {
    const { port1, port2 } = new MessageChannel();
    const errors = new EventTarget();
    const fake: Fake = {
      id: made.length,
      terminated: false,
      warmed: false,
      jobs: [],
      crash: () => errors.dispatchEvent(Object.assign(new Event('error'), { message: 'boom' })),
    };
    made.push(fake);
    expose(
      {
        warm: async () => {
          await sleep(5);
          fake.warmed = true;
        },
        work: async (ms: number) => {
          fake.jobs.push(ms);
          await sleep(ms);
          return `worker ${fake.id}`;
        },
      } satisfies FakeApi,
      port2,
    );
    const worker = {
      postMessage: (m: unknown, t?: Transferable[]) => port1.postMessage(m, t as never),
      addEventListener: (type: string, l: EventListener) =>
        type === 'error' ? errors.addEventListener(type, l) : port1.addEventListener(type as 'message', l),
      removeEventListener: (type: string, l: EventListener) =>
        type === 'error' ? errors.removeEventListener(type, l) : port1.removeEventListener(type as 'message', l),
      start: () => port1.start(),
      terminate: () => {
        fake.terminated = true;
        port1.close();
        port2.close();
      },
    };
    return worker as unknown as Worker;
  };
  return { made, createWorker };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const spec: RunSpec<FakeApi, number, string> = {
  run: async (api, ms) => [await api.work(ms)],
  failed: (ms, message) => [`failed ${ms}: ${message}`],
  cancelled: (ms) => [`cancelled ${ms}`],
};

test('workers are kept between runs: the second run starts none', async () => {
  const { made, createWorker } = fakes();
  const pool = new WorkerPool<FakeApi>({ workerUrl: '', name: 'fake', maxWorkers: 2, createWorker });
  assert.deepEqual((await pool.run(spec, arrayFeed([1, 1, 1])).done).length, 3);
  assert.equal(made.length, 2, 'one per job, up to maxWorkers');
  await pool.run(spec, arrayFeed([1, 1])).done;
  assert.equal(made.length, 2);
  assert.equal(pool.idle, 2);
  assert.ok(made.every((f) => !f.terminated));
  pool.terminateAll();
  assert.ok(made.every((f) => f.terminated));
});

test('cancel ends the run at once and terminates its busy workers; the next run never gets one of them', async () => {
  const { made, createWorker } = fakes();
  const pool = new WorkerPool<FakeApi>({
    workerUrl: '',
    name: 'fake',
    maxWorkers: 3,
    createWorker,
    warm: (api) => api.warm(),
  });
  await pool.prewarm(3);
  assert.ok(
    made.every((f) => f.warmed),
    'prewarm warmed every worker',
  );
  const run = pool.run(spec, arrayFeed([10_000, 10_000, 1, 1]));
  await sleep(60); // the short jobs are done, the long ones are running
  const started = performance.now();
  run.cancel();
  const results = await run.done;
  assert.ok(performance.now() - started < 500, 'done resolves without waiting for the jobs');
  assert.deepEqual(results.filter((r) => r.startsWith('cancelled')).sort(), ['cancelled 10000', 'cancelled 10000']);
  assert.equal(results.length, 4, 'every job has a result');
  const busy = made.filter((f) => f.jobs.includes(10_000));
  assert.equal(busy.length, 2);
  assert.ok(
    busy.every((f) => f.terminated),
    'the workers busy with the cancelled jobs are gone',
  );
  assert.equal(made.slice(0, 3).filter((f) => !f.terminated).length, 1, 'the idle one stays');
  await sleep(30); // the pool refills to the prewarmed count
  assert.equal(pool.size, 3);
  const next = await pool.run(spec, arrayFeed([1, 1, 1])).done;
  assert.deepEqual(next.length, 3);
  for (const f of made) if (f.terminated) assert.equal(f.jobs.filter((ms) => ms === 1).length, 0);
  pool.terminateAll();
});

test('a worker that crashes fails its job, is terminated, and a new one takes the next job', async () => {
  const { made, createWorker } = fakes();
  const pool = new WorkerPool<FakeApi>({ workerUrl: '', name: 'fake', maxWorkers: 1, createWorker });
  const run = pool.run(spec, arrayFeed([200, 1]));
  await sleep(20);
  made[0]!.crash();
  const results = await run.done;
  assert.deepEqual(results, ['failed 200: boom', 'worker 1']);
  assert.ok(made[0]!.terminated);
  assert.equal(made.length, 2);
  pool.terminateAll();
});

test('a job that overruns its time fails and its worker is terminated', async () => {
  const { made, createWorker } = fakes();
  const pool = new WorkerPool<FakeApi>({ workerUrl: '', name: 'fake', maxWorkers: 1, createWorker });
  const results = await pool.run({ ...spec, jobTimeoutMs: 30 }, arrayFeed([5_000])).done;
  assert.match(results[0]!, /^failed 5000: stopped after/);
  assert.ok(made[0]!.terminated);
  pool.terminateAll();
});

test('files that arrive over time are hashed as they come; done waits for close', async () => {
  const { made, createWorker } = fakes();
  const pool = new WorkerPool<FakeApi>({ workerUrl: '', name: 'fake', maxWorkers: 2, createWorker });
  const queue = new HashJobQueue<number>(() => 8 << 20); // every "file" big: a job each
  const run = pool.run<number[], string>(
    {
      run: (api, job) => Promise.all(job.map((ms) => api.work(ms))),
      failed: (job) => job.map(() => 'failed'),
      cancelled: (job) => job.map(() => 'cancelled'),
    },
    queue,
  );
  let finished = false;
  void run.done.then(() => (finished = true));
  queue.add([5]);
  await sleep(30);
  assert.deepEqual(made[0]?.jobs, [5], 'the first file is worked on before the listing ends');
  queue.add([5, 5]);
  await sleep(30);
  assert.equal(finished, false, 'open: more may come');
  queue.close();
  const results = await run.done;
  assert.equal(results.length, 3);
  assert.ok(made.length <= 2);
  pool.terminateAll();
});

test('two runs at once share maxWorkers; a run waits for a worker rather than exceed it', async () => {
  const { made, createWorker } = fakes();
  const pool = new WorkerPool<FakeApi>({ workerUrl: '', name: 'fake', maxWorkers: 2, createWorker });
  const a = pool.run(spec, arrayFeed([50, 50]));
  const b = pool.run(spec, arrayFeed([10, 10]));
  const [ra, rb] = await Promise.all([a.done, b.done]);
  assert.equal(ra.length + rb.length, 4);
  assert.equal(made.length, 2);
  pool.terminateAll();
});

test('a cancelled run that was waiting for a worker ends at once and gives the worker back later', async () => {
  const { made, createWorker } = fakes();
  const pool = new WorkerPool<FakeApi>({ workerUrl: '', name: 'fake', maxWorkers: 1, createWorker });
  const a = pool.run(spec, arrayFeed([60]));
  const b = pool.run(spec, arrayFeed([1]));
  await sleep(10);
  b.cancel();
  assert.deepEqual(await b.done, ['cancelled 1']);
  assert.deepEqual(await a.done, ['worker 0']);
  await sleep(10);
  assert.equal(pool.idle, 1, 'the worker came back to the pool, not to the cancelled run');
  assert.equal(made.length, 1);
  pool.terminateAll();
});

test('runPool (no reuse): workers end with the run, and a run of no jobs starts none', async () => {
  (globalThis as { navigator?: { hardwareConcurrency: number } }).navigator ??= { hardwareConcurrency: 2 };
  const original = globalThis.Worker;
  const { made, createWorker } = fakes();
  (globalThis as { Worker: unknown }).Worker = function () {
    return createWorker();
  };
  try {
    const results = await runPool<FakeApi, number, string>({ workerUrl: '', name: 'fake', jobs: [1, 2, 3], ...spec })
      .done;
    assert.equal(results.length, 3);
    assert.ok(made.length > 0 && made.every((f) => f.terminated));
    const before = made.length;
    assert.deepEqual(
      await runPool<FakeApi, number, string>({ workerUrl: '', name: 'fake', jobs: [], ...spec }).done,
      [],
    );
    assert.equal(made.length, before);
  } finally {
    (globalThis as { Worker: unknown }).Worker = original;
  }
});
