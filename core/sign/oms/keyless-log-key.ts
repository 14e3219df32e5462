// Signatures made by a transparency or CT log key from the trusted root: ECDSA P-256 (Rekor v1, CT
// logs; DER signatures) or Ed25519 (Rekor v2 checkpoints).
import { asBufferSource } from '../../util/buffer-source.ts';
import { derToP1363 } from '../ecdsa-der.ts';
import type { TransparencyLogKey } from './keyless-trusted-root.ts';
import { importEcKey } from './x509-cert.ts';

export async function verifyLogSignature(
  log: TransparencyLogKey,
  signature: Uint8Array,
  data: Uint8Array,
): Promise<boolean> {
  if (log.keyDetails === 'PKIX_ECDSA_P256_SHA_256') {
    const { curve, key } = await importEcKey(log.spki);
    if (curve !== 'P-256') return false;
    let p1363: Uint8Array;
    try {
      p1363 = derToP1363(signature, curve);
    } catch {
      return false;
    }
    return crypto.subtle.verify({ name: 'ECDSA', hash: 'SHA-256' }, key, asBufferSource(p1363), asBufferSource(data));
  }
  if (log.keyDetails === 'PKIX_ED25519') {
    const key = await crypto.subtle.importKey('spki', asBufferSource(log.spki), { name: 'Ed25519' }, false, ['verify']);
    return crypto.subtle.verify({ name: 'Ed25519' }, key, asBufferSource(signature), asBufferSource(data));
  }
  throw new Error(`log key type ${log.keyDetails} is not supported`);
}
