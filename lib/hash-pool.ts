import { proxy } from 'comlink';
import type { HashWorkerApi } from '@/workers/hash.worker';
import type { HashOutcome } from '@/core/report/integrity-check';
import { planHashJobs } from '@/core/hash/plan-jobs';
import type { ModelFile } from './model-files';
import { runPool } from './worker-pool';

function failedOutcome(f: ModelFile, message: string): HashOutcome {
  const kind = /changed while it was read/.test(message) ? 'changed' : 'unreadable';
  return { path: f.path, size: f.file.size, error: { kind, message: `${f.path}: ${message}` } };
}

/** Hashes files in a pool of hash workers, largest first, small files in batches (core/hash/plan-jobs.ts). */
export function hashInPool(
  files: readonly ModelFile[],
  onProgress: (path: string, bytesDone: number) => void,
  /** Files up to this size also get a git blob SHA-1 (for a Hub comparison); 0 for none. */
  gitSha1MaxBytes = 0,
): { done: Promise<HashOutcome[]>; cancel: () => void } {
  return runPool<HashWorkerApi, ModelFile[], HashOutcome>({
    workerUrl: '/workers/hash.worker.js',
    name: 'hash',
    jobs: planHashJobs(files, (f) => f.file.size),
    setup: (api) =>
      void api.setProgressListener(proxy((path: string, p: { bytesDone: number }) => onProgress(path, p.bytesDone))),
    run: async (api, job) => {
      const results = await api.hashFiles(
        job.map(({ file, path }) => ({ file, path })),
        gitSha1MaxBytes,
      );
      return job.map((f, i): HashOutcome => {
        const r = results[i];
        if (r && 'sha256' in r) {
          return { path: f.path, size: f.file.size, sha256: r.sha256, ...(r.gitSha1 ? { gitSha1: r.gitSha1 } : {}) };
        }
        return failedOutcome(f, r?.error ?? 'no result from the hash worker');
      });
    },
    failed: (job, message) => job.map((f) => failedOutcome(f, message)),
    cancelled: (job) =>
      job.map((f) => ({
        path: f.path,
        size: f.file.size,
        error: { kind: 'cancelled', message: 'cancelled by the user' },
      })),
  });
}
