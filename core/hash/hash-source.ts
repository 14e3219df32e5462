import type { ByteSource } from '../io/byte-source.ts';
import type { HasherFactory } from './hasher.ts';

export interface HashProgress {
  bytesDone: number;
  bytesTotal: number;
}

export interface HashOptions {
  /** Called at most every `progressEveryBytes` and once at the end. */
  onProgress?: (progress: HashProgress) => void;
  progressEveryBytes?: number;
  /** Checked once per chunk, so a cancel takes effect within one chunk. */
  isCancelled?: () => boolean;
}

export class HashCancelledError extends Error {
  constructor(name: string) {
    super(`hashing of ${name} was cancelled`);
    this.name = 'HashCancelledError';
  }
}

export class SizeChangedError extends Error {
  constructor(name: string, expected: number, actual: number) {
    super(`${name} changed while it was read: expected ${expected} bytes, read ${actual}`);
    this.name = 'SizeChangedError';
  }
}

/** Streams a source once through a hasher. Memory: whatever one chunk of the source holds. */
export async function hashSource(
  source: ByteSource,
  createHasher: HasherFactory,
  options: HashOptions = {},
): Promise<{ sha256: string; bytes: number }> {
  const { sha256, bytes } = await hashSourceMulti(source, { sha256: createHasher }, options);
  return { sha256, bytes };
}

/** The digests one pass can produce: SHA-256 always; the git blob SHA-1 when the Hub needs it. */
export interface MultiHashers {
  sha256: HasherFactory;
  /** Build with gitBlobSha1Factory(source.size): the git header needs the size up front. */
  gitSha1?: HasherFactory;
}

export interface MultiDigests {
  sha256: string;
  gitSha1?: string;
  bytes: number;
}

/**
 * Streams a source once through every hasher given, so a small file's git blob SHA-1 costs no second
 * read. Same progress, cancel and size-change rules as hashSource.
 */
export async function hashSourceMulti(
  source: ByteSource,
  hashers: MultiHashers,
  options: HashOptions = {},
): Promise<MultiDigests> {
  const sha256 = await hashers.sha256();
  const gitSha1 = hashers.gitSha1 ? await hashers.gitSha1() : undefined;
  const every = options.progressEveryBytes ?? 32 << 20;
  let bytesDone = 0;
  let nextReport = every;
  for await (const chunk of source.stream()) {
    if (options.isCancelled?.()) throw new HashCancelledError(source.name);
    sha256.update(chunk);
    gitSha1?.update(chunk);
    bytesDone += chunk.byteLength;
    if (bytesDone >= nextReport) {
      options.onProgress?.({ bytesDone, bytesTotal: source.size });
      nextReport = bytesDone + every;
    }
  }
  // A file that grew or shrank under us has no single digest worth reporting.
  if (bytesDone !== source.size) throw new SizeChangedError(source.name, source.size, bytesDone);
  options.onProgress?.({ bytesDone, bytesTotal: source.size });
  const digests: MultiDigests = { sha256: sha256.digestHex(), bytes: bytesDone };
  if (gitSha1) digests.gitSha1 = gitSha1.digestHex();
  return digests;
}
