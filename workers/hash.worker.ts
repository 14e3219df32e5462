import { expose, type ProxyOrClone } from 'comlink';
import { hashSourceMulti, SizeChangedError, type HashProgress, type MultiDigests } from '@/core/hash/hash-source';
import { reusableGitBlobSha1 } from '@/core/hash/git-blob-sha1';
import { reusableSha256Simd } from '@/core/hash/sha256-simd';
import {
  CALIBRATION_SIZES,
  digestOneShot,
  ONE_SHOT_HASH_MAX_BYTES,
  ONE_SHOT_MIN_GAIN,
  type OneShotSample,
} from '@/core/hash/one-shot';
import { fileByteSource, prefetchedByteSource, readWhole, ReadBuffers, SMALL_READ } from './file-byte-source';

/** Progress of one run: [path, bytes done] pairs, oldest first, a file's last one when it is done. */
export type ProgressUpdate = [path: string, bytesDone: number];
type ProgressListener = (run: number, updates: ProgressUpdate[]) => void;
export type HashItemResult = { sha256: string; gitSha1?: string; bytes: number } | { error: string };

export interface HashItem {
  file: Blob;
  path: string;
  /**
   * Hash with one WebCrypto call instead of streaming through WebAssembly. The pool (lib/hash-pool.ts)
   * sets it only where calibration found it faster and the pool's one-shot memory budget has room.
   */
  oneShot?: boolean;
}

/** Progress every 16 MiB keeps updates to a few a second at browser hashing speeds. */
const PROGRESS_EVERY_BYTES = 16 << 20;
/** A one-shot file this big gets a "started" progress report too; smaller ones are done within a UI tick. */
const ONE_SHOT_START_REPORT_BYTES = 1 << 20;
/**
 * Progress goes out at most this often, several files to a message: one message per file made a folder
 * of 3000 small files wait on 3000 round trips to the page. The page redraws every 250 ms.
 */
const PROGRESS_FLUSH_MS = 100;
/** Small files (one arrayBuffer() each) read ahead of the one being hashed. */
const READ_AHEAD = 16;
/** The read buffers are let go after this long without work, so an idle warm worker holds little memory. */
const IDLE_RELEASE_MS = 120_000;

// One listener for the worker's whole life rather than a Comlink proxy (a MessagePort) per call.
let listener: ProxyOrClone<ProgressListener> | undefined;
let pending: ProgressUpdate[] = [];
let pendingRun = 0;
let lastFlush = 0;
let flushTimer: ReturnType<typeof setTimeout> | undefined;

function flushProgress(): void {
  clearTimeout(flushTimer);
  flushTimer = undefined;
  lastFlush = performance.now();
  if (pending.length === 0) return;
  const updates = pending;
  pending = [];
  void listener?.(pendingRun, updates);
}

/** Queues one progress update of run `run`; sends what is queued once PROGRESS_FLUSH_MS have passed. */
function queueProgress(run: number, path: string, bytesDone: number): void {
  if (run !== pendingRun) flushProgress();
  pendingRun = run;
  pending.push([path, bytesDone]);
  const wait = PROGRESS_FLUSH_MS - (performance.now() - lastFlush);
  if (wait <= 0) flushProgress();
  else flushTimer ??= setTimeout(flushProgress, wait);
}

// The worker hashes one file at a time, so one WebAssembly instance of each hash and one pair of read
// buffers serve every file: no instantiation and no fresh memory per file. SHA-256 is the SIMD
// WebAssembly of core/hash/sha256-simd.ts (~30% faster than hash-wasm in Chromium); hash-wasm still
// does the git blob SHA-1.
const sha256 = reusableSha256Simd();
const gitSha1 = reusableGitBlobSha1();
const buffers = new ReadBuffers();
let idleTimer: ReturnType<typeof setTimeout> | undefined;

/**
 * Hashes one file, streamed through WebAssembly or one-shot with WebCrypto. `prefetched`: its bytes, when
 * it is small enough to have been read ahead.
 */
async function hashOne(
  { file, path, oneShot }: HashItem,
  gitSha1MaxBytes: number,
  report: ((progress: HashProgress) => void) | undefined,
  prefetched?: Promise<ArrayBuffer>,
): Promise<MultiDigests> {
  const git = file.size <= gitSha1MaxBytes ? gitSha1(file.size) : undefined;
  // Never more than the one-shot budget in memory, whatever the caller asked.
  if (!oneShot || file.size > ONE_SHOT_HASH_MAX_BYTES) {
    return hashSourceMulti(
      prefetched ? prefetchedByteSource(file, path, prefetched) : fileByteSource(file, path, buffers),
      { sha256, ...(git ? { gitSha1: git } : {}) },
      { ...(report ? { onProgress: report } : {}), progressEveryBytes: PROGRESS_EVERY_BYTES },
    );
  }
  if (file.size >= ONE_SHOT_START_REPORT_BYTES) report?.({ bytesDone: 0, bytesTotal: file.size });
  let bytes: Uint8Array<ArrayBuffer>;
  let release = () => undefined as void;
  if (prefetched) {
    bytes = new Uint8Array(await prefetched);
    if (bytes.byteLength !== file.size) throw new SizeChangedError(path, file.size, bytes.byteLength);
  } else {
    ({ bytes, release } = await readWhole(file, path, buffers));
  }
  let digests: MultiDigests;
  try {
    digests = await digestOneShot(bytes, git ? { gitSha1: git } : {});
  } finally {
    release();
  }
  report?.({ bytesDone: digests.bytes, bytesTotal: file.size });
  return digests;
}

function random(bytes: number): Uint8Array<ArrayBuffer> {
  const data = new Uint8Array(bytes);
  for (let i = 0; i < bytes; i += 65_536) crypto.getRandomValues(data.subarray(i, i + 65_536));
  return data;
}

/** Compiles the hashes' WebAssembly and runs it over 8 MiB so V8 optimises it; faults in the read buffers. */
async function warmUp(): Promise<void> {
  const a = new Uint8Array(buffers.take());
  const b = new Uint8Array(buffers.take());
  a.fill(1);
  b.fill(2);
  const hasher = await sha256();
  hasher.update(a);
  hasher.update(b);
  hasher.digestHex();
  const git = await gitSha1(1 << 20)();
  git.update(a.subarray(0, 1 << 20));
  git.digestHex();
  buffers.give(a.buffer);
  buffers.give(b.buffer);
}

function busy(): void {
  clearTimeout(idleTimer);
}

function idle(): void {
  clearTimeout(idleTimer);
  idleTimer = setTimeout(() => buffers.clear(), IDLE_RELEASE_MS);
}

/** Hashes files one after another; the pool in lib/hash-pool.ts runs one of these per core. */
const api = {
  setProgressListener(onProgress: ProxyOrClone<ProgressListener>): void {
    listener = onProgress;
  },

  /**
   * Gets the worker ready for a verification while the page is idle: compiles the WebAssembly, runs it over
   * a few MiB so V8 has optimised it (a fresh worker's first MiB takes 20-130 ms instead of 2-3), and
   * faults in the read buffers.
   */
  async warm(): Promise<void> {
    busy();
    try {
      await warmUp();
    } finally {
      idle();
    }
  },

  /**
   * Times one-shot against streaming on in-memory blobs of CALIBRATION_SIZES (best of two each), for
   * oneShotLimit in core/hash/one-shot.ts. Run once per page, on a warm worker.
   */
  async calibrate(): Promise<OneShotSample[]> {
    busy();
    try {
      // Timings of a worker V8 has not optimised yet would favour one-shot: warm it first (cheap if warm).
      await warmUp();
      const samples: OneShotSample[] = [];
      for (const bytes of CALIBRATION_SIZES) {
        const blob = new Blob([random(bytes)]);
        let oneShotMs = Infinity;
        let streamMs = Infinity;
        for (let i = 0; i < 2; i++) {
          let started = performance.now();
          await hashOne({ file: blob, path: 'calibration', oneShot: true }, 0, undefined);
          oneShotMs = Math.min(oneShotMs, performance.now() - started);
          started = performance.now();
          await hashOne({ file: blob, path: 'calibration' }, 0, undefined);
          streamMs = Math.min(streamMs, performance.now() - started);
        }
        samples.push({ bytes, oneShotSeconds: oneShotMs / 1000, streamSeconds: streamMs / 1000 });
        // oneShotLimit stops at the first size where one-shot loses: larger ones need no timing.
        if (oneShotMs > ONE_SHOT_MIN_GAIN * streamMs) break;
      }
      return samples;
    } finally {
      idle();
    }
  },

  /**
   * Hashes a batch of files. Small files come in batches because a round trip per file cost more than
   * hashing it (3000 shards: ~20 files/s one call each), and the smallest are read READ_AHEAD at a time.
   * One unreadable file does not fail the batch. Progress goes to the listener tagged with `run`, and all
   * of it is sent before this returns.
   */
  async hashFiles(
    items: HashItem[],
    /** Also compute git blob SHA-1 (the Hub's id of non-LFS files) for files up to this size. */
    gitSha1MaxBytes = 0,
    /** The caller's run, which the progress updates name (0 when it does not care). */
    run = 0,
  ): Promise<HashItemResult[]> {
    busy();
    const ahead = new Map<number, Promise<ArrayBuffer>>();
    try {
      const results: HashItemResult[] = [];
      let next = 0;
      for (const [i, item] of items.entries()) {
        for (next = Math.max(next, i); next < items.length && next <= i + READ_AHEAD; next++) {
          const file = items[next]!.file;
          if (file.size > SMALL_READ) continue;
          const read = file.arrayBuffer();
          read.catch(() => undefined); // its own file's error, reported when that file's turn comes
          ahead.set(next, read);
        }
        const prefetched = ahead.get(i);
        ahead.delete(i);
        const { path } = item;
        try {
          const report = (p: HashProgress) => queueProgress(run, path, p.bytesDone);
          results.push(await hashOne(item, gitSha1MaxBytes, report, prefetched));
        } catch (error) {
          results.push({ error: error instanceof Error ? error.message : String(error) });
        }
      }
      return results;
    } finally {
      flushProgress();
      idle();
    }
  },
};

export type HashWorkerApi = typeof api;
expose(api);
