import { expose, type ProxyOrClone } from 'comlink';
import { hashSourceMulti, type HashProgress } from '@/core/hash/hash-source';
import { gitBlobSha1Factory } from '@/core/hash/git-blob-sha1';
import { createSha256Wasm } from '@/core/hash/sha256-wasm';
import { fileByteSource } from './file-byte-source';

type ProgressListener = (path: string, progress: HashProgress) => void;
export type HashItemResult = { sha256: string; gitSha1?: string; bytes: number } | { error: string };

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
  async hashFiles(
    items: { file: File; path: string }[],
    /** Also compute git blob SHA-1 (the Hub's id of non-LFS files) for files up to this size. */
    gitSha1MaxBytes = 0,
  ): Promise<HashItemResult[]> {
    const results: HashItemResult[] = [];
    for (const { file, path } of items) {
      try {
        // Progress every 16 MiB keeps updates to a few a second at browser hashing speeds.
        results.push(
          await hashSourceMulti(
            fileByteSource(file, path),
            {
              sha256: createSha256Wasm,
              ...(file.size <= gitSha1MaxBytes ? { gitSha1: gitBlobSha1Factory(file.size) } : {}),
            },
            { onProgress: (p) => void listener?.(path, p), progressEveryBytes: 16 << 20 },
          ),
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
