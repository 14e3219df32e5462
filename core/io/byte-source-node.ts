import { open } from 'node:fs/promises';
import { checkRange, type ByteSource } from './byte-source.ts';

/** Chunk size for sequential reads: large enough that syscalls do not dominate, small enough to stay bounded. */
const STREAM_CHUNK = 4 << 20;

/** A ByteSource over a file on disk (CLI, benchmarks, tests). Reads with one reused buffer. */
export async function fileSource(path: string, name: string): Promise<ByteSource> {
  const handle = await open(path, 'r');
  const { size } = await handle.stat();
  await handle.close();
  return {
    name,
    size,
    async read(offset, length) {
      checkRange(name, offset, length);
      const file = await open(path, 'r');
      try {
        const buffer = new Uint8Array(Math.max(0, Math.min(length, size - offset)));
        const { bytesRead } = await file.read(buffer, 0, buffer.byteLength, offset);
        return buffer.subarray(0, bytesRead);
      } finally {
        await file.close();
      }
    },
    async *stream() {
      const file = await open(path, 'r');
      const buffer = new Uint8Array(STREAM_CHUNK);
      try {
        for (let offset = 0; ;) {
          const { bytesRead } = await file.read(buffer, 0, buffer.byteLength, offset);
          if (bytesRead === 0) return;
          offset += bytesRead;
          yield buffer.subarray(0, bytesRead);
        }
      } finally {
        await file.close();
      }
    },
  };
}
