// TypeScript's DOM lib (used by the app's tsconfig) types WebCrypto inputs as views over an ArrayBuffer,
// not a SharedArrayBuffer, and WebCrypto rejects shared memory at run time too. Plain `Uint8Array`
// parameters are ArrayBufferLike, so crypto calls take their bytes through here.

/** Returns `bytes` itself when it is backed by an ArrayBuffer, otherwise a copy that is. */
export function asBufferSource(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  return bytes.buffer instanceof ArrayBuffer ? (bytes as Uint8Array<ArrayBuffer>) : new Uint8Array(bytes);
}
