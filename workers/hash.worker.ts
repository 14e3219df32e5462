import { expose, type ProxyOrClone } from 'comlink';
import { hashSource, type HashProgress } from '@/core/hash/hash-source';
import { createSha256Wasm } from '@/core/hash/sha256-wasm';
import { fileByteSource } from './file-byte-source';

type ProgressListener = (path: string, progress: HashProgress) => void;
export type HashItemResult = { sha256: string; bytes: number } | { error: string };

// One listener for the worker's whole life rather than a Comlink proxy (a MessagePort) per call.
let listener: ProxyOrClone<ProgressListener> | undefined;

/** Hashes files one after another; the pool in lib/hash-pool.ts runs one of these per core. */
const api = {
  setProgressListener(onProgress: ProxyOrClone<ProgressListener>): void {
    listener = onProgress;
  },
  /**
   * Hashes a batch of files. Small files come in batches because a round trip per file cost more than
   * hashing it (3000 shards: ~20 files/s one call each). One unreadable file does not fail the batch.
   */
  async hashFiles(items: { file: File; path: string }[]): Promise<HashItemResult[]> {
    const results: HashItemResult[] = [];
    for (const { file, path } of items) {
      try {
        // Progress every 16 MiB keeps updates to a few a second at browser hashing speeds.
        results.push(
          await hashSource(fileByteSource(file, path), createSha256Wasm, {
            onProgress: (p) => void listener?.(path, p),
            progressEveryBytes: 16 << 20,
          }),
        );
      } catch (error) {
        results.push({ error: error instanceof Error ? error.message : String(error) });
      }
    }
    return results;
  },
};

export type HashWorkerApi = typeof api;
expose(api);
