import { createSHA256 } from 'hash-wasm';
import type { IncrementalHasher } from './hasher.ts';

/**
 * SHA-256 in WebAssembly (hash-wasm): the fastest SHA-256 a browser worker has. WebCrypto's digest is
 * one-shot (w3c/webcrypto#73) and was not faster in Chromium (research/browser-perf.md §1).
 */
export async function createSha256Wasm(): Promise<IncrementalHasher> {
  const hasher = await createSHA256();
  hasher.init();
  return {
    update: (chunk) => void hasher.update(chunk),
    digestHex: () => hasher.digest('hex'),
  };
}
