// Minimal declarations for untyped packages used by core/formats (only what core calls).

declare module 'seek-bzip' {
  /** seek-bzip writes decoded bytes one at a time to this sink; throwing from it aborts the decode. */
  interface ByteSink {
    writeByte(byte: number): void;
  }
  const Bunzip: {
    decode(input: Uint8Array, output: ByteSink, multistream?: boolean): void;
  };
  export default Bunzip;
}
