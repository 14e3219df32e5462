import { wrap, type Remote } from 'comlink';

interface Slot<Api> {
  worker: Worker;
  api: Remote<Api>;
}

export interface PoolSpec<Api, Job, Result> {
  /** Script under public/workers/, e.g. '/workers/hash.worker.js'. */
  workerUrl: string;
  name: string;
  jobs: Job[];
  /** Called once per new worker (e.g. to register a progress listener). */
  setup?: (api: Remote<Api>) => void;
  run: (api: Remote<Api>, job: Job) => Promise<Result[]>;
  /** Results for a job whose worker died or timed out: never a success. */
  failed: (job: Job, message: string) => Result[];
  cancelled: (job: Job) => Result[];
  /** A job still running after this long has its worker terminated (hostile input, runaway parser). */
  jobTimeoutMs?: number;
  /** Default: one per core. */
  maxWorkers?: number;
}

/** One worker per core, never more workers than jobs. */
export function poolSize(jobs: number, cores = navigator.hardwareConcurrency || 2): number {
  return Math.max(1, Math.min(jobs, cores));
}

/**
 * Runs jobs on a pool of workers. Cancel terminates the workers at once. A worker that dies or overruns
 * its time is replaced, and its job gets `failed` results: a crash is never reported as a result.
 */
export function runPool<Api, Job, Result>(
  spec: PoolSpec<Api, Job, Result>,
): { done: Promise<Result[]>; cancel: () => void } {
  const queue = [...spec.jobs];
  const results: Result[] = [];
  const live = new Set<Slot<Api>>();
  let cancelled = false;
  let wakeCancel: () => void = () => undefined;
  const cancelledSignal = new Promise<null>((resolve) => (wakeCancel = () => resolve(null)));

  const start = (): Slot<Api> => {
    const worker = new Worker(spec.workerUrl, { type: 'module', name: spec.name });
    const slot = { worker, api: wrap<Api>(worker) };
    spec.setup?.(slot.api);
    live.add(slot);
    return slot;
  };

  async function runJob(slot: Slot<Api>, job: Job): Promise<Slot<Api>> {
    let onError: (e: ErrorEvent) => void = () => undefined;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const failure = new Promise<never>((_, reject) => {
      onError = (e) => reject(new Error(e.message || `the ${spec.name} worker crashed`));
      slot.worker.addEventListener('error', onError);
      if (spec.jobTimeoutMs) {
        const seconds = Math.round(spec.jobTimeoutMs / 1000);
        timer = setTimeout(() => reject(new Error(`stopped after ${seconds} s without finishing`)), spec.jobTimeoutMs);
      }
    });
    try {
      const out = await Promise.race([spec.run(slot.api, job), failure, cancelledSignal]);
      results.push(...(out === null ? spec.cancelled(job) : out));
      return slot;
    } catch (error) {
      results.push(...spec.failed(job, error instanceof Error ? error.message : String(error)));
      slot.worker.terminate();
      live.delete(slot);
      return start();
    } finally {
      clearTimeout(timer);
      slot.worker.removeEventListener('error', onError);
    }
  }

  async function drain(slot: Slot<Api>): Promise<void> {
    let current = slot;
    for (let job = queue.shift(); job !== undefined; job = queue.shift()) {
      if (cancelled) results.push(...spec.cancelled(job));
      else current = await runJob(current, job);
    }
  }

  const size = Math.min(poolSize(queue.length), spec.maxWorkers ?? Infinity);
  const initial = Array.from({ length: size }, start);
  const done = Promise.all(initial.map(drain)).then(() => {
    for (const s of live) s.worker.terminate();
    return results;
  });
  return {
    done,
    cancel: () => {
      cancelled = true;
      for (const s of live) s.worker.terminate();
      wakeCancel();
    },
  };
}
