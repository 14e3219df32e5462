import { proxy } from 'comlink';
import type { HashWorkerApi, ProgressUpdate } from '@/workers/hash.worker';
import type { HashOutcome } from '@/core/hash/hash-outcome';
import { HashJobQueue } from '@/core/hash/job-queue';
import {
  ByteBudget,
  ONE_SHOT_HASH_MAX_BYTES,
  ONE_SHOT_POOL_BYTES,
  oneShotLimit,
  takeOneShot,
} from '@/core/hash/one-shot';
import type { ModelFile } from './model-files';
import { WorkerPool, type PoolRun } from './worker-pool';

export { ONE_SHOT_HASH_MAX_BYTES };

type OnProgress = (path: string, bytesDone: number) => void;

/**
 * Workers prewarmHashPool starts and the pool keeps warm between verifications: enough for a few big
 * files at once. A run starts more as it needs them, up to one per core; those are let go after a minute
 * idle.
 */
const WARM_WORKERS = 4;
/** Calibration takes well under a second even where memory is slow; past this the worker is stuck. */
const CALIBRATION_TIMEOUT_MS = 30_000;

let pool: WorkerPool<HashWorkerApi> | undefined;
/**
 * Where progress goes, by run. Workers tag their updates with the run, so an update that arrives after its
 * run ended (progress and results travel on different ports) is dropped, never credited to the next run.
 */
const routes = new Map<number, OnProgress>();
let lastRun = 0;
/** One-shot files held by all workers at once (core/hash/one-shot.ts). */
const oneShotBudget = new ByteBudget(ONE_SHOT_POOL_BYTES);
/** Largest file hashed one-shot in this browser: 0 (always stream) until calibration says otherwise. */
let oneShotMaxBytes = 0;
let calibration: Promise<void> | undefined;

function hashPool(): WorkerPool<HashWorkerApi> {
  pool ??= new WorkerPool<HashWorkerApi>({
    workerUrl: '/workers/hash.worker.js',
    name: 'hash',
    keepIdle: WARM_WORKERS,
    setup: (api) =>
      void api.setProgressListener(
        proxy((run: number, updates: ProgressUpdate[]) => {
          const onProgress = routes.get(run);
          if (onProgress) for (const [path, bytesDone] of updates) onProgress(path, bytesDone);
        }),
      ),
    warm: (api) => api.warm(),
  });
  return pool;
}

/** Times one-shot against streaming once per page, on a warm worker (workers/hash.worker.ts calibrate). */
function calibrate(): Promise<void> {
  calibration ??= hashPool()
    .use((api) => api.calibrate(), CALIBRATION_TIMEOUT_MS)
    .then(
      (samples) => void (oneShotMaxBytes = oneShotLimit(samples)),
      () => void (calibration = undefined), // streaming meanwhile; the next prewarm tries again
    );
  return calibration;
}

/**
 * Starts hash workers and readies them (loads the script, compiles the SHA-256 WebAssembly and lets V8
 * optimise it, faults in the read buffers), then times WebCrypto one-shot against streaming on this
 * machine: everything a first verification would otherwise pay for. Call it while the page is idle (e.g. from requestIdleCallback
 * after the Verify page mounts); calling it again is cheap. Resolves when the workers are ready, never
 * rejects. `workers` defaults to min(4, cores).
 */
export function prewarmHashPool(options: { workers?: number } = {}): Promise<void> {
  if (typeof Worker === 'undefined') return Promise.resolve();
  const warming = hashPool().prewarm(options.workers ?? WARM_WORKERS);
  return warming.then(calibrate);
}

/** The largest file this browser hashes one-shot (0 until calibrated, or where streaming is faster). */
export function oneShotHashMaxBytes(): number {
  return oneShotMaxBytes;
}

function failedOutcome(f: ModelFile, message: string): HashOutcome {
  const kind = /changed while it was read/.test(message) ? 'changed' : 'unreadable';
  return { path: f.path, size: f.file.size, error: { kind, message: `${f.path}: ${message}` } };
}

function cancelledOutcome(f: ModelFile): HashOutcome {
  return { path: f.path, size: f.file.size, error: { kind: 'cancelled', message: 'cancelled by the user' } };
}

function startRun(queue: HashJobQueue<ModelFile>, onProgress: OnProgress, gitSha1MaxBytes: number) {
  /** One-shot budget each job holds, given back however the job ends (a cancelled job's worker is gone). */
  const held = new Map<ModelFile[], number>();
  const giveBack = (job: ModelFile[]) => {
    const bytes = held.get(job);
    if (bytes === undefined) return;
    held.delete(job);
    oneShotBudget.give(bytes);
  };
  const id = ++lastRun;
  routes.set(id, onProgress);
  const run = hashPool().run<ModelFile[], HashOutcome>(
    {
      run: async (api, job) => {
        const { oneShot, bytes } = takeOneShot(
          job.map((f) => f.file.size),
          oneShotMaxBytes,
          oneShotBudget,
        );
        held.set(job, bytes);
        try {
          const results = await api.hashFiles(
            job.map(({ file, path }, i) => ({ file, path, ...(oneShot[i] ? { oneShot: true } : {}) })),
            gitSha1MaxBytes,
            id,
          );
          return job.map((f, i): HashOutcome => {
            const r = results[i];
            if (r && 'sha256' in r) {
              return {
                path: f.path,
                size: f.file.size,
                sha256: r.sha256,
                ...(r.gitSha1 ? { gitSha1: r.gitSha1 } : {}),
              };
            }
            return failedOutcome(f, r?.error ?? 'no result from the hash worker');
          });
        } finally {
          giveBack(job);
        }
      },
      failed: (job, message) => (giveBack(job), job.map((f) => failedOutcome(f, message))),
      cancelled: (job) => (giveBack(job), job.map(cancelledOutcome)),
    },
    queue,
  );
  void run.done.then(() => {
    routes.delete(id);
    // The first verification of a page that was never prewarmed calibrates afterwards, for the next one.
    void calibrate();
  });
  return run;
}

/** A hashing run that takes files as they come (a folder still being listed). */
export interface HashSession {
  /**
   * Queues files for hashing; workers start on them at once, big files first among those waiting. Returns
   * false, adding nothing, after close() or cancel().
   */
  add(files: ModelFile | readonly ModelFile[]): boolean;
  /** No more files: `done` resolves once every file added is hashed. */
  close(): void;
  /**
   * Every added file's outcome, in the order they finished. Resolves after close() and the last file, or
   * at once on cancel() (files not finished are `cancelled`).
   */
  done: Promise<HashOutcome[]>;
  /** Stops now: workers busy with this session are terminated (warm idle ones are kept). */
  cancel: () => void;
}

/**
 * Starts a hashing run that files are added to while they are found, so hashing begins with the first
 * file instead of after the whole listing. Same outcomes and progress as hashInPool.
 */
export function startHashing(
  onProgress: (path: string, bytesDone: number) => void,
  /** Files up to this size also get a git blob SHA-1 (for a Hub comparison); 0 for none. */
  gitSha1MaxBytes = 0,
): HashSession {
  const queue = new HashJobQueue<ModelFile>((f) => f.file.size);
  const run = startRun(queue, onProgress, gitSha1MaxBytes);
  let open = true;
  return {
    add(files) {
      if (!open) return false;
      queue.add(isModelFile(files) ? [files] : files);
      return true;
    },
    close() {
      open = false;
      queue.close();
    },
    done: run.done,
    cancel() {
      open = false;
      run.cancel();
    },
  };
}

function isModelFile(x: ModelFile | readonly ModelFile[]): x is ModelFile {
  return !Array.isArray(x);
}

/**
 * Hashes files in the pool of warm hash workers, largest first, small files in batches
 * (core/hash/plan-jobs.ts). `files` may also be an async iterable (files or arrays of files, as a folder
 * listing yields them): hashing starts with the first; if the iterable throws, the run is cancelled and
 * `done` rejects with that error.
 */
export function hashInPool(
  files: readonly ModelFile[] | AsyncIterable<ModelFile | readonly ModelFile[]>,
  onProgress: (path: string, bytesDone: number) => void,
  /** Files up to this size also get a git blob SHA-1 (for a Hub comparison); 0 for none. */
  gitSha1MaxBytes = 0,
): { done: Promise<HashOutcome[]>; cancel: () => void } {
  if (!isAsyncIterable(files)) {
    const queue = new HashJobQueue<ModelFile>((f) => f.file.size);
    queue.addAll(files);
    queue.close();
    return startRun(queue, onProgress, gitSha1MaxBytes) satisfies PoolRun<HashOutcome>;
  }
  const session = startHashing(onProgress, gitSha1MaxBytes);
  let cancelled = false;
  const listing = (async () => {
    try {
      for await (const found of files) if (!session.add(found)) break;
    } catch (error) {
      session.cancel();
      throw error;
    } finally {
      session.close();
    }
  })();
  listing.catch(() => undefined); // reported through `done`
  return {
    // A cancel answers at once, without waiting for the listing's next file.
    done: session.done.then(async (outcomes) => (cancelled ? outcomes : (await listing, outcomes))),
    cancel: () => {
      cancelled = true;
      session.cancel();
    },
  };
}

function isAsyncIterable<T>(x: readonly ModelFile[] | AsyncIterable<T>): x is AsyncIterable<T> {
  return typeof (x as AsyncIterable<T>)[Symbol.asyncIterator] === 'function';
}
