// Verifies the DSSE signature of an OMS bundle over the PAE of the exact payload bytes (DSSE v1
// protocol.md). ECDSA hash follows the curve (P-256→SHA-256, P-384→SHA-384: oms-format.md §1).
import { pae } from '../dsse.ts';
import { derToP1363, type EcCurve } from '../ecdsa-der.ts';
import { asBufferSource } from '../../util/buffer-source.ts';
import { concatBytes, utf8 } from '../../util/bytes.ts';

export const CURVE_HASH: Record<EcCurve, string> = { 'P-256': 'SHA-256', 'P-384': 'SHA-384' };

export interface EcPublicKey {
  curve: EcCurve;
  key: CryptoKey;
}

/** Python's repr() of bytes, as model_signing 0.2 fed it to its PAE: b'…' with \n, \', \xNN escapes. */
export function pythonBytesRepr(bytes: Uint8Array): string {
  const quote = bytes.includes(0x27) && !bytes.includes(0x22) ? '"' : "'";
  let out = `b${quote}`;
  for (const b of bytes) {
    if (b === 0x5c) out += '\\\\';
    else if (b === quote.charCodeAt(0)) out += `\\${quote}`;
    else if (b === 0x0a) out += '\\n';
    else if (b === 0x0d) out += '\\r';
    else if (b === 0x09) out += '\\t';
    else if (b < 0x20 || b >= 0x7f) out += `\\x${b.toString(16).padStart(2, '0')}`;
    else out += String.fromCharCode(b);
  }
  return `${out}${quote}`;
}

/**
 * model_signing 0.2.0's buggy PAE (oms-format.md §1 "Version quirks"): "DSSEV1", the payload length,
 * then the repr() text of the payload, hashed with SHA-256 whatever the curve.
 */
export function legacyPae(payloadType: string, payload: Uint8Array): Uint8Array<ArrayBuffer> {
  const type = utf8.encode(payloadType);
  const head = utf8.encode(`DSSEV1 ${type.length} `);
  return concatBytes([head, type, utf8.encode(` ${payload.length} ${pythonBytesRepr(payload)}`)]);
}

async function ecdsaVerify(key: EcPublicKey, hash: string, der: Uint8Array, data: Uint8Array): Promise<boolean> {
  let p1363: Uint8Array;
  try {
    p1363 = derToP1363(der, key.curve);
  } catch {
    return false; // not DER (e.g. raw r‖s): the bundle format requires DER, so this is a bad signature
  }
  return crypto.subtle.verify({ name: 'ECDSA', hash }, key.key, asBufferSource(p1363), asBufferSource(data));
}

export async function verifyDsse(
  key: EcPublicKey,
  payloadType: string,
  payload: Uint8Array,
  derSignature: Uint8Array,
  options: { legacy?: boolean } = {},
): Promise<boolean> {
  if (options.legacy) return ecdsaVerify(key, 'SHA-256', derSignature, legacyPae(payloadType, payload));
  return ecdsaVerify(key, CURVE_HASH[key.curve], derSignature, pae(payloadType, payload));
}
