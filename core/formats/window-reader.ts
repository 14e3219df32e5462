import type { ByteSource } from '../io/byte-source.ts';
import { FormatError } from './format-error.ts';

/**
 * Bounded random access over a ByteSource: reads go through one window (1 MiB by default) so that
 * walking a header of many small fields (GGUF vocab arrays, ONNX protobuf) costs few host reads, and
 * nothing beyond the window plus one requested span is ever held.
 */
export class WindowReader {
  private window: Uint8Array = new Uint8Array(0);
  private windowStart = 0;

  constructor(
    readonly source: ByteSource,
    private readonly windowSize = 1 << 20,
  ) {}

  get size(): number {
    return this.source.size;
  }

  /** Bytes [offset, offset + length): a view valid until the next call. Throws if the span leaves the file. */
  async bytes(offset: number, length: number): Promise<Uint8Array> {
    if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(length) || offset < 0 || length < 0) {
      throw new FormatError(`read of ${length} bytes at ${offset} is not a valid span`, offset);
    }
    if (offset + length > this.source.size) {
      throw new FormatError(
        `needs ${length} bytes at offset ${offset} but the file ends at ${this.source.size}`,
        offset,
      );
    }
    const end = offset + length;
    if (offset < this.windowStart || end > this.windowStart + this.window.byteLength) {
      if (length > this.windowSize) return this.readExact(offset, length);
      this.window = await this.readExact(offset, Math.min(this.windowSize, this.source.size - offset));
      this.windowStart = offset;
    }
    return this.window.subarray(offset - this.windowStart, end - this.windowStart);
  }

  private async readExact(offset: number, length: number): Promise<Uint8Array> {
    const got = await this.source.read(offset, length);
    if (got.byteLength < length) throw new FormatError(`file truncated at offset ${offset + got.byteLength}`, offset);
    return got;
  }
}
