/** An incremental hash function. Implementations: hash-wasm (browser and Node), node:crypto (CLI). */
export interface IncrementalHasher {
  update(chunk: Uint8Array): void;
  /** Lowercase hex digest. The hasher cannot be used afterwards. */
  digestHex(): string;
}

export type HasherFactory = () => Promise<IncrementalHasher>;
