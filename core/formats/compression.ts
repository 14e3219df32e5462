import { Gunzip, Unzlib, type FlateStreamHandler } from 'fflate';
import type { ByteSource } from '../io/byte-source.ts';
import { BoundedBuffer, readRange, startsWith } from './container-io.ts';
import { decodeLz4Frames, LZ4_MAGIC } from './lz4-frame.ts';

/**
 * Compressed wrappers, sniffed by magic and unwrapped under the inflated-bytes budget (decompression
 * bombs stop at the budget). joblib writes these magics itself (joblib/compressor.py: _ZFILE_PREFIX
 * 'ZF', _ZLIB_PREFIX 'x', _GZIP_PREFIX, _BZ2_PREFIX 'BZ', _XZ_PREFIX, _LZMA_PREFIX ']\x00',
 * _LZ4_PREFIX): technique 12. 7z and lzma-alone have no decoder here: "could not verify".
 */
export type CompressionKind = 'gzip' | 'zlib' | 'bz2' | 'xz' | 'lz4' | '7z' | 'lzma' | 'joblib-zfile';

const GZIP = [0x1f, 0x8b, 0x08];
const BZ2 = [0x42, 0x5a, 0x68]; // "BZh" + block size '1'…'9'
const XZ = [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00];
const SEVEN_Z = [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c];
const LZMA_ALONE = [0x5d, 0x00, 0x00];
const ZFILE = [0x5a, 0x46, 0x30, 0x78]; // "ZF0x": joblib < 0.10 header, hex length padded to 19 chars

/** Sniffs the first bytes (the router passes up to 512). */
export function compressionKind(bytes: Uint8Array): CompressionKind | null {
  if (startsWith(bytes, GZIP)) return 'gzip';
  if (startsWith(bytes, SEVEN_Z)) return '7z';
  if (startsWith(bytes, XZ)) return 'xz';
  if (startsWith(bytes, LZ4_MAGIC)) return 'lz4';
  if (startsWith(bytes, BZ2) && (bytes[3] ?? 0) >= 0x31 && (bytes[3] ?? 0) <= 0x39) return 'bz2';
  if (startsWith(bytes, ZFILE)) return 'joblib-zfile';
  if (startsWith(bytes, LZMA_ALONE)) return 'lzma';
  // zlib: CMF 0x78 (deflate, 32 KiB window, what zlib and joblib write) with a valid FCHECK, no FDICT.
  const flg = bytes[1] ?? 0;
  if (bytes[0] === 0x78 && ((0x78 << 8) | flg) % 31 === 0 && (flg & 0x20) === 0) return 'zlib';
  return null;
}

export type Decompressed =
  { status: 'ok'; bytes: Uint8Array } | { status: 'too-large' | 'budget' | 'error' | 'unsupported'; message: string };

export interface DecompressOptions {
  /** Max decompressed bytes held in memory (ScanBudget.maxMemberBytes). */
  maxBytes: number;
  /** Inflated bytes the whole file may still produce (ScanBudget); `spend` counts them. */
  allowance: () => number;
  spend: (bytes: number) => void;
}

/** Collects output under both limits; after the first refusal everything else is dropped. */
class Sink {
  private readonly out: BoundedBuffer;
  over: 'too-large' | 'budget' | null = null;
  constructor(private readonly opts: DecompressOptions) {
    this.out = new BoundedBuffer(opts.maxBytes);
  }
  push = (chunk: Uint8Array): boolean => {
    if (this.over) return false;
    this.opts.spend(chunk.byteLength);
    if (this.opts.allowance() < 0) this.over = 'budget';
    else if (!this.out.push(chunk)) this.over = 'too-large';
    return this.over === null;
  };
  result(kind: string): Decompressed {
    if (this.over === 'budget') return { status: 'budget', message: `${kind}: inflated-bytes budget exhausted` };
    if (this.over === 'too-large') {
      return { status: 'too-large', message: `${kind}: decompresses past ${this.opts.maxBytes} bytes` };
    }
    return { status: 'ok', bytes: this.out.bytes() };
  }
}

/** Decompresses `source` (of the sniffed kind) into memory, bounded. Never throws. */
export async function decompress(
  source: ByteSource,
  kind: CompressionKind,
  opts: DecompressOptions,
): Promise<Decompressed> {
  const sink = new Sink(opts);
  try {
    const ended = await DECODERS[kind](source, sink, opts);
    if (!ended && !sink.over) return { status: 'error', message: `${kind}: stream truncated` };
  } catch (error) {
    if (!sink.over)
      return { status: 'error', message: `${kind}: ${error instanceof Error ? error.message : String(error)}` };
  }
  return sink.result(kind);
}

type Decoder = (source: ByteSource, sink: Sink, opts: DecompressOptions) => Promise<boolean>;

const unsupported =
  (why: string): Decoder =>
  async () => {
    throw new Error(why);
  };

const DECODERS: Record<CompressionKind, Decoder> = {
  gzip: (source, sink) => fflateStream(new Gunzip(), source, 0, sink),
  zlib: (source, sink) => fflateStream(new Unzlib(), source, 0, sink),
  'joblib-zfile': async (source, sink) => {
    // joblib numpy_pickle_compat.read_zfile: "ZF" + 19-char hex length, an optional space, then zlib.
    const head = await source.read(21, 1);
    return fflateStream(new Unzlib(), source, head[0] === 0x20 ? 22 : 21, sink);
  },
  bz2: bunzip,
  xz: unxz,
  lz4: async (source, sink, opts) => {
    const input = await readAllCompressed(source, opts.maxBytes);
    decodeLz4Frames(input, sink.push);
    return true;
  },
  '7z': unsupported('ModelGate cannot open 7z archives'),
  lzma: unsupported('ModelGate has no decoder for the legacy .lzma format'),
};

interface FflateStream {
  ondata: FlateStreamHandler;
  push(chunk: Uint8Array, final?: boolean): void;
}

/** 64 KiB input steps bound what one push can produce (≈ 1032× for deflate) before the sink refuses. */
async function fflateStream(stream: FflateStream, source: ByteSource, from: number, sink: Sink): Promise<boolean> {
  let ended = false;
  stream.ondata = (chunk, final) => {
    ended ||= final;
    sink.push(chunk);
  };
  let read = from;
  for await (const chunk of readRange(source, from, source.size - from)) {
    read += chunk.byteLength;
    stream.push(chunk, read >= source.size);
    if (sink.over || ended) break;
  }
  return ended;
}

/** Compressed input held whole for the decoders that need it (seek-bzip, lz4), within the memory limit. */
async function readAllCompressed(source: ByteSource, maxBytes: number): Promise<Uint8Array> {
  if (source.size > maxBytes) throw new Error(`compressed input of ${source.size} bytes exceeds the memory limit`);
  return source.read(0, source.size);
}

class SinkFull extends Error {}

async function bunzip(source: ByteSource, sink: Sink, opts: DecompressOptions): Promise<boolean> {
  const input = await readAllCompressed(source, opts.maxBytes);
  const { default: Bunzip } = await import('seek-bzip');
  // seek-bzip writes a byte at a time: batch into 64 KiB chunks; a full sink aborts the decode.
  const block = new Uint8Array(64 << 10);
  let fill = 0;
  const flush = () => {
    if (fill && !sink.push(block.slice(0, fill))) throw new SinkFull();
    fill = 0;
  };
  try {
    Bunzip.decode(input, { writeByte: (b) => ((block[fill++] = b), fill === block.byteLength && flush()) }, true);
    flush();
  } catch (error) {
    if (!(error instanceof SinkFull)) throw error;
  }
  return true;
}

/** The few web-stream members xz-decompress needs; core's ES2022 lib does not declare them. */
interface WebStreamReader {
  read(): Promise<{ done: boolean; value?: Uint8Array }>;
  cancel(): Promise<void>;
}
interface WebReadableStream {
  getReader(): WebStreamReader;
}
interface WebReadableStreamCtor {
  new (source: { pull(controller: { enqueue(c: Uint8Array): void; close(): void }): Promise<void> }): WebReadableStream;
}

async function unxz(source: ByteSource, sink: Sink): Promise<boolean> {
  const Readable = (globalThis as unknown as { ReadableStream?: WebReadableStreamCtor }).ReadableStream;
  if (!Readable) throw new Error('web streams are unavailable in this environment');
  const { XzReadableStream } = (await import('xz-decompress')) as unknown as {
    XzReadableStream: new (input: WebReadableStream) => WebReadableStream;
  };
  const chunks = readRange(source, 0, source.size)[Symbol.asyncIterator]();
  const input = new Readable({
    async pull(controller) {
      const next = await chunks.next();
      if (next.done) controller.close();
      else controller.enqueue(next.value);
    },
  });
  const reader = new XzReadableStream(input).getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return true;
    if (value && !sink.push(value)) {
      await reader.cancel().catch(() => undefined);
      return true;
    }
  }
}
