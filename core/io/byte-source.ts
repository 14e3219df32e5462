/**
 * A ByteSource is how every reader in core/ sees a file: random access for headers and a
 * sequential stream for hashing. The host adapts its own handle (a browser `File`, a Node file path),
 * so core never touches `File` or `fs` (netron keeps host and parser apart the same way).
 */
export interface ByteSource {
  /** Path relative to the model root, with `/` separators. */
  readonly name: string;
  readonly size: number;
  /** Reads [offset, offset + length), clipped to the end of the source. */
  read(offset: number, length: number): Promise<Uint8Array>;
  /**
   * Reads the whole source front to back in chunks. A chunk is only valid until the next one is
   * requested: adapters reuse their buffers so memory stays bounded whatever the file size.
   */
  stream(): AsyncIterable<Uint8Array>;
}

/**
 * Rejects offsets a hostile header can produce (negative, fractional, huge): `Blob.slice` and
 * `subarray` would count a negative offset from the END, and Node's read would use the file position,
 * so without this check one file could read differently in the browser and in the CLI.
 */
export function checkRange(name: string, offset: number, length: number): void {
  if (!Number.isSafeInteger(offset) || offset < 0 || !Number.isSafeInteger(length) || length < 0) {
    throw new RangeError(`${name}: invalid read of ${length} bytes at offset ${offset}`);
  }
}

/** A ByteSource over bytes already in memory (tests, small generated files). */
export function memorySource(name: string, bytes: Uint8Array, chunkSize = 1 << 20): ByteSource {
  return {
    name,
    size: bytes.byteLength,
    read: async (offset, length) => {
      checkRange(name, offset, length);
      return bytes.subarray(Math.min(offset, bytes.byteLength), Math.min(bytes.byteLength, offset + length));
    },
    async *stream() {
      for (let offset = 0; offset < bytes.byteLength; offset += chunkSize) {
        yield bytes.subarray(offset, Math.min(bytes.byteLength, offset + chunkSize));
      }
    },
  };
}
