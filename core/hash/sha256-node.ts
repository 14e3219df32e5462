import { createHash } from 'node:crypto';
import type { IncrementalHasher } from './hasher.ts';

/** SHA-256 with OpenSSL (SHA-NI where the CPU has it): about 4x hash-wasm, so the CLI uses it. */
export async function createSha256Node(): Promise<IncrementalHasher> {
  const hash = createHash('sha256');
  return {
    update: (chunk) => void hash.update(chunk),
    digestHex: () => hash.digest('hex'),
  };
}
