import { createSHA1, type IHasher } from 'hash-wasm';
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
  return gitBlobHasher(await createSHA1(), size);
}

function gitBlobHasher(hasher: IHasher, size: number): IncrementalHasher {
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

/**
 * Like gitBlobSha1Factory, for a worker hashing files one after another: one hash-wasm SHA-1 instance,
 * re-initialised for each file. Each hasher must be finished before the next is asked for.
 */
export function reusableGitBlobSha1(): (size: number) => HasherFactory {
  let instance: Promise<IHasher> | undefined;
  return (size) => async () => {
    if (!Number.isSafeInteger(size) || size < 0) throw new RangeError(`invalid git blob size ${size}`);
    instance ??= createSHA1();
    return gitBlobHasher(await instance, size);
  };
}
