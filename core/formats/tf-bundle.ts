import type { ByteSource } from '../io/byte-source.ts';
import { FormatError } from './format-error.ts';
import { fieldsOf, type ByteField } from './protobuf-bytes.ts';
import { FOOTER_BYTES, parseFooter, readTable } from './tf-table.ts';
import { WindowReader } from './window-reader.ts';

/**
 * A TensorFlow checkpoint bundle index (`variables.index`, `model.ckpt-N.index`;
 * tensorflow/core/util/tensor_bundle/tensor_bundle.cc, core/protobuf/tensor_bundle.proto): a table whose
 * entry under the empty key is a BundleHeaderProto and whose other entries are BundleEntryProtos locating
 * each tensor's bytes in the `<prefix>.data-NNNNN-of-NNNNN` shards.
 */

export interface BundleHeader {
  numShards: number;
  /** 0 little-endian, 1 big-endian. */
  endianness: number;
}

export interface BundleEntry {
  key: string;
  dtype: number;
  /** Dimension sizes; null when the rank is unknown. */
  shape: number[] | null;
  shardId: number;
  offset: number;
  size: number;
  /** The entry only lists slices stored under other keys (partitioned variables): it has no bytes itself. */
  sliced: boolean;
  at: number;
}

export interface Bundle {
  header: BundleHeader;
  entries: BundleEntry[];
}

/** Content sniff: a table footer (handles inside the file, zero padding, magic) in the last 48 bytes. */
export async function looksLikeTableFile(source: ByteSource): Promise<boolean> {
  if (source.size < FOOTER_BYTES) return false;
  try {
    parseFooter(await source.read(source.size - FOOTER_BYTES, FOOTER_BYTES), source.size);
    return true;
  } catch {
    return false;
  }
}

export async function readBundle(source: ByteSource): Promise<Bundle> {
  const table = await readTable(new WindowReader(source));
  const first = table[0];
  if (!first || first.key.byteLength !== 0) throw new FormatError('the checkpoint index has no bundle header', 0);
  const header = readHeader(first.value, first.at);
  const decoder = new TextDecoder('utf-8', { fatal: false });
  const entries = table.slice(1).map((e) => readEntry(decoder.decode(e.key), e.value, e.at));
  return { header, entries };
}

function readHeader(value: Uint8Array, at: number): BundleHeader {
  const h: BundleHeader = { numShards: 0, endianness: 0 };
  for (const f of fields(value, at)) {
    if (f.no === 1) h.numShards = int32(f, at);
    else if (f.no === 2) h.endianness = int32(f, at);
  }
  return h;
}

function readEntry(key: string, value: Uint8Array, at: number): BundleEntry {
  const e: BundleEntry = { key, dtype: 0, shape: [], shardId: 0, offset: 0, size: 0, sliced: false, at };
  for (const f of fields(value, at)) {
    if (f.no === 1) e.dtype = int32(f, at);
    else if (f.no === 2) e.shape = readShape(value, f, at);
    else if (f.no === 3) e.shardId = int32(f, at);
    else if (f.no === 4) e.offset = int64(f, at);
    else if (f.no === 5) e.size = int64(f, at);
    else if (f.no === 7) e.sliced = true;
  }
  return e;
}

/** TensorShapeProto: dim (2) { size (1) }, unknown_rank (3). */
function readShape(value: Uint8Array, f: ByteField, at: number): number[] | null {
  if (f.wire !== 2) throw new FormatError(`a checkpoint entry's shape is not a message`, at);
  const dims: number[] = [];
  let unknownRank = false;
  for (const g of fields(value, at, f.start, f.end)) {
    if (g.no === 3 && g.wire === 0) unknownRank = g.varint !== 0n;
    if (g.no !== 2) continue;
    if (g.wire !== 2) throw new FormatError(`a checkpoint entry's dimension is not a message`, at);
    let size = 0;
    for (const d of fields(value, at, g.start, g.end)) if (d.no === 1) size = int64(d, at);
    dims.push(size);
  }
  return unknownRank ? null : dims;
}

function fields(value: Uint8Array, at: number, start = 0, end = value.byteLength): ByteField[] {
  try {
    return fieldsOf(value, start, end);
  } catch (e) {
    if (e instanceof FormatError) throw new FormatError(`the checkpoint entry at ${at}: ${e.message}`, at);
    throw e;
  }
}

function int32(f: ByteField, at: number): number {
  if (f.wire !== 0) throw new FormatError(`field ${f.no} of the checkpoint entry at ${at} is not an integer`, at);
  return Number(BigInt.asIntN(32, f.varint));
}

/** int64 offsets and sizes; negative or past 2^53 values are kept as -1 for the range check to reject. */
function int64(f: ByteField, at: number): number {
  if (f.wire !== 0) throw new FormatError(`field ${f.no} of the checkpoint entry at ${at} is not an integer`, at);
  const v = BigInt.asIntN(64, f.varint);
  return v < 0n || v > BigInt(Number.MAX_SAFE_INTEGER) ? -1 : Number(v);
}
