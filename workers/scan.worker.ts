import { expose } from 'comlink';
import { scanFile } from '@/core/scan/scan-file';
import type { ScanOutcome } from '@/core/scan/types';
import { fileByteSource } from './file-byte-source';

/** Scans files by content (core/scan). Reads headers and pickle streams only, never whole tensors. */
const api = {
  async scanFiles(items: { file: File; path: string }[]): Promise<ScanOutcome[]> {
    const outcomes: ScanOutcome[] = [];
    for (const { file, path } of items) outcomes.push(await scanFile(fileByteSource(file, path)));
    return outcomes;
  },
};

export type ScanWorkerApi = typeof api;
expose(api);
