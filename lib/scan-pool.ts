import type { ScanWorkerApi } from '@/workers/scan.worker';
import type { FileScan } from '@/core/scan/scan-check';
import type { ModelFile } from './model-files';
import { runPool } from './worker-pool';
import { ROUTER_CODES } from '@/core/scan/router-codes';

/** A file whose scan runs longer than this is stopped and reported as "could not verify". */
const SCAN_TIMEOUT_MS = 120_000;

/** A scan that crashed or overran: "could not verify" with the router's own finding, never a result. */
function unverified(f: ModelFile, reason: string): FileScan {
  const { severity, title } = ROUTER_CODES['MG-SCAN-903'];
  return {
    path: f.path,
    outcome: {
      format: 'unknown',
      verdict: 'unverified',
      reason,
      findings: [{ code: 'MG-SCAN-903', severity, title, detail: `${f.path}: ${reason}` }],
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
