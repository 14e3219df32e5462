import { wrap, type Remote } from 'comlink';

export interface WorkerSlot<Api> {
  readonly worker: Worker;
  readonly api: Remote<Api>;
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

/** How one run uses the pool's workers: what a job does, and the results of jobs that could not run. */
export type RunSpec<Api, Job, Result> = Pick<
  PoolSpec<Api, Job, Result>,
  'run' | 'failed' | 'cancelled' | 'jobTimeoutMs' | 'maxWorkers'
>;

/** Where a run gets its jobs: all known at once (an array), or as they come (core/hash/job-queue.ts). */
export interface JobFeed<Job> {
  /** The next job, if one is ready. */
  take(): Job | undefined;
  /** How many jobs take() could hand out now. */
  readonly ready: number;
  /** No job is left and none will come: the run ends when its jobs out are back. */
  readonly finished: boolean;
  /** Called when jobs become ready or the feed finishes; returns the unsubscribe. */
  onChange(listener: () => void): () => void;
}

export interface PoolRun<Result> {
  done: Promise<Result[]>;
  cancel: () => void;
}

export interface WorkerPoolOptions<Api> {
  workerUrl: string;
  name: string;
  /** Most workers alive at once, busy or idle. Default: one per core. */
  maxWorkers?: number;
  /** Called once per new worker (e.g. to register a progress listener). */
  setup?: (api: Remote<Api>) => void;
  /** Readies a worker that prewarm() starts (load, compile, optimise, allocate) before it takes a job. */
  warm?: (api: Remote<Api>) => Promise<void>;
  /**
   * Idle workers kept beyond prewarm()'s count when runs end; more are terminated after idleTrimMs, so a
   * burst of big files on a many-core machine does not leave a worker per core behind. Default 0.
   */
  keepIdle?: number;
  idleTrimMs?: number;
  /** Makes a worker; the default is a module worker of workerUrl. Tests pass a fake. */
  createWorker?: () => Worker;
}

/** A warm-up that has not finished after this long counts as a failed worker start. */
const WARM_TIMEOUT_MS = 60_000;

/** One worker per core, never more workers than jobs. */
export function poolSize(jobs: number, cores = navigator.hardwareConcurrency || 2): number {
  return Math.max(1, Math.min(jobs, cores));
}

/** Rejects when the worker reports an error (it crashed, or its script did not load) or after `timeoutMs`. */
function raceWorker<T>(
  worker: Worker,
  name: string,
  work: Promise<T>,
  timeoutMs: number | undefined,
  extra: Promise<null>[] = [],
): Promise<T | null> {
  let onError: (e: ErrorEvent) => void = () => undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const failure = new Promise<never>((_, reject) => {
    onError = (e) => reject(new Error(e.message || `the ${name} worker crashed`));
    worker.addEventListener('error', onError);
    if (timeoutMs) {
      const seconds = Math.round(timeoutMs / 1000);
      timer = setTimeout(() => reject(new Error(`stopped after ${seconds} s without finishing`)), timeoutMs);
    }
  });
  return Promise.race([work, failure, ...extra]).finally(() => {
    clearTimeout(timer);
    worker.removeEventListener('error', onError);
  });
}

/**
 * Workers kept between runs. A run takes idle workers (or starts new ones, up to maxWorkers, or waits for
 * one) and gives them back when its jobs are done, so a second verification does not pay for starting
 * workers and compiling their WebAssembly again. prewarm() starts and readies workers ahead of time.
 *
 * Cancel terminates the workers busy with the cancelled run's jobs, so none of them is left working for
 * the next run; idle workers stay. A worker that crashes or overruns its time is terminated and its job
 * gets `failed` results: a crash is never reported as a result. Workers lost that way are replaced, up to
 * the number prewarm() asked for, when the run has ended.
 */
export class WorkerPool<Api> {
  readonly maxWorkers: number;
  readonly #options: WorkerPoolOptions<Api>;
  readonly #all = new Set<WorkerSlot<Api>>();
  #idle: WorkerSlot<Api>[] = [];
  #waiters: ((slot: WorkerSlot<Api>) => void)[] = [];
  #warmTarget = 0;
  #trimTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(options: WorkerPoolOptions<Api>) {
    this.#options = options;
    this.maxWorkers = Math.max(1, Math.floor(options.maxWorkers ?? poolSize(Infinity)));
  }

  /** Workers alive: idle, busy, or warming up. */
  get size(): number {
    return this.#all.size;
  }

  get idle(): number {
    return this.#idle.length;
  }

  /**
   * Starts workers until `count` are alive (at most maxWorkers) and warms the new ones; resolves when they
   * are ready. Never rejects: a worker that fails to start is dropped, and a run starts its own.
   */
  prewarm(count = this.maxWorkers): Promise<void> {
    this.#warmTarget = Math.max(this.#warmTarget, Math.min(Math.floor(count), this.maxWorkers));
    return this.#refill();
  }

  /** An idle worker, a new one if there is room, or the next one given back. */
  acquire(): Promise<WorkerSlot<Api>> {
    const idle = this.#idle.pop();
    if (idle) return Promise.resolve(idle);
    if (this.#all.size < this.maxWorkers) return Promise.resolve(this.#start());
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  /** Gives a worker back, clean (no work of its own left). */
  release(slot: WorkerSlot<Api>): void {
    if (!this.#all.has(slot) || this.#idle.includes(slot)) return;
    const waiter = this.#waiters.shift();
    if (waiter) waiter(slot);
    else this.#idle.push(slot);
  }

  /** Terminates a worker (busy with work nobody wants, crashed, or overrun). */
  discard(slot: WorkerSlot<Api>): void {
    slot.worker.terminate();
    if (!this.#all.delete(slot)) return;
    this.#idle = this.#idle.filter((s) => s !== slot);
    while (this.#waiters.length > 0 && this.#all.size < this.maxWorkers) this.#waiters.shift()!(this.#start());
  }

  /** Runs `work` on a worker outside any run (a calibration); a crash or overrun terminates the worker. */
  async use<T>(work: (api: Remote<Api>) => Promise<T>, timeoutMs: number): Promise<T> {
    const slot = await this.acquire();
    try {
      const out = (await raceWorker(slot.worker, this.#options.name, work(slot.api), timeoutMs)) as T;
      this.release(slot);
      return out;
    } catch (error) {
      this.discard(slot);
      throw error;
    }
  }

  /** Terminates every worker and forgets prewarm's count. */
  terminateAll(): void {
    clearTimeout(this.#trimTimer);
    this.#warmTarget = 0;
    this.#waiters = [];
    for (const slot of [...this.#all]) this.discard(slot);
  }

  /**
   * Runs jobs from `feed` on the pool's workers, at most `spec.maxWorkers` at once. `done` resolves with
   * the results of every job taken from the feed: once the feed is finished and every job is back, or at
   * once on cancel (jobs not finished get `cancelled` results).
   */
  run<Job, Result>(spec: RunSpec<Api, Job, Result>, feed: JobFeed<Job>): PoolRun<Result> {
    const results: Result[] = [];
    const running = new Set<WorkerSlot<Api>>();
    const maxLanes = Math.max(1, Math.min(this.maxWorkers, spec.maxWorkers ?? Infinity));
    let lanes = 0;
    /** Lanes without a job: waiting for a worker, or about to take one. */
    let laneWaiting = 0;
    let cancelled = false;
    let ended = false;
    let resolveDone: (results: Result[]) => void = () => undefined;
    const done = new Promise<Result[]>((resolve) => (resolveDone = resolve));
    let wakeCancel: () => void = () => undefined;
    const cancelledSignal = new Promise<null>((resolve) => (wakeCancel = () => resolve(null)));

    const end = () => {
      if (ended || lanes > 0 || !(cancelled || feed.finished)) return;
      ended = true;
      unsubscribe();
      resolveDone(results);
      void this.#refill();
      this.#scheduleTrim();
    };

    /** Runs one job; returns the worker if it can take another, undefined if it was terminated. */
    const runJob = async (slot: WorkerSlot<Api>, job: Job): Promise<WorkerSlot<Api> | undefined> => {
      running.add(slot);
      try {
        const work = spec.run(slot.api, job);
        const out = await raceWorker(slot.worker, this.#options.name, work, spec.jobTimeoutMs, [cancelledSignal]);
        if (out === null) {
          results.push(...spec.cancelled(job));
          this.discard(slot);
          return undefined;
        }
        results.push(...out);
        return slot;
      } catch (error) {
        results.push(...spec.failed(job, error instanceof Error ? error.message : String(error)));
        this.discard(slot);
        return undefined;
      } finally {
        running.delete(slot);
      }
    };

    const lane = async () => {
      lanes++;
      laneWaiting++;
      let slot: WorkerSlot<Api> | undefined;
      try {
        for (;;) {
          if (!slot) {
            const acquiring = this.acquire();
            const got = await Promise.race([acquiring, cancelledSignal]);
            if (got === null) {
              void acquiring.then((s) => this.release(s));
              break;
            }
            slot = got;
          }
          const job = cancelled ? undefined : feed.take();
          if (job === undefined) break;
          laneWaiting--;
          try {
            slot = await runJob(slot, job);
          } finally {
            laneWaiting++;
          }
        }
      } finally {
        laneWaiting--;
        lanes--;
        if (slot) this.release(slot);
        pump();
      }
    };

    const pump = () => {
      if (ended) return;
      if (cancelled) {
        for (let job = feed.take(); job !== undefined; job = feed.take()) results.push(...spec.cancelled(job));
      } else {
        while (lanes < maxLanes && feed.ready > laneWaiting) void lane();
      }
      end();
    };

    const unsubscribe = feed.onChange(pump);
    pump();
    return {
      done,
      cancel: () => {
        if (cancelled || ended) return;
        cancelled = true;
        // The busy workers stop now, mid-file: none is left working for the next run.
        for (const slot of running) this.discard(slot);
        wakeCancel();
        pump();
      },
    };
  }

  #start(): WorkerSlot<Api> {
    const { workerUrl, name, createWorker } = this.#options;
    const worker = createWorker ? createWorker() : new Worker(workerUrl, { type: 'module', name });
    const slot: WorkerSlot<Api> = { worker, api: wrap<Api>(worker) };
    this.#options.setup?.(slot.api);
    this.#all.add(slot);
    return slot;
  }

  #scheduleTrim(): void {
    clearTimeout(this.#trimTimer);
    const keep = () => Math.max(this.#warmTarget, this.#options.keepIdle ?? 0);
    if (this.#all.size <= keep()) return;
    this.#trimTimer = setTimeout(() => {
      while (this.#idle.length > 0 && this.#all.size > keep()) this.discard(this.#idle.shift()!);
    }, this.#options.idleTrimMs ?? 60_000);
  }

  #refill(): Promise<void> {
    const warming: Promise<void>[] = [];
    while (this.#all.size < this.#warmTarget) warming.push(this.#warmUp(this.#start()));
    return Promise.all(warming).then(() => undefined);
  }

  /** A new worker is handed out only once warm (a run needing one sooner starts another, if there is room). */
  async #warmUp(slot: WorkerSlot<Api>): Promise<void> {
    try {
      const warm = this.#options.warm;
      if (warm) await raceWorker(slot.worker, this.#options.name, warm(slot.api), WARM_TIMEOUT_MS);
      this.release(slot);
    } catch {
      this.discard(slot);
    }
  }
}

/** A feed of jobs all known up front. */
export function arrayFeed<Job>(jobs: readonly Job[]): JobFeed<Job> {
  const queue = [...jobs];
  return {
    take: () => queue.shift(),
    get ready() {
      return queue.length;
    },
    get finished() {
      return queue.length === 0;
    },
    onChange: () => () => undefined,
  };
}

/**
 * Runs jobs on a pool of workers started for this run and terminated at its end (cancel terminates them
 * at once). A worker that dies or overruns its time is replaced, and its job gets `failed` results: a
 * crash is never reported as a result. WorkerPool keeps workers between runs instead.
 */
export function runPool<Api, Job, Result>(spec: PoolSpec<Api, Job, Result>): PoolRun<Result> {
  const pool = new WorkerPool<Api>({
    workerUrl: spec.workerUrl,
    name: spec.name,
    maxWorkers: Math.min(poolSize(spec.jobs.length), spec.maxWorkers ?? Infinity),
    ...(spec.setup ? { setup: spec.setup } : {}),
  });
  const run = pool.run(spec, arrayFeed(spec.jobs));
  const done = run.done.then((results) => {
    pool.terminateAll();
    return results;
  });
  return {
    done,
    cancel: () => {
      run.cancel();
      pool.terminateAll();
    },
  };
}
