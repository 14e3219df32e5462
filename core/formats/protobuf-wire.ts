import { FormatError } from './format-error.ts';
import type { WindowReader } from './window-reader.ts';

/**
 * A protobuf wire-format walker over a WindowReader: it visits the fields of one message between two
 * offsets and never materialises a length-delimited field unless asked, so a 2 GB ONNX `raw_data` is a
 * jump, not a copy. Groups (wire types 3/4) and malformed varints are errors.
 */

export interface WireField {
  no: number;
  wire: 0 | 1 | 2 | 5;
  /** Offset of the field's tag. */
  at: number;
  /** Wire type 0: the value. */
  varint: bigint;
  /** Wire type 2: payload [start, end). */
  start: number;
  end: number;
}

const MAX_VARINT_BYTES = 10;

export async function readVarint(
  r: WindowReader,
  pos: number,
  limit: number,
): Promise<{ value: bigint; next: number }> {
  let value = 0n;
  const avail = Math.min(MAX_VARINT_BYTES, limit - pos, r.size - pos);
  const bytes = avail > 0 ? await r.bytes(pos, avail) : new Uint8Array(0);
  for (let i = 0; i < MAX_VARINT_BYTES; i++) {
    if (i >= bytes.byteLength) throw new FormatError(`varint runs past the end of its message at ${pos}`, pos);
    const byte = bytes[i] ?? 0;
    value |= BigInt(byte & 0x7f) << BigInt(7 * i);
    if ((byte & 0x80) === 0) return { value, next: pos + i + 1 };
  }
  throw new FormatError(`varint longer than 10 bytes at ${pos}`, pos);
}

/** Calls `visit` for each field of the message in [start, end); `visit` may read the payload of wire-2 fields. */
export async function walkMessage(
  r: WindowReader,
  start: number,
  end: number,
  visit: (f: WireField) => Promise<void> | void,
): Promise<void> {
  let pos = start;
  while (pos < end) {
    const at = pos;
    const tag = await readVarint(r, pos, end);
    pos = tag.next;
    const no = Number(tag.value >> 3n);
    const wire = Number(tag.value & 7n);
    if (no === 0 || tag.value >> 3n > 0x1fffffffn)
      throw new FormatError(`invalid field number ${tag.value >> 3n} at ${at}`, at);
    const f: WireField = { no, wire: 0, at, varint: 0n, start: pos, end: pos };
    if (wire === 0) {
      const v = await readVarint(r, pos, end);
      f.varint = v.value;
      pos = v.next;
    } else if (wire === 1 || wire === 5) {
      f.wire = wire;
      pos += wire === 1 ? 8 : 4;
    } else if (wire === 2) {
      const len = await readVarint(r, pos, end);
      f.wire = 2;
      f.start = len.next;
      f.end = len.next + Number(len.value);
      if (len.value > BigInt(end - len.next)) {
        throw new FormatError(
          `field ${no} at ${at} declares ${len.value} bytes but its message has ${end - len.next} left`,
          at,
        );
      }
      pos = f.end;
    } else {
      throw new FormatError(`unsupported protobuf wire type ${wire} at ${at}`, at);
    }
    if (pos > end) throw new FormatError(`field ${no} at ${at} runs past the end of its message`, at);
    await visit(f);
  }
}

/** The payload of a wire-2 field as UTF-8, refusing payloads over `max` bytes. */
export async function readString(r: WindowReader, f: WireField, max: number): Promise<string> {
  if (f.wire !== 2) throw new FormatError(`field ${f.no} at ${f.at} should be a string`, f.at);
  const len = f.end - f.start;
  if (len > max) throw new FormatError(`string field ${f.no} at ${f.at} is ${len} bytes (limit ${max})`, f.at);
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(await r.bytes(f.start, len));
  } catch {
    throw new FormatError(`string field ${f.no} at ${f.at} is not valid UTF-8`, f.at);
  }
}

/** Values of a repeated int64 field, packed (wire 2) or not (wire 0). */
export async function readInt64s(r: WindowReader, f: WireField, maxCount: number): Promise<bigint[]> {
  if (f.wire === 0) return [BigInt.asIntN(64, f.varint)];
  if (f.wire !== 2) throw new FormatError(`field ${f.no} at ${f.at} should be an integer`, f.at);
  const out: bigint[] = [];
  for (let pos = f.start; pos < f.end;) {
    const v = await readVarint(r, pos, f.end);
    out.push(BigInt.asIntN(64, v.value));
    pos = v.next;
    if (out.length > maxCount) throw new FormatError(`more than ${maxCount} values in field ${f.no} at ${f.at}`, f.at);
  }
  return out;
}
