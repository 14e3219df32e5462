// A diagnostic worker for bench/hash.bench.ts: splits the browser hashing path into its parts (the WASM
// hasher alone, reading alone) and tries reader variants, with the portal's own code where it exists.
// Bundled by esbuild when the bench runs and served to the page by Playwright; never part of the portal.
import type { ByteSource } from '../core/io/byte-source.ts';
import { hashSource } from '../core/hash/hash-source.ts';
import { createSha256Simd } from '../core/hash/sha256-simd.ts';
import { fileByteSource } from '../workers/file-byte-source.ts';

export type DiagTask =
  /** The hash worker's SHA-256 over one in-memory buffer, `bytes` in total, `chunk` bytes per update: its ceiling. */
  | { kind: 'mem'; bytes: number; chunk: number }
  /** WebCrypto's one-shot digest over one in-memory buffer of `bytes`: what a native hasher gives in this browser. */
  | { kind: 'webcrypto'; bytes: number }
  /** Read a File front to back through `reader`, hashing it or not. */
  | { kind: 'file'; file: File; reader: string; hash: boolean; yieldEvery?: number };

export interface DiagResult {
  seconds: number;
  bytes: number;
  chunks: number;
  sha256?: string;
}

/**
 * Readers by name. `portal` is workers/file-byte-source.ts unchanged; the rest are variants:
 * `byob:<MiB>` (the portal's double-buffered BYOB reader with another chunk size), `default` (file.stream()
 * with the default reader), `slice:<MiB>` (file.slice().arrayBuffer() with one slice read ahead),
 * `queue:<MiB>` (file.stream() piped through a TransformStream that buffers up to <MiB> ahead).
 */
function makeSource(file: File, reader: string): ByteSource {
  const base = fileByteSource(file, file.name);
  if (reader === 'portal') return base;
  const [kind, mib] = reader.split(':');
  const size = Math.round(Number(mib ?? '4') * (1 << 20));
  if (kind === 'byob') return { ...base, stream: () => byobChunks(file, size) };
  if (kind === 'default') return { ...base, stream: () => defaultChunks(file) };
  if (kind === 'slice') return { ...base, stream: () => sliceChunks(file, size) };
  if (kind === 'queue') return { ...base, stream: () => queuedChunks(file, size) };
  throw new Error(`unknown reader ${reader}`);
}

async function* byobChunks(file: Blob, chunk: number): AsyncGenerator<Uint8Array> {
  const reader = file.stream().getReader({ mode: 'byob' });
  try {
    let pending = reader.read(new Uint8Array(chunk));
    let spare: ArrayBuffer = new ArrayBuffer(chunk);
    for (;;) {
      const { value, done } = await pending;
      if (done || !value) return;
      pending = reader.read(new Uint8Array(spare));
      yield value;
      spare = value.buffer as ArrayBuffer;
    }
  } finally {
    await reader.cancel().catch(() => undefined);
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

async function* queuedChunks(file: Blob, ahead: number): AsyncGenerator<Uint8Array> {
  const strategy = new ByteLengthQueuingStrategy({ highWaterMark: ahead });
  const reader = file
    .stream()
    .pipeThrough(new TransformStream<Uint8Array, Uint8Array>({}, undefined, strategy))
    .getReader();
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

async function* sliceChunks(file: Blob, chunk: number): AsyncGenerator<Uint8Array> {
  const readAt = (offset: number) => file.slice(offset, offset + chunk).arrayBuffer();
  let offset = 0;
  let pending = offset < file.size ? readAt(offset) : null;
  while (pending) {
    const buffer = await pending;
    offset += buffer.byteLength;
    pending = buffer.byteLength > 0 && offset < file.size ? readAt(offset) : null;
    if (buffer.byteLength > 0) yield new Uint8Array(buffer);
  }
}

/** A macrotask boundary that is not clamped like nested setTimeout(0). */
function nextTask(): Promise<void> {
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => {
      channel.port1.close();
      resolve();
    };
    channel.port2.postMessage(null);
  });
}

async function run(task: DiagTask): Promise<DiagResult> {
  if (task.kind === 'mem') {
    const buffer = new Uint8Array(task.chunk);
    for (let i = 0; i < buffer.byteLength; i += 65536) crypto.getRandomValues(buffer.subarray(i, i + 65536));
    const hasher = await createSha256Simd();
    const started = performance.now();
    let chunks = 0;
    for (let done = 0; done < task.bytes; done += task.chunk, chunks++) {
      hasher.update(task.bytes - done >= task.chunk ? buffer : buffer.subarray(0, task.bytes - done));
    }
    const sha256 = hasher.digestHex();
    return { seconds: (performance.now() - started) / 1000, bytes: task.bytes, chunks, sha256 };
  }
  if (task.kind === 'webcrypto') {
    const buffer = new Uint8Array(task.bytes);
    for (let i = 0; i < buffer.byteLength; i += 65536) crypto.getRandomValues(buffer.subarray(i, i + 65536));
    const started = performance.now();
    const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', buffer));
    const sha256 = [...digest].map((b) => b.toString(16).padStart(2, '0')).join('');
    return { seconds: (performance.now() - started) / 1000, bytes: task.bytes, chunks: 1, sha256 };
  }
  const source = makeSource(task.file, task.reader);
  const started = performance.now();
  if (!task.hash) {
    let bytes = 0;
    let chunks = 0;
    for await (const chunk of source.stream()) {
      bytes += chunk.byteLength;
      chunks++;
    }
    return { seconds: (performance.now() - started) / 1000, bytes, chunks };
  }
  let chunks = 0;
  const every = task.yieldEvery;
  if (!every) {
    // The portal's own loop (core/hash/hash-source.ts), minus comlink and progress messages.
    const counted: ByteSource = {
      ...source,
      stream: async function* () {
        for await (const c of source.stream()) {
          chunks++;
          yield c;
        }
      },
    };
    const { sha256, bytes } = await hashSource(counted, () => createSha256Simd());
    return { seconds: (performance.now() - started) / 1000, bytes, chunks, sha256 };
  }
  // Variant: hash each chunk in slices with a task boundary between them, so the stream can pull the next
  // bytes from the browser's file pipe while this chunk is still being hashed.
  const inner = await createSha256Simd();
  let bytes = 0;
  for await (const chunk of source.stream()) {
    chunks++;
    for (let off = 0; off < chunk.byteLength; off += every) {
      inner.update(chunk.subarray(off, Math.min(chunk.byteLength, off + every)));
      await nextTask();
    }
    bytes += chunk.byteLength;
  }
  return { seconds: (performance.now() - started) / 1000, bytes, chunks, sha256: inner.digestHex() };
}

addEventListener('message', (event: MessageEvent<DiagTask>) => {
  run(event.data).then(
    (result) => postMessage({ ok: true, result }),
    (error: unknown) =>
      postMessage({ ok: false, error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) }),
  );
});
