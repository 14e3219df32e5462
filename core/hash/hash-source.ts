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
  const hasher = await createHasher();
  const every = options.progressEveryBytes ?? 32 << 20;
  let bytesDone = 0;
  let nextReport = every;
  for await (const chunk of source.stream()) {
    if (options.isCancelled?.()) throw new HashCancelledError(source.name);
    hasher.update(chunk);
    bytesDone += chunk.byteLength;
    if (bytesDone >= nextReport) {
      options.onProgress?.({ bytesDone, bytesTotal: source.size });
      nextReport = bytesDone + every;
    }
  }
  // A file that grew or shrank under us has no single digest worth reporting.
  if (bytesDone !== source.size) throw new SizeChangedError(source.name, source.size, bytesDone);
  options.onProgress?.({ bytesDone, bytesTotal: source.size });
  return { sha256: hasher.digestHex(), bytes: bytesDone };
}
