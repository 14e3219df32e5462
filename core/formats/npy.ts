import type { ByteSource } from '../io/byte-source.ts';
import { startsWith, u16, u32 } from './container-io.ts';
import { parsePyLiteral, PyDict, PyTuple, type PyValue } from './py-literal.ts';

/**
 * NumPy .npy v1/v2/v3 (numpy/lib/format.py): magic, version, header length (u16 for v1, u32 for v2/3),
 * a Python dict literal {descr, fortran_order, shape}, then the data. Object dtypes store a pickle
 * instead of raw data (technique 15). The header is parsed without evaluation.
 */
export const NPY_MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

/** numpy refuses headers over 10 000 bytes unless told otherwise; allow more, but bounded. */
const MAX_HEADER = 1 << 20;
const MAX_DIMS = 64;

export function isNpy(head: Uint8Array): boolean {
  return startsWith(head, NPY_MAGIC);
}

export interface NpyHeader {
  version: string;
  dataOffset: number;
  descr: PyValue;
  fortranOrder: boolean;
  shape: number[];
  /** True when the dtype has an object field: the data is a pickle. */
  hasObject: boolean;
  /** Bytes per element (null for object dtypes, whose data is a pickle). */
  itemsize: number | null;
}

export class NpyError extends Error {}

export async function readNpyHeader(source: ByteSource): Promise<NpyHeader> {
  const head = await source.read(0, 12);
  if (!isNpy(head)) throw new NpyError('missing \\x93NUMPY magic');
  const major = head[6] ?? 0;
  if (major < 1 || major > 3) throw new NpyError(`unsupported .npy version ${major}.${head[7]}`);
  const headerLength = major === 1 ? u16(head, 8) : u32(head, 8);
  const start = major === 1 ? 10 : 12;
  if (headerLength > MAX_HEADER || start + headerLength > source.size) {
    throw new NpyError(`header length ${headerLength} exceeds the file or the limit`);
  }
  const raw = await source.read(start, headerLength);
  const text = major === 3 ? new TextDecoder('utf-8').decode(raw) : latin1(raw);
  let dict: PyValue;
  try {
    dict = parsePyLiteral(text);
  } catch (error) {
    throw new NpyError(`header is not a Python literal: ${error instanceof Error ? error.message : String(error)}`);
  }
  return headerFields(dict, `${major}.${head[7]}`, start + headerLength);
}

function headerFields(dict: PyValue, version: string, dataOffset: number): NpyHeader {
  if (!(dict instanceof PyDict)) throw new NpyError('header is not a dict');
  const keys = [...dict.entries.keys()].sort().join(',');
  if (keys !== 'descr,fortran_order,shape') throw new NpyError(`header keys are {${keys}}`);
  const descr = dict.entries.get('descr')!;
  const fortranOrder = dict.entries.get('fortran_order');
  const shape = dict.entries.get('shape');
  if (typeof fortranOrder !== 'boolean') throw new NpyError('fortran_order is not a bool');
  if (!(shape instanceof PyTuple) || shape.items.length > MAX_DIMS) throw new NpyError('shape is not a tuple of ints');
  const dims = shape.items.map((d) => {
    if (typeof d !== 'number' || !Number.isSafeInteger(d) || d < 0) throw new NpyError('shape is not a tuple of ints');
    return d;
  });
  const hasObject = descrHasObject(descr, 0);
  return {
    version,
    dataOffset,
    descr,
    fortranOrder,
    shape: dims,
    hasObject,
    itemsize: hasObject ? null : itemsizeOf(descr, 0),
  };
}

function latin1(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return s;
}

const SIMPLE = /^([<>|=]?)([?bBiufcUSaVMmO])(\d*)(\[[a-zA-Z0-9]+\])?$/;

function descrHasObject(descr: PyValue, depth: number): boolean {
  if (depth > 16) throw new NpyError('dtype nested too deeply');
  if (typeof descr === 'string') return SIMPLE.exec(descr)?.[2] === 'O';
  if (Array.isArray(descr)) return descr.some((field) => fieldParts(field).some((p) => descrHasObject(p, depth + 1)));
  throw new NpyError('descr is neither a type string nor a field list');
}

/** [dtype] of a structured field `(name, dtype[, shape])`. */
function fieldParts(field: PyValue): PyValue[] {
  if (!(field instanceof PyTuple) || field.items.length < 2) throw new NpyError('malformed structured field');
  return [field.items[1]!];
}

function itemsizeOf(descr: PyValue, depth: number): number {
  if (depth > 16) throw new NpyError('dtype nested too deeply');
  if (typeof descr === 'string') return simpleItemsize(descr);
  if (!Array.isArray(descr)) throw new NpyError('descr is neither a type string nor a field list');
  let total = 0;
  for (const field of descr) {
    if (!(field instanceof PyTuple) || field.items.length < 2) throw new NpyError('malformed structured field');
    const sub = field.items[2];
    const count = sub instanceof PyTuple ? product(sub.items) : typeof sub === 'number' ? sub : 1;
    total += itemsizeOf(field.items[1]!, depth + 1) * count;
  }
  return total;
}

function simpleItemsize(descr: string): number {
  const m = SIMPLE.exec(descr);
  if (!m) throw new NpyError(`unknown dtype ${JSON.stringify(descr)}`);
  const [, , kind, digits] = m;
  const n = digits ? Number(digits) : NaN;
  if (kind === '?' || ((kind === 'b' || kind === 'B') && !digits)) return 1;
  if (kind === 'M' || kind === 'm') return 8;
  if (kind === 'U') return 4 * (digits ? n : 0);
  if (kind === 'S' || kind === 'a' || kind === 'V') return digits ? n : 0;
  if ('biufc'.includes(kind!) && [1, 2, 4, 8, 16, 32].includes(n)) return n;
  throw new NpyError(`unknown dtype ${JSON.stringify(descr)}`);
}

function product(items: PyValue[]): number {
  let p = 1;
  for (const d of items) {
    if (typeof d !== 'number' || d < 0) throw new NpyError('sub-array shape is not a tuple of ints');
    p *= d;
  }
  return p;
}

/** shape × itemsize in BigInt: hostile shapes must not overflow into a plausible size. */
export function dataBytes(header: NpyHeader): bigint | null {
  if (header.itemsize === null) return null;
  return header.shape.reduce((acc, d) => acc * BigInt(d), BigInt(header.itemsize));
}
