import { Gunzip, Unzlib, type FlateStreamHandler } from 'fflate';
import { memorySource, type ByteSource } from '../io/byte-source.ts';
import {
  inflateSteps,
  InflateSink,
  pyInt,
  readRange,
  startsWith,
  type InflateLimits,
  type InflateStop,
} from './container-io.ts';
import { decodeLz4Frames, LZ4_MAGIC } from './lz4-frame.ts';
import { decodeLzmaAlone } from './lzma-alone.ts';

/**
 * Compressed wrappers, sniffed by magic and unwrapped under the member cap, the inflated-bytes budget
 * and the ratio limit (decompression bombs stop early). joblib picks its decompressor by prefix alone
 * (joblib/compressor.py: 'ZF' compat, 'x' zlib, '\x1f\x8b' gzip, 'BZ' bz2, '\xfd7zXZ' xz, ']\x00'
 * lzma, '\x04\x22\x4d\x18' lz4): technique 12. Every binary prefix joblib accepts is sniffed here as
 * joblib sniffs it, so a stream its decompressor would reject comes out "could not verify", not as some
 * other format. The two prefixes that are also text ('x', 'BZ') additionally need what Python's zlib
 * (a valid FCHECK, no preset dictionary) and bz2 ('h' and a block-size digit) require before they
 * decompress anything, so that text files starting with those letters are still read as text.
 * 7z has no decoder here: "could not verify".
 */
export type CompressionKind = 'gzip' | 'zlib' | 'bz2' | 'xz' | 'lz4' | '7z' | 'lzma' | 'joblib-zfile';

const GZIP = [0x1f, 0x8b];
const BZ2 = [0x42, 0x5a, 0x68]; // "BZh" + block size '1'…'9'
const XZ = [0xfd, 0x37, 0x7a, 0x58, 0x5a];
const SEVEN_Z = [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c];
const LZMA_ALONE = [0x5d, 0x00];
const ZFILE = [0x5a, 0x46]; // "ZF": joblib < 0.10 header, then a hex length in 19 characters
const ZFILE_LENGTH = 19;

/** joblib's compat reader: `int(header[2:21], 16)` must parse before it decompresses anything. */
function zfileHeader(bytes: Uint8Array): boolean {
  if (!startsWith(bytes, ZFILE) || bytes.byteLength < ZFILE.length + ZFILE_LENGTH) return false;
  let text = '';
  for (const b of bytes.subarray(2, 2 + ZFILE_LENGTH)) text += String.fromCharCode(b);
  try {
    return pyInt(text, 16) !== null;
  } catch {
    return false;
  }
}

/** Sniffs the first bytes (the router passes up to 4096). */
export function compressionKind(bytes: Uint8Array): CompressionKind | null {
  if (startsWith(bytes, GZIP)) return 'gzip';
  if (startsWith(bytes, SEVEN_Z)) return '7z';
  if (startsWith(bytes, XZ)) return 'xz';
  if (startsWith(bytes, LZ4_MAGIC)) return 'lz4';
  if (startsWith(bytes, BZ2) && (bytes[3] ?? 0) >= 0x31 && (bytes[3] ?? 0) <= 0x39) return 'bz2';
  if (zfileHeader(bytes)) return 'joblib-zfile';
  if (startsWith(bytes, LZMA_ALONE)) return 'lzma';
  // zlib: CMF 0x78 (deflate, 32 KiB window, what zlib and joblib write) with a valid FCHECK, no FDICT.
  const flg = bytes[1] ?? 0;
  if (bytes[0] === 0x78 && ((0x78 << 8) | flg) % 31 === 0 && (flg & 0x20) === 0) return 'zlib';
  return null;
}

export type Decompressed =
  { status: 'ok'; bytes: Uint8Array } | { status: 'error' | 'unsupported' | InflateStop; message: string };

export type DecompressOptions = InflateLimits;

/** Decompresses `source` (of the sniffed kind) into memory, bounded. Never throws. */
export async function decompress(
  source: ByteSource,
  kind: CompressionKind,
  opts: DecompressOptions,
): Promise<Decompressed> {
  const sink = new InflateSink(opts);
  try {
    const ended = await DECODERS[kind](source, sink, opts);
    if (!ended && !sink.stop) return { status: 'error', message: `${kind}: stream truncated` };
  } catch (error) {
    if (!sink.stop)
      return { status: 'error', message: `${kind}: ${error instanceof Error ? error.message : String(error)}` };
  }
  const refused = sink.message(kind);
  if (sink.stop && refused) return { status: sink.stop, message: refused };
  return { status: 'ok', bytes: sink.bytes() };
}

type Decoder = (source: ByteSource, sink: InflateSink, opts: DecompressOptions) => Promise<boolean>;

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
    const at = ZFILE.length + ZFILE_LENGTH;
    const head = await source.read(at, 1);
    return fflateStream(new Unzlib(), source, head[0] === 0x20 ? at + 1 : at, sink);
  },
  bz2: bunzip,
  xz: unxzIgnoringTrailingData,
  lz4: async (source, sink, opts) => {
    const input = await readAllCompressed(source, opts.maxBytes);
    sink.consumed = input.byteLength;
    decodeLz4Frames(input, sink.push);
    return true;
  },
  '7z': unsupported('ModelGate cannot open 7z archives'),
  lzma: async (source, sink, opts) => {
    const input = await readAllCompressed(source, opts.maxBytes);
    // The decoder reports how far into the input it is, so the ratio limit sees a bomb at its start.
    const push = (chunk: Uint8Array, consumed: number) => ((sink.consumed = consumed), sink.push(chunk));
    return decodeLzmaAlone(input, push, { maxWindow: opts.maxBytes });
  },
};

interface FflateStream {
  ondata: FlateStreamHandler;
  push(chunk: Uint8Array, final?: boolean): void;
}

/** Small input steps bound what one push can produce (≈ 1032× for deflate) before the sink refuses. */
async function fflateStream(
  stream: FflateStream,
  source: ByteSource,
  from: number,
  sink: InflateSink,
): Promise<boolean> {
  let ended = false;
  stream.ondata = (chunk, final) => {
    ended ||= final;
    sink.push(chunk);
  };
  const length = source.size - from;
  for await (const step of inflateSteps(source, from, length, sink)) {
    sink.consumed += step.byteLength;
    stream.push(step, sink.consumed >= length);
    if (sink.stop || ended) break;
  }
  return ended;
}

/** Compressed input held whole for the decoders that need it (seek-bzip, lz4, lzma), within the memory limit. */
async function readAllCompressed(source: ByteSource, maxBytes: number): Promise<Uint8Array> {
  if (source.size > maxBytes) throw new Error(`compressed input of ${source.size} bytes exceeds the memory limit`);
  return source.read(0, source.size);
}

class SinkFull extends Error {}

async function bunzip(source: ByteSource, sink: InflateSink, opts: DecompressOptions): Promise<boolean> {
  const input = await readAllCompressed(source, opts.maxBytes);
  sink.consumed = input.byteLength;
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

/**
 * Python's LZMAFile stops at data after a complete .xz stream without an error, so joblib loads such a file.
 * The decoder here rejects the whole input instead; then the input is cut after each place a stream footer
 * can end (the magic 'YZ' on a 4-byte boundary) and the first cut that decodes is what the loader reads.
 */
async function unxzIgnoringTrailingData(source: ByteSource, sink: InflateSink, opts: DecompressOptions) {
  try {
    return await unxz(source, sink);
  } catch (error) {
    if (sink.bytes().byteLength > 0 || source.size > opts.maxBytes) throw error;
    const input = await readAllCompressed(source, opts.maxBytes);
    for (const end of footerEnds(input).slice(0, 8)) {
      const attempt = new InflateSink(opts);
      const ok = await unxz(memorySource(source.name, input.subarray(0, end)), attempt).catch(() => false);
      if (ok) {
        sink.consumed = input.byteLength;
        return sink.push(attempt.bytes()) || true;
      }
    }
    throw error;
  }
}

function footerEnds(input: Uint8Array): number[] {
  const ends: number[] = [];
  for (let at = 12 + 12 - 2; at + 2 <= input.byteLength; at += 4) {
    if (input[at] === 0x59 && input[at + 1] === 0x5a) ends.push(at + 2);
  }
  return ends;
}

async function unxz(source: ByteSource, sink: InflateSink): Promise<boolean> {
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
      else {
        sink.consumed += next.value.byteLength;
        controller.enqueue(next.value);
      }
    },
  });
  const reader = new XzReadableStream(input).getReader();
  let produced = false;
  for (;;) {
    const next = await reader.read().catch((error: unknown) => {
      // Python's LZMAFile ignores data after a complete stream; joblib then loads what came before, so that
      // output is what must be scanned (a corrupt stream yields no more to its loader than it did here).
      if (produced) return { done: true, value: undefined };
      throw error;
    });
    const { done, value } = next;
    if (done) return true;
    produced ||= (value?.byteLength ?? 0) > 0;
    if (value && !sink.push(value)) {
      await reader.cancel().catch(() => undefined);
      return true;
    }
  }
}
