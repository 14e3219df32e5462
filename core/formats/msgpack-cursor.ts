import { FormatError } from './format-error.ts';

/**
 * One msgpack value header at a time, over bytes fetched through `fetch` (a file window or an in-memory
 * buffer): the headers of maps, arrays and scalars are decoded, the payloads of str/bin/ext are only located
 * (offset + length), so walking a multi-gigabyte Flax checkpoint never holds its tensor bytes. Follows the
 * msgpack specification (https://github.com/msgpack/msgpack/blob/master/spec.md), big-endian throughout.
 *
 * @msgpack/msgpack's Decoder needs the whole buffer in memory; this cursor exists so that the tree of a large
 * file can be checked through bounded windows.
 */
export type MsgpackToken =
  | { kind: 'map' | 'array'; count: number; offset: number }
  | { kind: 'str'; offset: number; length: number; dataAt: number }
  | { kind: 'bin'; offset: number; length: number; dataAt: number }
  | { kind: 'ext'; type: number; offset: number; length: number; dataAt: number }
  | { kind: 'nil' | 'bool' | 'int' | 'float'; offset: number; value: number | boolean | bigint | null };

/** Reads [offset, offset + length) exactly or throws a FormatError saying the data ended. */
export type Fetch = (offset: number, length: number) => Promise<Uint8Array>;

export class MsgpackCursor {
  constructor(
    private readonly fetch: Fetch,
    /** Where the next value header starts. */
    public pos: number,
    /** The end of the bytes this cursor may read (the file, or an ext payload). */
    readonly end: number,
  ) {}

  /** Reads the next value header and moves past its str/bin/ext payload, if any. */
  async next(): Promise<MsgpackToken> {
    const offset = this.pos;
    const b = (await this.take(1))[0] as number;
    if (b <= 0x7f) return { kind: 'int', offset, value: b };
    if (b <= 0x8f) return { kind: 'map', count: b & 0x0f, offset };
    if (b <= 0x9f) return { kind: 'array', count: b & 0x0f, offset };
    if (b <= 0xbf) return this.payload('str', offset, b & 0x1f);
    if (b >= 0xe0) return { kind: 'int', offset, value: b - 0x100 };
    return this.tagged(b, offset);
  }

  /** The payload bytes of a small token (keys, dtype names), read whole. */
  payloadBytes(token: { dataAt: number; length: number }): Promise<Uint8Array> {
    return this.fetch(token.dataAt, token.length);
  }

  private async tagged(b: number, offset: number): Promise<MsgpackToken> {
    switch (b) {
      case 0xc0:
        return { kind: 'nil', offset, value: null };
      case 0xc2:
      case 0xc3:
        return { kind: 'bool', offset, value: b === 0xc3 };
      case 0xc4:
      case 0xc5:
      case 0xc6:
        return this.payload('bin', offset, await this.uint(1 << (b - 0xc4)));
      case 0xc7:
      case 0xc8:
      case 0xc9:
        return this.ext(offset, await this.uint(1 << (b - 0xc7)));
      case 0xca:
        return { kind: 'float', offset, value: this.view(await this.take(4)).getFloat32(0) };
      case 0xcb:
        return { kind: 'float', offset, value: this.view(await this.take(8)).getFloat64(0) };
      case 0xd9:
      case 0xda:
      case 0xdb:
        return this.payload('str', offset, await this.uint(1 << (b - 0xd9)));
      case 0xdc:
      case 0xdd:
        return { kind: 'array', count: await this.uint(b === 0xdc ? 2 : 4), offset };
      case 0xde:
      case 0xdf:
        return { kind: 'map', count: await this.uint(b === 0xde ? 2 : 4), offset };
      default:
        if (b >= 0xcc && b <= 0xd8) return this.numberOrFixext(b, offset);
        // Only 0xc1 is left: the spec reserves it ("never used").
        throw new FormatError(`byte 0x${b.toString(16)} at offset ${offset} is not a msgpack value`, offset);
    }
  }

  private async numberOrFixext(b: number, offset: number): Promise<MsgpackToken> {
    if (b >= 0xd4) return this.ext(offset, 1 << (b - 0xd4)); // fixext 1/2/4/8/16
    const unsigned = b <= 0xcf;
    const width = 1 << (b - (unsigned ? 0xcc : 0xd0)); // uint8..64, int8..64
    const v = this.view(await this.take(width));
    const value =
      width === 1
        ? unsigned
          ? v.getUint8(0)
          : v.getInt8(0)
        : width === 2
          ? unsigned
            ? v.getUint16(0)
            : v.getInt16(0)
          : width === 4
            ? unsigned
              ? v.getUint32(0)
              : v.getInt32(0)
            : unsigned
              ? v.getBigUint64(0)
              : v.getBigInt64(0);
    return { kind: 'int', offset, value };
  }

  private async ext(offset: number, length: number): Promise<MsgpackToken> {
    const type = this.view(await this.take(1)).getInt8(0);
    return this.payload('ext', offset, length, type);
  }

  private payload(kind: 'str' | 'bin', offset: number, length: number): MsgpackToken;
  private payload(kind: 'ext', offset: number, length: number, type: number): MsgpackToken;
  private payload(kind: 'str' | 'bin' | 'ext', offset: number, length: number, type = 0): MsgpackToken {
    const dataAt = this.pos;
    if (dataAt + length > this.end) {
      throw new FormatError(
        `a ${kind} of ${length} bytes at offset ${offset} runs past the end (${this.end})`,
        offset,
        'truncated',
      );
    }
    this.pos = dataAt + length;
    return kind === 'ext' ? { kind, type, offset, length, dataAt } : { kind, offset, length, dataAt };
  }

  private async uint(width: number): Promise<number> {
    const v = this.view(await this.take(width));
    return width === 1 ? v.getUint8(0) : width === 2 ? v.getUint16(0) : v.getUint32(0);
  }

  private async take(length: number): Promise<Uint8Array> {
    if (this.pos + length > this.end) {
      throw new FormatError(`the data ends at offset ${this.end} inside a value header`, this.pos, 'truncated');
    }
    const bytes = await this.fetch(this.pos, length);
    this.pos += length;
    return bytes;
  }

  private view(bytes: Uint8Array): DataView {
    return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
}
