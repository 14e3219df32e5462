// ECDSA signature encodings. WebCrypto signs and verifies IEEE P1363 (r ‖ s, each a fixed-width
// big-endian coordinate); DSSE, Sigstore and OMS store ASN.1 DER, SEQUENCE { INTEGER r, INTEGER s }
// (RFC 3279 §2.2.3). Parsing is strict DER (X.690 §10) so that one signature has exactly one encoding.

export type EcCurve = 'P-256' | 'P-384';

const COORDINATE_BYTES: Record<EcCurve, number> = { 'P-256': 32, 'P-384': 48 };

export function coordinateBytes(curve: EcCurve): number {
  return COORDINATE_BYTES[curve];
}

function fail(message: string): never {
  throw new Error(`ECDSA DER signature: ${message}`);
}

/** Minimal DER INTEGER content for a non-negative big-endian magnitude. */
function derInteger(magnitude: Uint8Array): Uint8Array<ArrayBuffer> {
  let start = 0;
  while (start < magnitude.length && magnitude[start] === 0) start++;
  if (start === magnitude.length) fail('r or s is zero');
  const digits = magnitude.subarray(start);
  // A set high bit would read as negative, so DER needs a leading 0x00.
  const pad = digits[0]! >= 0x80 ? 1 : 0;
  const out = new Uint8Array(2 + pad + digits.length);
  out[0] = 0x02;
  out[1] = pad + digits.length;
  out.set(digits, 2 + pad);
  return out;
}

export function p1363ToDer(signature: Uint8Array, curve: EcCurve): Uint8Array<ArrayBuffer> {
  const size = coordinateBytes(curve);
  if (signature.length !== 2 * size) {
    fail(`expected ${2 * size} bytes of r‖s for ${curve}, got ${signature.length}`);
  }
  const r = derInteger(signature.subarray(0, size));
  const s = derInteger(signature.subarray(size));
  // At most 2 + 2 × (2 + 49) = 104 bytes for P-384, so the short length form always fits.
  const out = new Uint8Array(2 + r.length + s.length);
  out[0] = 0x30;
  out[1] = r.length + s.length;
  out.set(r, 2);
  out.set(s, 2 + r.length);
  return out;
}

/** Reads a DER length at `at`; returns [length, bytes consumed]. Only minimal forms are accepted. */
function readLength(der: Uint8Array, at: number): [number, number] {
  const first = der[at];
  if (first === undefined) fail('truncated length');
  if (first < 0x80) return [first, 1];
  // Our signatures never exceed 104 bytes; one length byte is the only long form worth accepting.
  if (first !== 0x81) fail('unsupported or indefinite length form');
  const value = der[at + 1];
  if (value === undefined) fail('truncated length');
  if (value < 0x80) fail('non-minimal length encoding');
  return [value, 2];
}

/** Reads one INTEGER at `at` and writes it right-aligned into `out`; returns the next offset. */
function readInteger(der: Uint8Array, at: number, end: number, out: Uint8Array, name: string): number {
  if (at >= end || der[at] !== 0x02) fail(`expected INTEGER tag for ${name}`);
  const [length, lengthBytes] = readLength(der, at + 1);
  const start = at + 1 + lengthBytes;
  if (length === 0) fail(`${name} has zero length`);
  if (start + length > end) fail(`${name} overruns the sequence`);
  let digits = der.subarray(start, start + length);
  if (digits[0]! >= 0x80) fail(`${name} is negative`);
  if (digits[0] === 0 && digits.length > 1) {
    if (digits[1]! < 0x80) fail(`${name} has a non-minimal leading zero`);
    digits = digits.subarray(1);
  }
  if (digits.length === 1 && digits[0] === 0) fail(`${name} is zero`);
  if (digits.length > out.length) fail(`${name} is longer than ${out.length} bytes`);
  out.set(digits, out.length - digits.length);
  return start + length;
}

export function derToP1363(der: Uint8Array, curve: EcCurve): Uint8Array<ArrayBuffer> {
  const size = coordinateBytes(curve);
  if (der[0] !== 0x30) fail('expected SEQUENCE tag');
  const [length, lengthBytes] = readLength(der, 1);
  const start = 1 + lengthBytes;
  const end = start + length;
  if (end > der.length) fail('sequence overruns the input');
  if (end < der.length) fail(`${der.length - end} trailing bytes after the sequence`);
  const out = new Uint8Array(2 * size);
  const afterR = readInteger(der, start, end, out.subarray(0, size), 'r');
  const afterS = readInteger(der, afterR, end, out.subarray(size), 's');
  if (afterS !== end) fail('extra data inside the sequence');
  return out;
}
