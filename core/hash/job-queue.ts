import { BATCH_FILE_LIMIT, BATCH_MAX_BYTES, BATCH_MAX_FILES } from './plan-jobs.ts';

/**
 * The jobs of one hashing run, for files that may still be arriving (a folder being listed): the same
 * rules as planHashJobs, applied as files come. A big file is a job of its own at once; small files
 * gather in an open batch that is handed out when it is full, when the queue is closed, or as soon as
 * a worker asks and nothing else is ready (so no worker waits while the listing goes on). Ready jobs
 * go out largest first, so long files start early and the pool ends together.
 *
 * Files all added (largest first: `addAll` sorts) before the first take() give the same jobs as
 * planHashJobs; they go out by total size, so a full batch of small files may come before a big file.
 */
export class HashJobQueue<T> {
  readonly #sizeOf: (item: T) => number;
  /** Ready jobs, largest total first. */
  readonly #ready: { job: T[]; bytes: number }[] = [];
  #batch: T[] = [];
  #batchBytes = 0;
  #closed = false;
  readonly #listeners = new Set<() => void>();

  constructor(sizeOf: (item: T) => number) {
    this.#sizeOf = sizeOf;
  }

  /** Adds files in the order given. Refused once the queue is closed: a late file would be lost. */
  add(items: Iterable<T>): void {
    if (this.#closed) throw new Error('no files can be added to a hashing run after close()');
    let added = false;
    for (const item of items) {
      added = true;
      const size = this.#sizeOf(item);
      if (size >= BATCH_FILE_LIMIT) {
        this.#push([item], size);
        continue;
      }
      if (this.#batch.length === BATCH_MAX_FILES || this.#batchBytes + size > BATCH_MAX_BYTES) this.#flush();
      this.#batch.push(item);
      this.#batchBytes += size;
    }
    if (added) this.#notify();
  }

  /** Adds files largest first, as planHashJobs orders them. */
  addAll(items: readonly T[]): void {
    this.add([...items].sort((a, b) => this.#sizeOf(b) - this.#sizeOf(a)));
  }

  /** No more files: the open batch becomes a job. Closing twice is harmless. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#flush();
    this.#notify();
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Jobs a worker could take now (the open batch counts as one). */
  get ready(): number {
    return this.#ready.length + (this.#batch.length > 0 ? 1 : 0);
  }

  /** Closed and every job taken: the run can end once the jobs out are back. */
  get finished(): boolean {
    return this.#closed && this.ready === 0;
  }

  /** The next job for an idle worker: the largest ready job, else the open batch; undefined if none. */
  take(): T[] | undefined {
    const next = this.#ready.shift();
    if (next) return next.job;
    if (this.#batch.length === 0) return undefined;
    const job = this.#batch;
    this.#batch = [];
    this.#batchBytes = 0;
    return job;
  }

  /** Calls `listener` whenever jobs become ready or the queue closes; returns the unsubscribe. */
  onChange(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #flush(): void {
    if (this.#batch.length === 0) return;
    this.#push(this.#batch, this.#batchBytes);
    this.#batch = [];
    this.#batchBytes = 0;
  }

  /** Inserts after every job at least as big: largest first, and first come first among equals. */
  #push(job: T[], bytes: number): void {
    let lo = 0;
    let hi = this.#ready.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.#ready[mid]!.bytes >= bytes) lo = mid + 1;
      else hi = mid;
    }
    this.#ready.splice(lo, 0, { job, bytes });
  }

  #notify(): void {
    for (const listener of [...this.#listeners]) listener();
  }
}
