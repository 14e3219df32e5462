import { proxy, wrap, type Remote } from 'comlink';
import type { HashWorkerApi } from '@/workers/hash.worker';
import type { HashOutcome } from '@/core/report/integrity-check';
import type { ModelFile } from './model-files';
import { planHashJobs } from '@/core/hash/plan-jobs';

type OnProgress = (path: string, bytesDone: number) => void;

interface Slot {
  worker: Worker;
  api: Remote<HashWorkerApi>;
}

function startWorker(onProgress: OnProgress): Slot {
  const worker = new Worker('/workers/hash.worker.js', { type: 'module', name: 'hash' });
  const api = wrap<HashWorkerApi>(worker);
  void api.setProgressListener(proxy((path: string, p: { bytesDone: number }) => onProgress(path, p.bytesDone)));
  return { worker, api };
}

/** One worker per core (DESIGN.md §1), never more workers than jobs. */
export function poolSize(jobs: number, cores = navigator.hardwareConcurrency || 2): number {
  return Math.max(1, Math.min(jobs, cores));
}

const cancelledOutcome = (f: ModelFile): HashOutcome => ({
  path: f.path,
  size: f.file.size,
  error: { kind: 'cancelled', message: 'cancelled by the user' },
});

function failedOutcome(f: ModelFile, message: string): HashOutcome {
  const kind = /changed while it was read/.test(message) ? 'changed' : 'unreadable';
  return { path: f.path, size: f.file.size, error: { kind, message: `${f.path}: ${message}` } };
}

/**
 * Hashes files in a pool of workers. Cancel terminates the workers at once. A worker that dies is
 * replaced and the files it held are reported as unreadable, never as hashed.
 */
export function hashInPool(
  files: readonly ModelFile[],
  onProgress: OnProgress,
): { done: Promise<HashOutcome[]>; cancel: () => void } {
  const queue = planHashJobs(files, (f) => f.file.size);
  const outcomes: HashOutcome[] = [];
  const live = new Set<Slot>();
  let cancelled = false;
  let wakeCancel: () => void = () => undefined;
  const cancelledSignal = new Promise<null>((resolve) => (wakeCancel = () => resolve(null)));

  async function runJob(slot: Slot, job: ModelFile[]): Promise<Slot> {
    let onError: (e: ErrorEvent) => void = () => undefined;
    const crashed = new Promise<never>((_, reject) => {
      onError = (e) => reject(new Error(e.message || 'the hash worker crashed'));
      slot.worker.addEventListener('error', onError);
    });
    try {
      const call = slot.api.hashFiles(job.map(({ file, path }) => ({ file, path })));
      const results = await Promise.race([call, crashed, cancelledSignal]);
      if (results === null) {
        outcomes.push(...job.map(cancelledOutcome));
        return slot;
      }
      job.forEach((f, i) => {
        const r = results[i];
        if (r && 'sha256' in r) outcomes.push({ path: f.path, size: f.file.size, sha256: r.sha256 });
        else outcomes.push(failedOutcome(f, r?.error ?? 'no result from the hash worker'));
      });
      return slot;
    } catch (error) {
      outcomes.push(...job.map((f) => failedOutcome(f, error instanceof Error ? error.message : String(error))));
      slot.worker.terminate();
      live.delete(slot);
      const replacement = startWorker(onProgress);
      live.add(replacement);
      return replacement;
    } finally {
      slot.worker.removeEventListener('error', onError);
    }
  }

  async function drain(slot: Slot): Promise<void> {
    let current = slot;
    for (let job = queue.shift(); job; job = queue.shift()) {
      if (cancelled) outcomes.push(...job.map(cancelledOutcome));
      else current = await runJob(current, job);
    }
  }

  const initial = Array.from({ length: poolSize(queue.length) }, () => startWorker(onProgress));
  for (const s of initial) live.add(s);
  const done = Promise.all(initial.map(drain)).then(() => {
    for (const s of live) s.worker.terminate();
    return outcomes;
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
