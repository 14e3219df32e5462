// The universal Web APIs that core/ may use: present in browsers, workers and Node 20 alike.
// core/tsconfig.json has no DOM or Node lib, so these are declared here (only what core calls);
// the app's tsconfig excludes this file and uses the full DOM declarations instead.

interface CryptoKey {
  readonly type: string;
  readonly extractable: boolean;
  readonly algorithm: unknown;
  readonly usages: readonly string[];
}

interface CryptoKeyPair {
  readonly privateKey: CryptoKey;
  readonly publicKey: CryptoKey;
}

type BufferSourceLike = ArrayBuffer | ArrayBufferView;

interface SubtleCrypto {
  digest(algorithm: string, data: BufferSourceLike): Promise<ArrayBuffer>;
  generateKey(algorithm: object, extractable: boolean, usages: string[]): Promise<CryptoKeyPair>;
  importKey(
    format: 'spki' | 'pkcs8' | 'raw',
    keyData: BufferSourceLike,
    algorithm: object,
    extractable: boolean,
    usages: string[],
  ): Promise<CryptoKey>;
  exportKey(format: 'spki' | 'pkcs8' | 'raw', key: CryptoKey): Promise<ArrayBuffer>;
  sign(algorithm: object, key: CryptoKey, data: BufferSourceLike): Promise<ArrayBuffer>;
  verify(algorithm: object, key: CryptoKey, signature: BufferSourceLike, data: BufferSourceLike): Promise<boolean>;
}

// A global of the host: `declare var` is how ambient globals are written.
// eslint-disable-next-line no-var
declare var crypto: {
  readonly subtle: SubtleCrypto;
  getRandomValues<T extends Uint8Array>(array: T): T;
};

declare class TextEncoder {
  encode(input?: string): Uint8Array;
}

declare class TextDecoder {
  constructor(label?: string, options?: { fatal?: boolean });
  decode(input?: ArrayBufferView | ArrayBuffer, options?: { stream?: boolean }): string;
}

/** Cancellation of a long run (a verification), as hosts pass it; core only reads whether it fired. */
interface AbortSignal {
  readonly aborted: boolean;
}
