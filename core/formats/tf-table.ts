import { maskCrc, crc32c } from './crc32c.ts';
import { FormatError, UnsupportedLayoutError } from './format-error.ts';
import type { WindowReader } from './window-reader.ts';

/**
 * Reader of the immutable sorted table TensorFlow writes as a checkpoint's `.index` file
 * (tensorflow/core/lib/io/table_format.txt, format.cc, block.cc): a 48-byte footer ending in a magic number
 * points to an index block whose entries point to data blocks of prefix-compressed key/value entries. Every
 * block's masked CRC-32C is checked as TensorFlow checks it, keys must be strictly increasing, and block,
 * entry and key counts are capped.
 */

export const TABLE_MAGIC = 0xdb4775248b80fb57n;
export const FOOTER_BYTES = 48;
const MAX_BLOCK_BYTES = 64 << 20;
const MAX_BLOCKS = 1 << 16;
const MAX_ENTRIES = 1 << 20;
const MAX_KEY_BYTES = 1 << 16;

export interface BlockHandle {
  offset: number;
  size: number;
}

export interface TableEntry {
  key: Uint8Array;
  value: Uint8Array;
  /** Offset of the entry in the file. */
  at: number;
}

/** Whether the last 48 bytes are a table footer: two handles inside the file, zero padding, the magic. */
export function parseFooter(footer: Uint8Array, fileSize: number): { metaindex: BlockHandle; index: BlockHandle } {
  if (footer.byteLength !== FOOTER_BYTES) throw new FormatError('the file is shorter than a table footer', 0);
  const view = new DataView(footer.buffer, footer.byteOffset, footer.byteLength);
  if (view.getBigUint64(40, true) !== TABLE_MAGIC) throw new FormatError('the table footer has no magic number');
  const at = fileSize - FOOTER_BYTES;
  let pos = 0;
  const handle = (): BlockHandle => {
    const offset = varint(footer, pos, 40, at);
    const size = varint(footer, offset.next, 40, at);
    pos = size.next;
    const h = { offset: offset.value, size: size.value };
    if (h.offset + h.size + 5 > at) throw new FormatError(`a table block at ${h.offset} runs past the footer`, at);
    return h;
  };
  const metaindex = handle();
  const index = handle();
  if (footer.subarray(pos, 40).some((b) => b !== 0)) throw new FormatError('the table footer padding is not zero', at);
  return { metaindex, index };
}

/** Reads a block and its 5-byte trailer (compression type, masked CRC-32C of block + type). */
export async function readBlock(r: WindowReader, h: BlockHandle): Promise<Uint8Array> {
  if (h.size > MAX_BLOCK_BYTES) throw new UnsupportedLayoutError(`a table block of ${h.size} bytes is over the limit`);
  const raw = (await r.bytes(h.offset, h.size + 5)).slice();
  const view = new DataView(raw.buffer);
  const stored = view.getUint32(h.size + 1, true);
  if (maskCrc(crc32c(raw.subarray(0, h.size + 1))) !== stored) {
    throw new FormatError(`the table block at ${h.offset} fails its checksum`, h.offset);
  }
  const type = raw[h.size];
  if (type !== 0) throw new UnsupportedLayoutError(`the table block at ${h.offset} is compressed (type ${type})`);
  return raw.subarray(0, h.size);
}

/** The entries of one block, keys expanded from their shared prefixes. */
export function blockEntries(block: Uint8Array, blockOffset: number): TableEntry[] {
  if (block.byteLength < 4) throw new FormatError(`the table block at ${blockOffset} is too short`, blockOffset);
  const view = new DataView(block.buffer, block.byteOffset, block.byteLength);
  const restarts = view.getUint32(block.byteLength - 4, true);
  const end = block.byteLength - 4 - 4 * restarts;
  if (restarts === 0 || end < 0) throw new FormatError(`the table block at ${blockOffset} has a bad restart array`);
  const out: TableEntry[] = [];
  let prev = new Uint8Array(0);
  for (let pos = 0; pos < end;) {
    const at = blockOffset + pos;
    const shared = varint(block, pos, end, at);
    const unshared = varint(block, shared.next, end, at);
    const length = varint(block, unshared.next, end, at);
    const keyEnd = length.next + unshared.value;
    if (shared.value > prev.byteLength || keyEnd + length.value > end) {
      throw new FormatError(`the table entry at ${at} runs past its block`, at);
    }
    if (shared.value + unshared.value > MAX_KEY_BYTES)
      throw new UnsupportedLayoutError(`a key over ${MAX_KEY_BYTES} bytes`);
    const key = new Uint8Array(shared.value + unshared.value);
    key.set(prev.subarray(0, shared.value));
    key.set(block.subarray(length.next, keyEnd), shared.value);
    out.push({ key, value: block.subarray(keyEnd, keyEnd + length.value), at });
    prev = key;
    pos = keyEnd + length.value;
  }
  return out;
}

/** Every entry of the table, in order; keys must be strictly increasing across blocks. */
export async function readTable(r: WindowReader): Promise<TableEntry[]> {
  const footer = parseFooter(await r.bytes(r.size - FOOTER_BYTES, FOOTER_BYTES), r.size);
  const indexEntries = blockEntries(await readBlock(r, footer.index), footer.index.offset);
  if (indexEntries.length > MAX_BLOCKS) throw new UnsupportedLayoutError(`more than ${MAX_BLOCKS} table blocks`);
  const entries: TableEntry[] = [];
  for (const ie of indexEntries) {
    const offset = varint(ie.value, 0, ie.value.byteLength, ie.at);
    const size = varint(ie.value, offset.next, ie.value.byteLength, ie.at);
    const h = { offset: offset.value, size: size.value };
    if (h.offset + h.size + 5 > r.size - FOOTER_BYTES)
      throw new FormatError(`a data block runs past the footer`, ie.at);
    for (const e of blockEntries(await readBlock(r, h), h.offset)) {
      const last = entries[entries.length - 1];
      if (last && compareBytes(last.key, e.key) >= 0) throw new FormatError('the table keys are not in order', e.at);
      entries.push(e);
      if (entries.length > MAX_ENTRIES) throw new UnsupportedLayoutError(`more than ${MAX_ENTRIES} table entries`);
    }
  }
  return entries;
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.byteLength, b.byteLength);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.byteLength - b.byteLength;
}

/** A varint32/64 of a table structure; values past 2^53 are refused (no real offset is that large). */
function varint(bytes: Uint8Array, pos: number, end: number, at: number): { value: number; next: number } {
  let value = 0;
  let scale = 1;
  for (let i = pos; i < end && i < pos + 10; i++) {
    const b = bytes[i]!;
    value += (b & 0x7f) * scale;
    if (!Number.isSafeInteger(value)) throw new FormatError(`a table varint at ${at} is too large`, at);
    if ((b & 0x80) === 0) return { value, next: i + 1 };
    scale *= 128;
  }
  throw new FormatError(`a table varint at ${at} runs past its field`, at);
}
