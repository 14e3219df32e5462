import { expose, type ProxyOrClone } from 'comlink';
import { hashSource, type HashProgress } from '@/core/hash/hash-source';
import { createSha256Wasm } from '@/core/hash/sha256-wasm';
import { fileByteSource } from './file-byte-source';

/** Hashes one file at a time; the pool in lib/hash-pool.ts runs one of these per core. */
const api = {
  async hashFile(
    file: File,
    path: string,
    onProgress: ProxyOrClone<(p: HashProgress) => void>,
  ): Promise<{ sha256: string; bytes: number }> {
    // Progress every 16 MiB keeps updates to a few a second at browser hashing speeds.
    return hashSource(fileByteSource(file, path), createSha256Wasm, {
      onProgress: (p) => void onProgress(p),
      progressEveryBytes: 16 << 20,
    });
  },
};

export type HashWorkerApi = typeof api;
expose(api);
