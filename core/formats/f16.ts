/** IEEE 754 binary16, read by the GGUF block decoders and by the weight diff's F16 decoder. */

/** Exact binary16 → binary32 for one bit pattern: subnormals, infinities and NaN included. */
export function f16BitsToF32(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0) return sign * fraction * 2 ** -24;
  if (exponent === 0x1f) return fraction ? NaN : sign * Infinity;
  return sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
}
