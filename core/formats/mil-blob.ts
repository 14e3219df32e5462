import type { ByteSource } from '../io/byte-source.ts';
import { FormatError } from './format-error.ts';
import { WindowReader } from './window-reader.ts';

/**
 * Core ML weight files (weights/weight.bin of an ML program): the MIL blob storage format of coremltools
 * mlmodel/src/MILBlob/Blob/StorageFormat.hpp. A 64-byte storage_header (count u32, version u32 = 2, reserved),
 * then `count` pairs of a 64-byte blob_metadata (sentinel 0xDEADBEEF, dtype u32, sizeInBytes u64, offset u64,
 * …) and its data, each 64-byte aligned. The file has a header, so it is recognised by content.
 */

export const MIL_BLOB_SENTINEL = 0xdeadbeef;
const ALIGN = 64;
const MAX_BLOBS = 1_000_000;

export interface MilBlobStorage {
  count: number;
  dataBytes: number;
}

export function isMilBlob(head: Uint8Array): boolean {
  if (head.byteLength < ALIGN + 4) return false;
  const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
  return (
    view.getUint32(0, true) >= 1 && view.getUint32(4, true) === 2 && view.getUint32(ALIGN, true) === MIL_BLOB_SENTINEL
  );
}

export async function readMilBlob(source: ByteSource): Promise<MilBlobStorage> {
  const r = new WindowReader(source);
  const head = await r.bytes(0, ALIGN);
  const count = new DataView(head.buffer, head.byteOffset, ALIGN).getUint32(0, true);
  if (count > MAX_BLOBS) throw new FormatError(`storage header declares ${count} blobs (limit ${MAX_BLOBS})`, 0);
  let at = ALIGN;
  let dataBytes = 0;
  for (let i = 0; i < count; i++) {
    if (at + ALIGN > source.size) throw new FormatError(`blob ${i} metadata at ${at} is past the end of the file`, at);
    const meta = await r.bytes(at, ALIGN);
    const view = new DataView(meta.buffer, meta.byteOffset, ALIGN);
    if (view.getUint32(0, true) !== MIL_BLOB_SENTINEL)
      throw new FormatError(`blob ${i} metadata at ${at} has no sentinel`, at);
    const size = Number(view.getBigUint64(8, true));
    const offset = Number(view.getBigUint64(16, true));
    if (offset < at + ALIGN || offset % ALIGN !== 0 || offset + size > source.size) {
      throw new FormatError(`blob ${i} places ${size} bytes at ${offset}, outside the file or before its metadata`, at);
    }
    dataBytes += size;
    at = Math.ceil((offset + size) / ALIGN) * ALIGN;
  }
  return { count, dataBytes };
}
