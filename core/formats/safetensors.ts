import type { ByteSource } from '../io/byte-source.ts';
import { FormatError } from './format-error.ts';
import { isJsonObject, parseStrictJson, type DuplicateKey, type JsonObject } from './strict-json.ts';

/**
 * safetensors reader: 8-byte little-endian header length, a JSON header, then the tensor bytes.
 * Only the header is read, never tensor data. Spec: https://github.com/huggingface/safetensors#format
 */

/** The reference library refuses headers over 100 MB (safetensors #668): a header-length DoS vector. */
export const MAX_SAFETENSORS_HEADER = 100_000_000;

/** Bits per element of every dtype in the safetensors spec (sub-byte types F4/F6 are packed). */
export const SAFETENSORS_DTYPE_BITS: Readonly<Record<string, number>> = {
  BOOL: 8,
  F4: 4,
  F6_E2M3: 6,
  F6_E3M2: 6,
  U8: 8,
  I8: 8,
  F8_E5M2: 8,
  F8_E4M3: 8,
  F8_E8M0: 8,
  F8_E4M3FNUZ: 8,
  F8_E5M2FNUZ: 8,
  I16: 16,
  U16: 16,
  F16: 16,
  BF16: 16,
  I32: 32,
  U32: 32,
  F32: 32,
  C64: 64,
  F64: 64,
  I64: 64,
  U64: 64,
};

export interface SafetensorsTensor {
  name: string;
  /** As written in the header; may be unknown (see validateSafetensors). */
  dtype: string;
  shape: number[];
  /** [begin, end) relative to the start of the data section. */
  dataOffsets: [number, number];
}

export interface SafetensorsHeader {
  /** The u64 length field. */
  headerLength: number;
  /** Absolute file offset of the data section (8 + headerLength). */
  dataStart: number;
  fileSize: number;
  /** In header order. */
  tensors: SafetensorsTensor[];
  /** `__metadata__` as found (validated separately); null when absent. */
  metadata: JsonObject | null;
  duplicates: DuplicateKey[];
}

/** Cheap sniff for the router: a plausible u64 header length followed by `{`. */
export function looksLikeSafetensors(head: Uint8Array, size: number): boolean {
  if (head.byteLength < 9 || size < 10) return false;
  const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
  const n = view.getBigUint64(0, true);
  return n >= 2n && n <= BigInt(Math.min(MAX_SAFETENSORS_HEADER, size - 8)) && head[8] === 0x7b;
}

/** Reads and parses the header; throws FormatError on a header that is not a well-formed safetensors header. */
export async function readSafetensorsHeader(source: ByteSource): Promise<SafetensorsHeader> {
  if (source.size < 8) throw new FormatError(`file is ${source.size} bytes, shorter than the 8-byte header length`, 0);
  const lenBytes = await source.read(0, 8);
  const n = new DataView(lenBytes.buffer, lenBytes.byteOffset, 8).getBigUint64(0, true);
  if (n > BigInt(MAX_SAFETENSORS_HEADER)) {
    throw new FormatError(`header length ${n} exceeds the 100 MB limit of the reference loader`, 0, 'header-too-large');
  }
  const headerLength = Number(n);
  if (8 + headerLength > source.size) {
    throw new FormatError(`header length ${headerLength} runs past the end of the ${source.size}-byte file`, 0);
  }
  const raw = await source.read(8, headerLength);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(raw);
  } catch {
    throw new FormatError('header is not valid UTF-8', 8);
  }
  if (!text.startsWith('{')) throw new FormatError("header does not start with '{'", 8);
  const { value, duplicates } = parseStrictJson(text, { maxDepth: 8 });
  if (!isJsonObject(value)) throw new FormatError('header is not a JSON object', 8);
  return { headerLength, dataStart: 8 + headerLength, fileSize: source.size, ...collect(value), duplicates };
}

function collect(root: JsonObject): { tensors: SafetensorsTensor[]; metadata: JsonObject | null } {
  const tensors: SafetensorsTensor[] = [];
  let metadata: JsonObject | null = null;
  for (const [name, entry] of Object.entries(root)) {
    if (name === '__metadata__') {
      if (entry === null) continue;
      if (!isJsonObject(entry)) throw new FormatError('__metadata__ is not an object');
      metadata = entry;
      continue;
    }
    tensors.push(tensorInfo(name, entry));
  }
  return { tensors, metadata };
}

function tensorInfo(name: string, entry: JsonObject[string]): SafetensorsTensor {
  if (!isJsonObject(entry)) throw new FormatError(`tensor '${name}' is not an object`);
  const { dtype, shape, data_offsets: offsets } = entry;
  if (typeof dtype !== 'string') throw new FormatError(`tensor '${name}' has no string dtype`);
  if (!Array.isArray(shape) || !shape.every(isCount)) {
    throw new FormatError(`tensor '${name}' shape is not a list of non-negative integers`);
  }
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isCount)) {
    throw new FormatError(`tensor '${name}' data_offsets is not a pair of non-negative integers`);
  }
  const [begin, end] = offsets as [number, number];
  if (end < begin) throw new FormatError(`tensor '${name}' data_offsets [${begin}, ${end}] end before they begin`);
  return { name, dtype, shape: shape as number[], dataOffsets: [begin, end] };
}

function isCount(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
}

/** Byte size of a tensor, or null for an unknown dtype or a bit count that is not whole bytes. */
export function safetensorsByteSize(dtype: string, shape: readonly number[]): bigint | null {
  const bits = SAFETENSORS_DTYPE_BITS[dtype];
  if (bits === undefined) return null;
  const total = shape.reduce((acc, d) => acc * BigInt(d), 1n) * BigInt(bits);
  return total % 8n === 0n ? total / 8n : null;
}
