import { FormatError } from './format-error.ts';

/**
 * The frame of a CatBoost `.cbm` model (catboost/libs/model/model.cpp, TFullModel::Save): the 4-byte
 * descriptor "CBM1", a little-endian ui32 size, then that many bytes of a FlatBuffers TModelCore
 * (catboost/libs/model/flatbuffers/model.fbs), then the serialized model parts (CTR data) it names.
 */
export const CBM_MAGIC = [0x43, 0x42, 0x4d, 0x31]; // "CBM1"

export interface CatboostFrame {
  coreOffset: number;
  coreSize: number;
  /** Bytes after the core: model parts (ModelPartIds) the check does not follow. */
  trailing: number;
}

export function isCatboost(head: Uint8Array): boolean {
  return CBM_MAGIC.every((b, k) => head[k] === b) && head.byteLength >= 12;
}

/** Checks that the core and its FlatBuffers root table and vtable lie inside the file. */
export function readCatboostFrame(bytes: Uint8Array, fileSize: number): CatboostFrame {
  if (bytes.byteLength < 12) throw new FormatError('the file ends inside the CBM1 header', 0);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const coreSize = view.getUint32(4, true);
  const coreOffset = 8;
  if (coreSize < 8 || coreOffset + coreSize > fileSize) {
    throw new FormatError(`the model core (${coreSize} bytes) does not fit the ${fileSize}-byte file`, 4);
  }
  const core = Math.min(coreSize, bytes.byteLength - coreOffset);
  const root = view.getUint32(coreOffset, true);
  if (root + 4 > core) throw new FormatError(`the FlatBuffers root offset ${root} is outside the core`, coreOffset);
  const table = coreOffset + root;
  const vtable = table - view.getInt32(table, true);
  if (vtable < coreOffset || vtable + 4 > coreOffset + core) {
    throw new FormatError('the root table points to a vtable outside the core', table);
  }
  const vtableSize = view.getUint16(vtable, true);
  const tableSize = view.getUint16(vtable + 2, true);
  if (vtableSize < 4 || vtableSize % 2 !== 0 || vtable + vtableSize > coreOffset + core) {
    throw new FormatError('the root vtable is malformed', vtable);
  }
  if (table + tableSize > coreOffset + core) throw new FormatError('the root table runs past the core', table);
  return { coreOffset, coreSize, trailing: fileSize - coreOffset - coreSize };
}
