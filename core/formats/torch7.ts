import type { ByteSource } from '../io/byte-source.ts';
import { memorySource } from '../io/byte-source.ts';
import { FormatError, UnsupportedLayoutError } from './format-error.ts';
import { WindowReader } from './window-reader.ts';

/**
 * Torch7 serialization (torch.save / torch.load, File.lua writeObject/readObject): a tree of objects, each
 * an int32 type tag then its body. Binary mode writes little-endian int32, int64 (`long`) and float64;
 * ascii mode writes the same values as text, each followed by a newline (THDiskFile with autospacing).
 * Tables, Torch objects and functions carry a reference index: a repeated index is a back-reference.
 */

export const T7_TYPE = {
  nil: 0,
  number: 1,
  string: 2,
  table: 3,
  torch: 4,
  boolean: 5,
  function: 6,
  legacyRecurFunction: 7,
  recurFunction: 8,
} as const;

export interface T7Limits {
  maxObjects: number;
  maxDepth: number;
  maxStringBytes: number;
}

const DEFAULT_LIMITS: T7Limits = { maxObjects: 1_000_000, maxDepth: 200, maxStringBytes: 64 << 20 };

export interface T7Function {
  /** Where the function's type tag starts (binary mode) or the token index (ascii mode). */
  offset: number;
  bytecodeBytes: number;
  /** The first bytes of the dump: `\x1bLua` (PUC Lua) or `\x1bLJ` (LuaJIT). */
  signature: string;
}

export interface T7Contents {
  mode: 'binary' | 'ascii';
  functions: T7Function[];
  /** Torch class names and how often each is built. */
  classes: Map<string, number>;
  objects: number;
}

/** Class names whose read methods are C code in torch7 (generic/Tensor.c, generic/Storage.c), with element sizes. */
const ELEMENT_BYTES: Record<string, number> = {
  Byte: 1,
  Char: 1,
  Short: 2,
  Int: 4,
  Long: 8,
  Float: 4,
  Double: 8,
  Half: 2,
  Cuda: 4,
  CudaByte: 1,
  CudaChar: 1,
  CudaShort: 2,
  CudaInt: 4,
  CudaLong: 8,
  CudaDouble: 8,
  CudaHalf: 2,
};
/** Class names and versions are short; only this much of one is kept. */
const NAME_BYTES = 256;
const TENSOR_CLASS = /^torch\.([A-Za-z]*)(Tensor|Storage)$/;

/** The primitive reads of THFile in one of its two modes. */
interface T7Stream {
  readonly position: number;
  int(): Promise<number>;
  long(): Promise<number>;
  double(): Promise<number>;
  /** `n` characters, of which the first `keep` are returned (the rest is skipped, never held). */
  chars(n: number, keep: number): Promise<Uint8Array>;
  /** Skips `count` numbers of `bytes` bytes each (storage data). */
  skipNumbers(count: number, bytes: number): Promise<void>;
}

export class T7Truncated extends FormatError {}

class BinaryStream implements T7Stream {
  position = 0;
  private readonly reader: WindowReader;
  constructor(source: ByteSource) {
    this.reader = new WindowReader(source);
  }

  private async take(n: number): Promise<DataView> {
    if (this.position + n > this.reader.size)
      throw new T7Truncated(`needs ${n} bytes at offset ${this.position}, the file ends at ${this.reader.size}`);
    const b = await this.reader.bytes(this.position, n);
    this.position += n;
    return new DataView(b.buffer, b.byteOffset, b.byteLength);
  }

  async int(): Promise<number> {
    return (await this.take(4)).getInt32(0, true);
  }
  async long(): Promise<number> {
    const v = (await this.take(8)).getBigInt64(0, true);
    if (v > BigInt(Number.MAX_SAFE_INTEGER) || v < BigInt(Number.MIN_SAFE_INTEGER))
      throw new FormatError(`long value ${v} is out of range`, this.position - 8);
    return Number(v);
  }
  async double(): Promise<number> {
    return (await this.take(8)).getFloat64(0, true);
  }
  async chars(n: number, keep: number): Promise<Uint8Array> {
    if (this.position + n > this.reader.size)
      throw new T7Truncated(`needs ${n} bytes at offset ${this.position}, the file ends at ${this.reader.size}`);
    const out = (await this.reader.bytes(this.position, Math.min(n, keep))).slice();
    this.position += n;
    return out;
  }
  async skipNumbers(count: number, bytes: number): Promise<void> {
    const n = count * bytes;
    if (!Number.isSafeInteger(n) || this.position + n > this.reader.size)
      throw new T7Truncated(`storage of ${count} elements runs past the end of the file`);
    this.position += n;
  }
}

const NUMBER_TOKEN = /^[-+]?(?:\d+\.?\d*(?:[eE][-+]?\d+)?|\.\d+(?:[eE][-+]?\d+)?|inf|nan|-nan)$/i;
const INT_TOKEN = /^[-+]?\d+$/;

/** Ascii mode: fscanf-style numbers, fread-style characters; each value may be followed by one newline. */
class AsciiStream implements T7Stream {
  position = 0;
  private readonly reader: WindowReader;
  constructor(source: ByteSource) {
    this.reader = new WindowReader(source);
  }

  private window = new Uint8Array(0);
  private windowStart = 0;

  /** The byte at `at`, or undefined past the end; read 64 KiB at a time. */
  private async byteAt(at: number): Promise<number | undefined> {
    if (at >= this.reader.size) return undefined;
    if (at < this.windowStart || at >= this.windowStart + this.window.byteLength) {
      this.window = (await this.reader.bytes(at, Math.min(1 << 16, this.reader.size - at))).slice();
      this.windowStart = at;
    }
    return this.window[at - this.windowStart];
  }

  private async token(): Promise<string> {
    let c = await this.byteAt(this.position);
    while (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) c = await this.byteAt(++this.position);
    if (c === undefined) throw new T7Truncated(`the file ends at ${this.position} where a number was expected`);
    let text = '';
    while (c !== undefined && c > 0x20 && c < 0x7f && text.length < 40) {
      text += String.fromCharCode(c);
      c = await this.byteAt(++this.position);
    }
    if (c === 0x0a) this.position++;
    return text;
  }

  async int(): Promise<number> {
    const t = await this.token();
    if (!INT_TOKEN.test(t)) throw new FormatError(`"${t}" is not an integer`, this.position);
    const v = Number(t);
    if (!Number.isSafeInteger(v)) throw new FormatError(`integer ${t} is out of range`, this.position);
    return v;
  }
  long(): Promise<number> {
    return this.int();
  }
  async double(): Promise<number> {
    const t = await this.token();
    if (!NUMBER_TOKEN.test(t)) throw new FormatError(`"${t}" is not a number`, this.position);
    return Number(t);
  }
  async chars(n: number, keep: number): Promise<Uint8Array> {
    if (this.position + n > this.reader.size)
      throw new T7Truncated(`needs ${n} characters at ${this.position}, the file ends at ${this.reader.size}`);
    const out = (await this.reader.bytes(this.position, Math.min(n, keep))).slice();
    this.position += n;
    if ((await this.byteAt(this.position)) === 0x0a) this.position++;
    return out;
  }
  async skipNumbers(count: number): Promise<void> {
    for (let i = 0; i < count; i++) await this.double();
  }
}

/** Reads the object tree the way File.lua's readObject does, recording what would be built. */
class ObjectReader {
  readonly contents: T7Contents;
  private readonly seen = new Set<number>();

  constructor(
    private readonly s: T7Stream,
    mode: 'binary' | 'ascii',
    private readonly limits: T7Limits,
  ) {
    this.contents = { mode, functions: [], classes: new Map(), objects: 0 };
  }

  async object(depth: number): Promise<void> {
    if (depth > this.limits.maxDepth)
      throw new UnsupportedLayoutError(`objects nested deeper than ${this.limits.maxDepth}`);
    if (++this.contents.objects > this.limits.maxObjects)
      throw new UnsupportedLayoutError(`more than ${this.limits.maxObjects} objects`);
    const at = this.s.position;
    const tag = await this.s.int();
    switch (tag) {
      case T7_TYPE.nil:
        return;
      case T7_TYPE.number:
        await this.s.double();
        return;
      case T7_TYPE.boolean:
        await this.s.int();
        return;
      case T7_TYPE.string:
        await this.string();
        return;
      case T7_TYPE.function:
        // readObject: `loadstring(dumped)` with no reference index, then the upvalues.
        await this.func(at, depth);
        return;
      case T7_TYPE.table:
      case T7_TYPE.torch:
      case T7_TYPE.recurFunction:
      case T7_TYPE.legacyRecurFunction:
        return this.referenced(tag, at, depth);
      default:
        throw new FormatError(`unknown type tag ${tag} at offset ${at}`, at);
    }
  }

  private async referenced(tag: number, at: number, depth: number): Promise<void> {
    const index = await this.s.int();
    if (this.seen.has(index)) return; // `objects[index]` already read: a back-reference
    this.seen.add(index);
    if (tag === T7_TYPE.table) return this.table(depth);
    if (tag === T7_TYPE.torch) return this.torchObject(depth);
    return this.func(at, depth);
  }

  /** A length-prefixed string: its length and its first `keep` bytes. */
  private async string(keep = 0): Promise<{ length: number; head: Uint8Array }> {
    const n = await this.s.int();
    if (n < 0) throw new FormatError(`negative string length ${n}`, this.s.position);
    if (n > this.limits.maxStringBytes)
      throw new UnsupportedLayoutError(`a string of ${n} bytes (over ${this.limits.maxStringBytes})`);
    return { length: n, head: await this.s.chars(n, keep) };
  }

  private async func(at: number, depth: number): Promise<void> {
    const dumped = await this.string(4);
    const signature = String.fromCharCode(...dumped.head);
    this.contents.functions.push({ offset: at, bytecodeBytes: dumped.length, signature });
    await this.object(depth + 1); // the upvalues table
  }

  private async table(depth: number): Promise<void> {
    const size = await this.s.int();
    if (size < 0) throw new FormatError(`negative table size ${size}`, this.s.position);
    if (size > this.limits.maxObjects) throw new UnsupportedLayoutError(`a table of ${size} entries`);
    for (let i = 0; i < size; i++) {
      await this.object(depth + 1);
      await this.object(depth + 1);
    }
  }

  private async torchObject(depth: number): Promise<void> {
    const version = decodeAscii((await this.string(NAME_BYTES)).head);
    const className = /^V .*$/.test(version) ? decodeAscii((await this.string(NAME_BYTES)).head) : version;
    this.contents.classes.set(className, (this.contents.classes.get(className) ?? 0) + 1);
    const tensor = TENSOR_CLASS.exec(className);
    const element = tensor ? ELEMENT_BYTES[tensor[1] || 'Double'] : undefined;
    if (tensor && element === undefined) throw new UnsupportedLayoutError(`Torch class ${className}`);
    if (tensor && tensor[2] === 'Tensor') return this.tensor(depth);
    if (tensor) return this.storage(element!);
    await this.object(depth + 1); // classes without a C read method: their fields as one table
  }

  /** generic/Tensor.c `write`: nDimension, sizes, strides, storageOffset + 1, then the storage object. */
  private async tensor(depth: number): Promise<void> {
    const dims = await this.s.int();
    if (dims < 0 || dims > 64) throw new FormatError(`tensor with ${dims} dimensions`, this.s.position);
    for (let i = 0; i < 2 * dims + 1; i++) await this.s.long();
    await this.object(depth + 1);
  }

  /** generic/Storage.c `write`: the element count, then the raw elements. */
  private async storage(elementBytes: number): Promise<void> {
    const size = await this.s.long();
    if (size < 0) throw new FormatError(`negative storage size ${size}`, this.s.position);
    await this.s.skipNumbers(size, elementBytes);
  }
}

function decodeAscii(bytes: Uint8Array): string {
  let out = '';
  for (const b of bytes.subarray(0, 256)) out += b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '?';
  return out;
}

/** Whether the first bytes are text (ascii mode) rather than int32 tags. */
function asciiMode(head: Uint8Array): boolean {
  return /^[0-9]/.test(String.fromCharCode(head[0] ?? 0)) && (head[1] === 0x0a || head[1] === 0x20);
}

/** Reads the whole object tree; throws T7ReadError (malformed, or past the limits) with what was read before. */
export async function readTorch7(source: ByteSource, limits: Partial<T7Limits> = {}): Promise<T7Contents> {
  const head = await source.read(0, 2);
  const mode = asciiMode(head) ? 'ascii' : 'binary';
  const stream = mode === 'ascii' ? new AsciiStream(source) : new BinaryStream(source);
  const reader = new ObjectReader(stream, mode, { ...DEFAULT_LIMITS, ...limits });
  try {
    await reader.object(0);
  } catch (error) {
    if (error instanceof FormatError || error instanceof UnsupportedLayoutError)
      throw new T7ReadError(error, reader.contents);
    throw error;
  }
  return reader.contents;
}

/** A read that stopped: why (`cause`), and what had been read before it (`contents`). */
export class T7ReadError extends Error {
  constructor(
    override readonly cause: FormatError | UnsupportedLayoutError,
    readonly contents: T7Contents,
  ) {
    super(cause.message);
    this.name = 'T7ReadError';
  }
}

/** Top-level objects a saved model starts with: a table, a Torch object (nn module, tensor) or a function. */
const TOP_TAGS = new Set<number>([T7_TYPE.table, T7_TYPE.torch, T7_TYPE.recurFunction, T7_TYPE.legacyRecurFunction]);

/**
 * Content sniffer: the first tag is a table/Torch object/function with reference index 1, and the head parses
 * as File.lua's stream at least into its second object.
 */
export async function isTorch7(head: Uint8Array): Promise<boolean> {
  if (head.byteLength < 12) return false;
  const ascii = asciiMode(head);
  if (!ascii) {
    const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
    if (!TOP_TAGS.has(view.getInt32(0, true)) || view.getInt32(4, true) !== 1) return false;
  } else if (!/^[3478]\n1\n/.test(String.fromCharCode(...head.subarray(0, 4)))) return false;
  if (startsWithLuaDump(head, ascii)) return true;
  const reader = headReader(head, ascii);
  try {
    await reader.object(0);
    return true;
  } catch (error) {
    // Once the stream has shown File.lua's structure past its first object header, a malformed or cut
    // stream is still a Torch7 file (to be reported as such), not some other format.
    return error instanceof FormatError && reader.contents.objects >= 2;
  }
}

function headReader(head: Uint8Array, ascii: boolean): ObjectReader {
  const source = memorySource('head', head);
  const stream = ascii ? new AsciiStream(source) : new BinaryStream(source);
  return new ObjectReader(stream, ascii ? 'ascii' : 'binary', { ...DEFAULT_LIMITS, maxObjects: 10_000 });
}

/** A top-level function whose dump does not fit the head: its bytecode signature right after the length. */
function startsWithLuaDump(head: Uint8Array, ascii: boolean): boolean {
  if (ascii) {
    const m = /^[78]\n1\n\d+\n/.exec(String.fromCharCode(...head.subarray(0, 32)));
    return m !== null && isLuaSignature(head.subarray(m[0].length));
  }
  return (head[0] === 7 || head[0] === 8) && isLuaSignature(head.subarray(12));
}

/** `\x1bLua` (PUC Lua string.dump) or `\x1bLJ` (LuaJIT). */
function isLuaSignature(b: Uint8Array): boolean {
  return b[0] === 0x1b && ((b[1] === 0x4c && b[2] === 0x75 && b[3] === 0x61) || (b[1] === 0x4c && b[2] === 0x4a));
}
