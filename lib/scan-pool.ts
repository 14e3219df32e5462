import type { ScanWorkerApi } from '@/workers/scan.worker';
import type { FileScan } from '@/core/report/scan-check';
import type { ModelFile } from './model-files';
import { runPool } from './worker-pool';

/** A file whose scan runs longer than this is stopped and reported as "could not verify". */
const SCAN_TIMEOUT_MS = 120_000;

function unverified(f: ModelFile, reason: string, code = 'MG-SCAN-903'): FileScan {
  return {
    path: f.path,
    outcome: {
      format: 'unknown',
      verdict: 'unverified',
      reason,
      findings: [
        {
          code,
          severity: 'medium',
          title: 'The scanner failed on this file: could not verify',
          detail: `${f.path}: ${reason}`,
        },
      ],
    },
  };
}

/**
 * Scans files one at a time in a scan worker, beside the hash pool. One worker is enough: scanning
 * reads headers and pickles, not tensor data, so hashing dominates the time.
 */
export function scanInPool(
  files: readonly ModelFile[],
  onFileDone: () => void,
): { done: Promise<FileScan[]>; cancel: () => void } {
  return runPool<ScanWorkerApi, ModelFile, FileScan>({
    workerUrl: '/workers/scan.worker.js',
    name: 'scan',
    jobs: [...files],
    run: async (api, f) => {
      const [outcome] = await api.scanFiles([{ file: f.file, path: f.path }]);
      onFileDone();
      return [outcome ? { path: f.path, outcome } : unverified(f, 'no result from the scan worker')];
    },
    failed: (f, message) => (onFileDone(), [unverified(f, message)]),
    cancelled: () => [],
    jobTimeoutMs: SCAN_TIMEOUT_MS,
    maxWorkers: 1,
  });
}
