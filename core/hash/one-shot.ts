import type { HasherFactory } from './hasher.ts';
import type { MultiDigests } from './hash-source.ts';

/**
 * The largest file hashed in one WebCrypto call (`crypto.subtle.digest`) rather than streamed through the
 * WebAssembly SHA-256 (sha256-simd.ts). WebCrypto has no incremental digest (w3c/webcrypto#73), so the
 * whole file must be in memory, and digest() copies its input first (the spec's "get a copy of the
 * bytes"): a one-shot file is held twice while it is hashed. 256 MiB keeps that peak at 512 MiB, which a
 * desktop tab survives, and covers configs, tokenizers, shards of up to 256 MiB and small models (~130M
 * parameters in fp16); larger files stream with memory fixed at two read buffers whatever their size.
 */
export const ONE_SHOT_HASH_MAX_BYTES = 256 << 20;

/**
 * File bytes all hash workers together may hold for one-shot hashing at once (twice that with
 * WebCrypto's copies): one 256 MiB file, or several smaller ones. A file that does not fit when its
 * worker starts it is streamed instead, so nothing ever waits for this budget.
 */
export const ONE_SHOT_POOL_BYTES = ONE_SHOT_HASH_MAX_BYTES;

/**
 * One-shot must take at most this share of the streaming time, as measured, to be used: it costs memory,
 * and a measurement taken once must still hold when the machine is a little busier.
 */
export const ONE_SHOT_MIN_GAIN = 0.85;

/** Sizes timed by calibration, smallest first (see oneShotLimit). */
export const CALIBRATION_SIZES = [256 << 10, 1 << 20, 8 << 20] as const;

/** One calibration measurement: the same bytes hashed both ways (best of a few runs each). */
export interface OneShotSample {
  bytes: number;
  oneShotSeconds: number;
  streamSeconds: number;
}

/**
 * The largest file size worth hashing one-shot, from calibration samples: one-shot must win at that size
 * and at every smaller size sampled; winning at the largest sample extends to `max`, because both costs
 * grow linearly with size past a few MiB. 0: always stream.
 *
 * Which path wins depends on the machine, not on this code. WebCrypto uses the CPU's SHA instructions
 * (several GB/s) where WebAssembly cannot, but a one-shot file is written to fresh memory twice (the read
 * and digest()'s copy), and where first touching memory is slow (some VMs fault each 4 KiB page for
 * ~10 µs, i.e. ~350 MB/s) those copies cost more than streaming saves.
 */
export function oneShotLimit(samples: readonly OneShotSample[], max = ONE_SHOT_HASH_MAX_BYTES): number {
  const sorted = [...samples].sort((a, b) => a.bytes - b.bytes);
  let limit = 0;
  for (const [i, s] of sorted.entries()) {
    const wins = s.oneShotSeconds > 0 && s.streamSeconds > 0 && s.oneShotSeconds <= ONE_SHOT_MIN_GAIN * s.streamSeconds;
    if (!wins) break;
    limit = i === sorted.length - 1 ? max : s.bytes;
  }
  return Math.min(limit, max);
}

/**
 * A count of bytes shared by several holders (the hash workers' one-shot files). tryTake never waits:
 * a caller that gets no bytes takes the path that needs none.
 */
export class ByteBudget {
  readonly total: number;
  #used = 0;

  constructor(total: number) {
    if (!(total >= 0)) throw new RangeError(`invalid byte budget ${total}`);
    this.total = total;
  }

  get available(): number {
    return this.total - this.#used;
  }

  tryTake(bytes: number): boolean {
    if (!(bytes >= 0) || bytes > this.available) return false;
    this.#used += bytes;
    return true;
  }

  give(bytes: number): void {
    if (!(bytes >= 0) || bytes > this.#used) throw new RangeError(`returned ${bytes} bytes, ${this.#used} taken`);
    this.#used -= bytes;
  }
}

/**
 * Which files of a job to hash one-shot, and the budget bytes that takes: files up to `limit`, if the
 * budget has room for the largest of them (a worker hashes its files one after another, so it holds
 * one at a time). Without room the whole job streams. The caller gives `bytes` back when the job ends.
 */
export function takeOneShot(
  sizes: readonly number[],
  limit: number,
  budget: ByteBudget,
): { oneShot: boolean[]; bytes: number } {
  const oneShot = sizes.map((size) => size <= limit);
  const bytes = Math.max(0, ...sizes.filter((_, i) => oneShot[i]));
  if (bytes === 0 || budget.tryTake(bytes)) return { oneShot, bytes };
  return { oneShot: sizes.map(() => false), bytes: 0 };
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

export function toHex(bytes: ArrayBuffer | Uint8Array): string {
  const view = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  let out = '';
  for (const b of view) out += HEX[b];
  return out;
}

/**
 * SHA-256 of bytes already in memory with WebCrypto, and the git blob SHA-1 when asked (hash-wasm over
 * the same bytes, meanwhile: WebCrypto hashes on a thread of its own in Chromium and Node). The caller
 * checks the byte count against the file's size, as hashSourceMulti does.
 */
export async function digestOneShot(
  bytes: Uint8Array<ArrayBuffer>,
  options: { gitSha1?: HasherFactory } = {},
): Promise<MultiDigests> {
  // digest() copies its input before it returns, so the caller may reuse `bytes` once this resolves.
  const sha256 = crypto.subtle.digest('SHA-256', bytes);
  let gitSha1: string | undefined;
  try {
    if (options.gitSha1) {
      const hasher = await options.gitSha1();
      hasher.update(bytes);
      gitSha1 = hasher.digestHex();
    }
  } catch (error) {
    sha256.catch(() => undefined); // the error below is the one to report
    throw error;
  }
  const digests: MultiDigests = { sha256: toHex(await sha256), bytes: bytes.byteLength };
  if (gitSha1 !== undefined) digests.gitSha1 = gitSha1;
  return digests;
}
