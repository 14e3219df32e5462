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

/** A ByteSource over bytes already in memory (tests, small generated files). */
export function memorySource(name: string, bytes: Uint8Array, chunkSize = 1 << 20): ByteSource {
  return {
    name,
    size: bytes.byteLength,
    read: async (offset, length) => bytes.subarray(offset, Math.min(bytes.byteLength, offset + length)),
    async *stream() {
      for (let offset = 0; offset < bytes.byteLength; offset += chunkSize) {
        yield bytes.subarray(offset, Math.min(bytes.byteLength, offset + chunkSize));
      }
    },
  };
}
