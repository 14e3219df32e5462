import { checkRange, type ByteSource } from '@/core/io/byte-source';
import { SizeChangedError } from '@/core/hash/hash-source';

/** 4 MiB per read: Chromium's file pipe hands out ≤ 2 MiB at a time, so reads rarely come back short of work. */
export const CHUNK = 4 << 20;

/**
 * Files up to this size are read with one `arrayBuffer()` even when read buffers are at hand: the
 * allocation is small enough to come from the allocator's free lists, and one call is fewer round trips
 * to the browser process than a stream. A worker may read several such files ahead (prefetchedByteSource).
 */
export const SMALL_READ = 64 << 10;

/**
 * Read buffers a worker keeps from one file to the next. A fresh 4 MiB buffer is fresh memory the kernel
 * must fault in page by page, which in some VMs costs as much as hashing the bytes (~10 µs per 4 KiB
 * page); two kept buffers make every file after the first free of that. One stream at a time: a worker
 * reads its files one after another.
 */
export class ReadBuffers {
  #spare: ArrayBuffer[] = [];

  /** A CHUNK-sized buffer: a kept one when there is one. */
  take(): ArrayBuffer {
    return this.#spare.pop() ?? new ArrayBuffer(CHUNK);
  }

  /** Keeps a buffer for the next file (at most two: more would only be memory). */
  give(buffer: ArrayBuffer | undefined): void {
    // A buffer lost to a transfer has byteLength 0.
    if (buffer && buffer.byteLength === CHUNK && this.#spare.length < 2) this.#spare.push(buffer);
  }

  /** Drops the kept buffers (the worker is idle): the garbage collector frees them. */
  clear(): void {
    this.#spare = [];
  }

  get kept(): number {
    return this.#spare.length;
  }
}

/**
 * A ByteSource over a browser File. Sequential reads use a BYOB reader with two buffers, so the next read
 * runs while the current chunk is hashed: measured at ~2x `slice().arrayBuffer()` in Chromium, with memory
 * fixed at two chunks whatever the file size. With `buffers`, those two buffers are reused across files.
 */
export function fileByteSource(file: Blob, name: string, buffers?: ReadBuffers): ByteSource {
  return {
    name,
    size: file.size,
    read: async (offset, length) => {
      checkRange(name, offset, length);
      return new Uint8Array(await file.slice(offset, offset + length).arrayBuffer());
    },
    stream: () => {
      const small = buffers ? SMALL_READ : CHUNK;
      if (file.size <= small) return wholeChunk(file);
      return supportsByob(file) ? byobChunks(file, buffers) : defaultChunks(file);
    },
  };
}

/**
 * A ByteSource whose bytes are already on their way: a small file read ahead of its turn, so a batch of
 * tiny files waits for one round trip to the browser process at a time, not one per file.
 */
export function prefetchedByteSource(file: Blob, name: string, bytes: Promise<ArrayBuffer>): ByteSource {
  return {
    ...fileByteSource(file, name),
    stream: async function* () {
      yield new Uint8Array(await bytes);
    },
  };
}

/** A small file is one read: a stream costs more round trips to the browser process than it saves. */
async function* wholeChunk(file: Blob): AsyncGenerator<Uint8Array> {
  yield new Uint8Array(await file.arrayBuffer());
}

let byobSupported: boolean | undefined;

function supportsByob(file: Blob): boolean {
  if (byobSupported !== undefined) return byobSupported;
  try {
    const reader = file.stream().getReader({ mode: 'byob' });
    void reader.cancel();
    byobSupported = true;
  } catch {
    byobSupported = false;
  }
  return byobSupported;
}

async function* byobChunks(file: Blob, buffers?: ReadBuffers): AsyncGenerator<Uint8Array> {
  const reader = file.stream().getReader({ mode: 'byob' });
  // Without kept buffers, small files (configs, thousands of tiny shards) get small ones, not two of 4 MiB.
  const size = buffers ? CHUNK : Math.max(1, Math.min(CHUNK, file.size));
  const fresh = () => buffers?.take() ?? new ArrayBuffer(size);
  let pending: Promise<ReadableStreamReadResult<Uint8Array>> | undefined = reader.read(new Uint8Array(fresh()));
  let spare: ArrayBuffer | undefined = fresh();
  let current: ArrayBuffer | undefined;
  try {
    for (;;) {
      const { value, done } = await pending;
      pending = undefined;
      if (done || !value) {
        // The finished read hands its (empty) buffer back.
        buffers?.give(value?.buffer as ArrayBuffer | undefined);
        return;
      }
      // Start the next read into the spare buffer before handing this chunk out: reading overlaps hashing.
      pending = reader.read(new Uint8Array(spare!));
      spare = undefined;
      current = value.buffer as ArrayBuffer;
      yield value;
      // The consumer asked for the next chunk, so it is done with this one: its buffer becomes the spare.
      spare = current;
      current = undefined;
    }
  } finally {
    // Stopped early (an error, or the consumer broke off): cancelling settles a pending read, which hands
    // its buffer back; the chunk out and the spare are ours again.
    await reader.cancel().catch(() => undefined);
    if (buffers) {
      const last = pending ? await pending.catch(() => undefined) : undefined;
      buffers.give(last?.value?.buffer as ArrayBuffer | undefined);
      buffers.give(current);
      buffers.give(spare);
    }
  }
}

async function* defaultChunks(file: Blob): AsyncGenerator<Uint8Array> {
  const reader = file.stream().getReader();
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      yield value;
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
}

/**
 * The whole file in memory, for a one-shot digest. Files up to CHUNK are read into one of `buffers`
 * (call `release` when done with the bytes, to keep it); larger ones with `arrayBuffer()`, fresh memory
 * the garbage collector frees. A file that no longer has `file.size` bytes is a SizeChangedError, as
 * when it is streamed.
 */
export async function readWhole(
  file: Blob,
  name: string,
  buffers?: ReadBuffers,
): Promise<{ bytes: Uint8Array<ArrayBuffer>; release: () => void }> {
  if (!buffers || file.size <= SMALL_READ || file.size > CHUNK || !supportsByob(file)) {
    const bytes = new Uint8Array(await file.arrayBuffer());
    if (bytes.byteLength !== file.size) throw new SizeChangedError(name, file.size, bytes.byteLength);
    return { bytes, release: () => undefined };
  }
  const reader = file.stream().getReader({ mode: 'byob' });
  let buffer = buffers.take();
  let filled = 0;
  try {
    // Up to one byte past the size, so a file that grew is caught (CHUNK >= size, so the view has room
    // for it unless size === CHUNK; then one more 1-byte read tells).
    for (;;) {
      if (filled === buffer.byteLength) {
        const { value, done } = await reader.read(new Uint8Array(1));
        if (!done && value) filled += value.byteLength;
        break;
      }
      const { value, done } = await reader.read(new Uint8Array(buffer, filled, buffer.byteLength - filled));
      if (!value) throw new Error(`${name}: the file stream ended without handing its buffer back`);
      buffer = value.buffer as ArrayBuffer;
      if (done) break;
      filled += value.byteLength;
      if (filled > file.size) break;
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
  const kept = buffer;
  if (filled !== file.size) {
    buffers.give(kept);
    throw new SizeChangedError(name, file.size, filled);
  }
  return { bytes: new Uint8Array(kept, 0, filled), release: () => buffers.give(kept) };
}
