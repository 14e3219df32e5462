import { FormatError } from './format-error.ts';

/**
 * A synchronous protobuf wire walker over bytes already in memory (a checkpoint entry, a sniffer's head):
 * the same rules as protobuf-wire.ts (no groups, varints of at most 10 bytes, lengths inside the message).
 * With `partial`, a length-delimited field that runs past the end of the bytes (not merely past its
 * message's declared end) ends the walk instead of failing, so a sniffer can judge a file from its first bytes.
 */

export interface ByteField {
  no: number;
  wire: 0 | 1 | 2 | 5;
  at: number;
  varint: bigint;
  /** Wire type 2: payload [start, end) (end may lie past the bytes when the walk is partial). */
  start: number;
  end: number;
}

export function readVarintAt(bytes: Uint8Array, pos: number, end: number): { value: bigint; next: number } {
  let value = 0n;
  for (let i = 0; i < 10; i++) {
    if (pos + i >= end) throw new FormatError(`varint runs past the end of its message at ${pos}`, pos);
    const b = bytes[pos + i]!;
    value |= BigInt(b & 0x7f) << BigInt(7 * i);
    if ((b & 0x80) === 0) return { value, next: pos + i + 1 };
  }
  throw new FormatError(`varint longer than 10 bytes at ${pos}`, pos);
}

/** The fields of the message in bytes[start, end); `declaredEnd` is where the message really ends when partial. */
export function fieldsOf(
  bytes: Uint8Array,
  start = 0,
  end = bytes.byteLength,
  options: { partial?: boolean; maxFields?: number } = {},
): ByteField[] {
  const out: ByteField[] = [];
  let pos = start;
  while (pos < end) {
    const at = pos;
    const tag = readVarintAt(bytes, pos, end);
    const no = tag.value >> 3n;
    const wire = Number(tag.value & 7n);
    if (no === 0n || no > 0x1fffffffn) throw new FormatError(`invalid field number ${no} at ${at}`, at);
    const f: ByteField = { no: Number(no), wire: 0, at, varint: 0n, start: tag.next, end: tag.next };
    if (wire === 0) {
      const v = readVarintAt(bytes, tag.next, end);
      f.varint = v.value;
      pos = v.next;
    } else if (wire === 1 || wire === 5) {
      f.wire = wire;
      pos = tag.next + (wire === 1 ? 8 : 4);
      if (pos > end) throw new FormatError(`field ${f.no} at ${at} runs past the end of its message`, at);
    } else if (wire === 2) {
      const len = readVarintAt(bytes, tag.next, end);
      f.wire = 2;
      f.start = len.next;
      f.end = len.next + Number(len.value);
      if (len.value > BigInt(Number.MAX_SAFE_INTEGER) || f.end > end) {
        // Only the edge of the bytes is a cut: past a message's declared end inside them is an error.
        if (!options.partial || end !== bytes.byteLength) {
          throw new FormatError(`field ${f.no} at ${at} runs past the end of its message`, at);
        }
        out.push(f);
        return out;
      }
      pos = f.end;
    } else {
      throw new FormatError(`unsupported protobuf wire type ${wire} at ${at}`, at);
    }
    out.push(f);
    if (options.maxFields !== undefined && out.length >= options.maxFields) return out;
  }
  return out;
}

/** The payload of a wire-2 field, clipped to the bytes there are. */
export function payloadOf(bytes: Uint8Array, f: ByteField): Uint8Array {
  return bytes.subarray(f.start, Math.min(f.end, bytes.byteLength));
}

export function utf8Of(bytes: Uint8Array, f: ByteField): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(payloadOf(bytes, f));
  } catch {
    throw new FormatError(`field ${f.no} at ${f.at} is not valid UTF-8`, f.at);
  }
}
