import { createSHA1 } from 'hash-wasm';
import type { HasherFactory, IncrementalHasher } from './hasher.ts';

/** The git object id of a 40-hex blob: what the Hub's tree API gives as `oid` for files not in LFS. */
export const GIT_SHA1_HEX = /^[0-9a-f]{40}$/;

/**
 * Git blob SHA-1: sha1("blob <size>\0" + bytes), the id `git hash-object` prints. The header carries the
 * size, so it must be known before the first byte; the hasher refuses a digest over any other length
 * because that id would name a blob nobody has.
 */
export async function createGitBlobSha1(size: number): Promise<IncrementalHasher> {
  if (!Number.isSafeInteger(size) || size < 0) throw new RangeError(`invalid git blob size ${size}`);
  const hasher = await createSHA1();
  hasher.init();
  hasher.update(new TextEncoder().encode(`blob ${size}\0`));
  let seen = 0;
  return {
    update: (chunk) => {
      seen += chunk.byteLength;
      hasher.update(chunk);
    },
    digestHex: () => {
      if (seen !== size) throw new RangeError(`git blob declared ${size} bytes but ${seen} were hashed`);
      return hasher.digest('hex');
    },
  };
}

/** A HasherFactory for one file of `size` bytes (hashSourceMulti's `gitSha1`). */
export function gitBlobSha1Factory(size: number): HasherFactory {
  return () => createGitBlobSha1(size);
}
