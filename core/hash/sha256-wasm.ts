import { createSHA256 } from 'hash-wasm';
import type { IncrementalHasher } from './hasher.ts';

/**
 * SHA-256 in WebAssembly (hash-wasm). The browser's hash worker uses the faster sha256-simd.ts; this one
 * stays as the reference the benchmarks compare with. WebCrypto's digest is one-shot (w3c/webcrypto#73):
 * one-shot.ts says when it is used.
 */
export async function createSha256Wasm(): Promise<IncrementalHasher> {
  const hasher = await createSHA256();
  hasher.init();
  return {
    update: (chunk) => void hasher.update(chunk),
    digestHex: () => hasher.digest('hex'),
  };
}
