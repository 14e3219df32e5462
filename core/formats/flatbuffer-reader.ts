import { FormatError } from './format-error.ts';
import type { WindowReader } from './window-reader.ts';

/**
 * Bounded FlatBuffers access over a WindowReader (TFLite and ExecuTorch files are FlatBuffers). The official
 * runtime's ByteBuffer needs the whole buffer in memory and trusts its offsets; a model can be gigabytes, so
 * this reads each table, vtable, vector and string through the window and checks every offset against the
 * buffer before following it (layout: flatbuffers.dev/internals). Every failed check is a FormatError.
 */

/** A table: where it starts and its vtable (field slot offsets, 0 = absent). */
export interface FlatTable {
  at: number;
  slots: number[];
}

/** A vector: where its first element is and how many it has. */
export interface FlatVector {
  start: number;
  length: number;
}

const MAX_VTABLE_FIELDS = 256;

export class FlatReader {
  constructor(
    private readonly r: WindowReader,
    /** End of the FlatBuffer region (the file size, or a smaller program size). */
    readonly end: number,
  ) {}

  private check(at: number, length: number, what: string): void {
    if (!Number.isSafeInteger(at) || at < 0 || at + length > this.end) {
      throw new FormatError(`${what} at ${at} lies outside the ${this.end}-byte buffer`, at);
    }
  }

  private async view(at: number, length: number, what: string): Promise<DataView> {
    this.check(at, length, what);
    const bytes = await this.r.bytes(at, length);
    return new DataView(bytes.buffer, bytes.byteOffset, length);
  }

  async u8(at: number): Promise<number> {
    return (await this.view(at, 1, 'byte')).getUint8(0);
  }

  async u16(at: number): Promise<number> {
    return (await this.view(at, 2, 'uint16')).getUint16(0, true);
  }

  async i32(at: number): Promise<number> {
    return (await this.view(at, 4, 'int32')).getInt32(0, true);
  }

  async u32(at: number): Promise<number> {
    return (await this.view(at, 4, 'uint32')).getUint32(0, true);
  }

  /** A uint64 as a number, or Infinity when it does not fit in one (callers compare it with sizes). */
  async u64(at: number): Promise<number> {
    const v = (await this.view(at, 8, 'uint64')).getBigUint64(0, true);
    return v > BigInt(Number.MAX_SAFE_INTEGER) ? Infinity : Number(v);
  }

  /** The table an offset at `at` points to (the root offset at 0, a field, a vector element). */
  async tableAt(at: number): Promise<FlatTable> {
    const table = at + (await this.u32(at));
    const vtable = table - (await this.i32(table));
    const vsize = await this.u16(vtable);
    if (vsize < 4 || vsize % 2 !== 0 || (vsize - 4) / 2 > MAX_VTABLE_FIELDS) {
      throw new FormatError(`vtable at ${vtable} declares ${vsize} bytes`, vtable);
    }
    const view = await this.view(vtable, vsize, 'vtable');
    const objectSize = view.getUint16(2, true);
    this.check(table, objectSize, 'table');
    const slots: number[] = [];
    for (let o = 4; o < vsize; o += 2) {
      const slot = view.getUint16(o, true);
      if (slot !== 0 && slot >= objectSize) throw new FormatError(`table at ${table}: field outside the table`, table);
      slots.push(slot);
    }
    return { at: table, slots };
  }

  /** Where field `index` of a table sits, or undefined when the field is absent (its default applies). */
  fieldAt(t: FlatTable, index: number): number | undefined {
    const slot = t.slots[index] ?? 0;
    return slot === 0 ? undefined : t.at + slot;
  }

  async u8Field(t: FlatTable, index: number, fallback = 0): Promise<number> {
    const at = this.fieldAt(t, index);
    return at === undefined ? fallback : this.u8(at);
  }

  async i32Field(t: FlatTable, index: number, fallback = 0): Promise<number> {
    const at = this.fieldAt(t, index);
    return at === undefined ? fallback : this.i32(at);
  }

  async u32Field(t: FlatTable, index: number, fallback = 0): Promise<number> {
    const at = this.fieldAt(t, index);
    return at === undefined ? fallback : this.u32(at);
  }

  async u64Field(t: FlatTable, index: number, fallback = 0): Promise<number> {
    const at = this.fieldAt(t, index);
    return at === undefined ? fallback : this.u64(at);
  }

  async tableField(t: FlatTable, index: number): Promise<FlatTable | undefined> {
    const at = this.fieldAt(t, index);
    return at === undefined ? undefined : this.tableAt(at);
  }

  /** A vector field, its elements bound-checked as `elementSize` bytes each; at most `maxLength` elements. */
  async vectorField(t: FlatTable, index: number, elementSize: number, maxLength: number): Promise<FlatVector> {
    const at = this.fieldAt(t, index);
    if (at === undefined) return { start: 0, length: 0 };
    const vector = at + (await this.u32(at));
    const length = await this.u32(vector);
    if (length > maxLength)
      throw new FormatError(`vector at ${vector} has ${length} elements (limit ${maxLength})`, at);
    this.check(vector + 4, length * elementSize, 'vector');
    return { start: vector + 4, length };
  }

  /** Element `i` of a vector of tables. */
  elementTable(v: FlatVector, i: number): Promise<FlatTable> {
    return this.tableAt(v.start + 4 * i);
  }

  /** A string field as UTF-8 (undefined when absent); longer than `max` bytes or not UTF-8 is an error. */
  async stringField(t: FlatTable, index: number, max: number): Promise<string | undefined> {
    const at = this.fieldAt(t, index);
    if (at === undefined) return undefined;
    const start = at + (await this.u32(at));
    const length = await this.u32(start);
    if (length > max) throw new FormatError(`string at ${start} is ${length} bytes (limit ${max})`, start);
    this.check(start + 4, length, 'string');
    try {
      return new TextDecoder('utf-8', { fatal: true }).decode(await this.r.bytes(start + 4, length));
    } catch {
      throw new FormatError(`string at ${start} is not valid UTF-8`, start);
    }
  }

  /** A copy of bytes [at, at + length) of the buffer, bound-checked. */
  async copy(at: number, length: number): Promise<Uint8Array> {
    this.check(at, length, 'bytes');
    return (await this.r.bytes(at, length)).slice();
  }
}

/** Whether bytes 4–7 hold a FlatBuffers file identifier and the root offset at 0 points inside the file. */
export function hasFileIdentifier(head: Uint8Array, identifier: string, size: number): boolean {
  if (head.byteLength < 8 || size < 12) return false;
  for (let i = 0; i < 4; i++) if (head[4 + i] !== identifier.charCodeAt(i)) return false;
  const root = new DataView(head.buffer, head.byteOffset, 4).getUint32(0, true);
  return root >= 8 && root < size;
}
