/**
 * CRC-32C (Castagnoli, reflected polynomial 0x82F63B78), as TensorFlow's tables and checkpoints use it
 * (tensorflow/core/lib/hash/crc32c.h), with its masking of stored checksums.
 */
const TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

/** CRC-32C of `parts` read one after the other. */
export function crc32c(...parts: Uint8Array[]): number {
  let crc = 0xffffffff;
  for (const bytes of parts) {
    for (const b of bytes) crc = TABLE[(crc ^ b) & 0xff]! ^ (crc >>> 8);
  }
  return (crc ^ 0xffffffff) >>> 0;
}

/** The masked form stored in table blocks and bundle entries ("rotate right 15, add 0xa282ead8"). */
export function maskCrc(crc: number): number {
  return (((crc >>> 15) | (crc << 17)) + 0xa282ead8) >>> 0;
}
