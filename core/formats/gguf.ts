import type { ByteSource } from '../io/byte-source.ts';
import { FormatError } from './format-error.ts';
import { GGML_TYPES, ggmlByteSize } from './ggml-types.ts';
import { WindowReader } from './window-reader.ts';

/**
 * GGUF v1–v3 header reader (https://github.com/ggml-org/ggml/blob/master/docs/gguf.md). Reads the
 * key/value metadata and tensor infos through a bounded window; never reads tensor data. Every count
 * and length is checked against the bytes left in the file before anything is allocated (technique 37:
 * CVE-2024-21802, CVE-2025-53630, llama.cpp #19856). v1 stores counts and lengths as u32, v2+ as u64;
 * v3 may be big-endian (detected from the version field).
 */

export const GGUF_VALUE_TYPES = [
  'UINT8', 'INT8', 'UINT16', 'INT16', 'UINT32', 'INT32', 'FLOAT32', 'BOOL', 'STRING', 'ARRAY', 'UINT64', 'INT64', 'FLOAT64',
] as const; // prettier-ignore
const T_STRING = 8;
const T_ARRAY = 9;
const T_UINT32 = 4;
/** Fixed sizes by value type (0 for STRING/ARRAY, which have a length prefix). */
const VALUE_SIZE = [1, 1, 2, 2, 4, 4, 4, 1, 0, 0, 8, 8, 8];

/** Arrays of arrays are legal in the spec but never needed; deep nesting is a stack-exhaustion vector (gguf-py). */
export const MAX_ARRAY_DEPTH = 3;
/** Chat templates are read whole to be checked; bigger ones are reported as not verified. */
export const MAX_TEMPLATE_BYTES = 4 << 20;
const MAX_KEY_BYTES = 1 << 16;
const MAX_KEPT_STRING = 1024;
export const DEFAULT_ALIGNMENT = 32;

export type GgufScalar = number | bigint | boolean | string;

export interface GgufKv {
  key: string;
  type: number;
  /** Absolute offset of the key's length field. */
  offset: number;
  /** Scalars, and strings up to 1 KiB (chat templates up to MAX_TEMPLATE_BYTES). */
  value?: GgufScalar;
  /** String byte length, for strings not kept. */
  stringLength?: number;
  arrayType?: number;
  arrayLength?: number;
}

export interface GgufTensorInfo {
  name: string;
  type: number;
  typeName: string;
  dims: bigint[];
  /** Relative to the data section. */
  offset: bigint;
  /** Absolute offset of the tensor info record. */
  infoOffset: number;
  /** Null when the type's block layout is unknown or dims[0] is not a whole number of blocks. */
  byteSize: bigint | null;
}

export interface GgufHeader {
  version: number;
  littleEndian: boolean;
  kvs: GgufKv[];
  tensors: GgufTensorInfo[];
  alignment: number;
  /** Absolute offset of the tensor data section. */
  dataStart: number;
  fileSize: number;
  duplicateKeys: GgufKv[];
  duplicateTensors: GgufTensorInfo[];
}

export function isGguf(head: Uint8Array): boolean {
  return head.byteLength >= 4 && head[0] === 0x47 && head[1] === 0x47 && head[2] === 0x55 && head[3] === 0x46;
}

export function isChatTemplateKey(key: string): boolean {
  return key === 'tokenizer.chat_template' || key.startsWith('tokenizer.chat_template.');
}

export async function readGgufHeader(source: ByteSource): Promise<GgufHeader> {
  const c = new GgufCursor(new WindowReader(source));
  if (!isGguf(await c.take(4))) throw new FormatError('file does not start with the GGUF magic', 0);
  const { version, littleEndian } = await readVersion(c);
  c.le = littleEndian;
  c.v1 = version === 1;
  const tensorCount = await c.count('tensor count', 8 + 4 + 4 + 8);
  const kvCount = await c.count('metadata key/value count', (c.v1 ? 4 : 8) + 4 + 1);
  const { kvs, duplicateKeys } = await readKvs(c, kvCount);
  const alignment = readAlignment(kvs);
  const { tensors, duplicateTensors } = await readTensorInfos(c, tensorCount);
  const dataStart = Math.ceil(c.pos / alignment) * alignment;
  return {
    version,
    littleEndian,
    kvs,
    tensors,
    alignment,
    dataStart,
    fileSize: source.size,
    duplicateKeys,
    duplicateTensors,
  };
}

async function readVersion(c: GgufCursor): Promise<{ version: number; littleEndian: boolean }> {
  const b = await c.take(4);
  const view = new DataView(b.buffer, b.byteOffset, 4);
  const le = view.getUint32(0, true);
  if (le >= 1 && le <= 3) return { version: le, littleEndian: true };
  const be = view.getUint32(0, false);
  if (be >= 2 && be <= 3) return { version: be, littleEndian: false };
  throw new FormatError(`unsupported GGUF version ${le}`, 4);
}

async function readKvs(c: GgufCursor, count: number): Promise<{ kvs: GgufKv[]; duplicateKeys: GgufKv[] }> {
  const kvs: GgufKv[] = [];
  const duplicateKeys: GgufKv[] = [];
  const seen = new Set<string>();
  for (let i = 0; i < count; i++) {
    const offset = c.pos;
    const key = (await c.string(MAX_KEY_BYTES, 'key', true)).text ?? '';
    const type = await c.u32();
    const kv: GgufKv = { key, type, offset };
    await readValue(c, kv, isChatTemplateKey(key) ? MAX_TEMPLATE_BYTES : MAX_KEPT_STRING);
    if (seen.has(key)) duplicateKeys.push(kv);
    seen.add(key);
    kvs.push(kv);
  }
  return { kvs, duplicateKeys };
}

async function readValue(c: GgufCursor, kv: GgufKv, keep: number): Promise<void> {
  checkType(kv.type, c.pos - 4);
  if (kv.type === T_STRING) {
    const s = await c.string(keep, `value of '${kv.key}'`, false);
    if (s.text !== undefined) kv.value = s.text;
    else kv.stringLength = s.length;
  } else if (kv.type === T_ARRAY) {
    const { type, length } = await skipArray(c, 1);
    kv.arrayType = type;
    kv.arrayLength = length;
  } else {
    kv.value = await c.scalar(kv.type);
  }
}

function checkType(type: number, offset: number): void {
  if (!Number.isInteger(type) || type < 0 || type >= GGUF_VALUE_TYPES.length) {
    throw new FormatError(`unknown metadata value type ${type}`, offset, 'unknown-value-type');
  }
}

async function skipArray(c: GgufCursor, depth: number): Promise<{ type: number; length: number }> {
  if (depth > MAX_ARRAY_DEPTH) {
    throw new FormatError(`metadata arrays nested deeper than ${MAX_ARRAY_DEPTH} levels`, c.pos, 'array-too-deep');
  }
  const type = await c.u32();
  checkType(type, c.pos - 4);
  const minSize = VALUE_SIZE[type] || (type === T_STRING ? (c.v1 ? 4 : 8) : 4 + (c.v1 ? 4 : 8));
  const length = await c.count('array length', minSize);
  if (type === T_STRING) for (let i = 0; i < length; i++) await c.string(0, 'array string', false);
  else if (type === T_ARRAY) for (let i = 0; i < length; i++) await skipArray(c, depth + 1);
  else await c.skip(length * minSize);
  return { type, length };
}

function readAlignment(kvs: GgufKv[]): number {
  const kv = kvs.find((k) => k.key === 'general.alignment');
  if (!kv) return DEFAULT_ALIGNMENT;
  const v = kv.value;
  if (kv.type !== T_UINT32 || typeof v !== 'number' || v === 0 || (v & (v - 1)) !== 0) {
    throw new FormatError(
      `general.alignment is ${String(v ?? kv.type)}, not a power-of-two u32`,
      kv.offset,
      'bad-alignment',
    );
  }
  return v;
}

async function readTensorInfos(
  c: GgufCursor,
  count: number,
): Promise<{ tensors: GgufTensorInfo[]; duplicateTensors: GgufTensorInfo[] }> {
  const tensors: GgufTensorInfo[] = [];
  const duplicateTensors: GgufTensorInfo[] = [];
  const seen = new Set<string>();
  for (let i = 0; i < count; i++) {
    const t = await readTensorInfo(c);
    if (seen.has(t.name)) duplicateTensors.push(t);
    seen.add(t.name);
    tensors.push(t);
  }
  return { tensors, duplicateTensors };
}

async function readTensorInfo(c: GgufCursor): Promise<GgufTensorInfo> {
  const infoOffset = c.pos;
  const name = (await c.string(MAX_KEY_BYTES, 'tensor name', true)).text ?? '';
  const nDims = await c.u32();
  if (nDims > 4) throw new FormatError(`tensor '${name}' has ${nDims} dimensions (max 4)`, infoOffset, 'too-many-dims');
  const dims: bigint[] = [];
  for (let d = 0; d < nDims; d++) dims.push(c.v1 ? BigInt(await c.u32()) : await c.u64big());
  const type = await c.u32();
  const info = GGML_TYPES.get(type);
  if (!info || info.removed) {
    const what = info ? `${info.name}, a type llama.cpp no longer loads` : `unknown type ${type}`;
    throw new FormatError(`tensor '${name}' has ${what}`, c.pos - 4, 'unknown-tensor-type');
  }
  const offset = await c.u64big();
  return { name, type, typeName: info.name, dims, offset, infoOffset, byteSize: ggmlByteSize(info, dims) };
}

/**
 * The strings of a STRING-array metadata value (tokenizer.ggml.tokens, tokenizer.ggml.merges), read again from
 * the key's offset: the header keeps only the array's type and length. Undefined when the key is absent or not
 * an array of strings; a FormatError when it holds more than `maxItems` strings or `maxBytes` of text.
 */
export async function readGgufStringArray(
  source: ByteSource,
  header: GgufHeader,
  key: string,
  limits: { maxItems: number; maxBytes: number },
): Promise<string[] | undefined> {
  const array = await openArray(source, header, key, [T_STRING], limits.maxItems);
  if (!array) return undefined;
  const out: string[] = [];
  let bytes = 0;
  for (let i = 0; i < array.length; i++) {
    const s = await array.cursor.string(limits.maxBytes - bytes, `${key}[${i}]`, true);
    bytes += s.length;
    out.push(s.text ?? '');
  }
  return out;
}

const T_INT32 = 5;

/**
 * The integers of an INT32 or UINT32 array metadata value (tokenizer.ggml.token_type), read again from the key's
 * offset. Undefined when the key is absent or not such an array; a FormatError past `maxItems`.
 */
export async function readGgufIntArray(
  source: ByteSource,
  header: GgufHeader,
  key: string,
  maxItems: number,
): Promise<number[] | undefined> {
  const array = await openArray(source, header, key, [T_INT32, T_UINT32], maxItems);
  if (!array) return undefined;
  const out: number[] = [];
  for (let i = 0; i < array.length; i++) out.push(Number(await array.cursor.scalar(array.type)));
  return out;
}

/** A cursor at the first element of the array value of `key`, when it has one of `types` and ≤ `maxItems`. */
async function openArray(
  source: ByteSource,
  header: GgufHeader,
  key: string,
  types: readonly number[],
  maxItems: number,
): Promise<{ cursor: GgufCursor; length: number; type: number } | undefined> {
  const kv = header.kvs.find((k) => k.key === key);
  if (!kv || kv.type !== T_ARRAY || kv.arrayType === undefined || !types.includes(kv.arrayType)) return undefined;
  if ((kv.arrayLength ?? 0) > maxItems)
    throw new FormatError(`${key} holds ${kv.arrayLength} values, more than ${maxItems}`, kv.offset);
  const cursor = new GgufCursor(new WindowReader(source));
  cursor.le = header.littleEndian;
  cursor.v1 = header.version === 1;
  cursor.pos = kv.offset;
  await cursor.string(MAX_KEY_BYTES, 'key', true);
  await cursor.u32(); // ARRAY
  await cursor.u32(); // the element type
  const length = await cursor.count('array length', VALUE_SIZE[kv.arrayType] || (cursor.v1 ? 4 : 8));
  return { cursor, length, type: kv.arrayType };
}

/** Sequential little/big-endian reads over a WindowReader, with GGUF's version-dependent widths. */
class GgufCursor {
  pos = 0;
  le = true;
  v1 = false;
  private readonly decoder = new TextDecoder('utf-8', { fatal: true });

  constructor(private readonly r: WindowReader) {}

  get remaining(): number {
    return this.r.size - this.pos;
  }

  async take(n: number): Promise<Uint8Array> {
    if (n > this.remaining) {
      throw new FormatError(
        `needs ${n} bytes at offset ${this.pos} but only ${this.remaining} remain`,
        this.pos,
        'length-exceeds-file',
      );
    }
    const b = await this.r.bytes(this.pos, n);
    this.pos += n;
    return b;
  }

  async skip(n: number): Promise<void> {
    if (n > this.remaining) {
      throw new FormatError(
        `needs ${n} bytes at offset ${this.pos} but only ${this.remaining} remain`,
        this.pos,
        'length-exceeds-file',
      );
    }
    this.pos += n;
  }

  private async view(n: number): Promise<DataView> {
    const b = await this.take(n);
    return new DataView(b.buffer, b.byteOffset, n);
  }

  async u32(): Promise<number> {
    return (await this.view(4)).getUint32(0, this.le);
  }

  async u64big(): Promise<bigint> {
    return (await this.view(8)).getBigUint64(0, this.le);
  }

  /** A count or length (u32 in v1, u64 after) checked against the bytes left: each item needs ≥ minItemBytes. */
  async count(what: string, minItemBytes: number): Promise<number> {
    const at = this.pos;
    const n = this.v1 ? BigInt(await this.u32()) : await this.u64big();
    if (n * BigInt(Math.max(1, minItemBytes)) > BigInt(this.remaining)) {
      throw new FormatError(
        `${what} ${n} needs more than the ${this.remaining} bytes left in the file`,
        at,
        'length-exceeds-file',
      );
    }
    return Number(n);
  }

  /** A length-prefixed string: decoded when length ≤ keep, skipped otherwise. Keys must fit `keep`. */
  async string(keep: number, what: string, required: boolean): Promise<{ text?: string; length: number }> {
    const at = this.pos;
    const length = await this.count(`${what} length`, 1);
    if (length > keep) {
      if (required) throw new FormatError(`${what} is ${length} bytes long`, at, 'length-exceeds-file');
      await this.skip(length);
      return { length };
    }
    const bytes = await this.take(length);
    try {
      return { text: this.decoder.decode(bytes), length };
    } catch {
      throw new FormatError(`${what} is not valid UTF-8`, at);
    }
  }

  async scalar(type: number): Promise<GgufScalar> {
    const v = await this.view(VALUE_SIZE[type] ?? 0);
    const le = this.le;
    const readers: Array<() => GgufScalar> = [
      () => v.getUint8(0), () => v.getInt8(0), () => v.getUint16(0, le), () => v.getInt16(0, le),
      () => v.getUint32(0, le), () => v.getInt32(0, le), () => v.getFloat32(0, le), () => v.getUint8(0) !== 0,
      () => '', () => '', () => v.getBigUint64(0, le), () => v.getBigInt64(0, le), () => v.getFloat64(0, le),
    ]; // prettier-ignore
    return (readers[type] ?? (() => 0))();
  }
}
