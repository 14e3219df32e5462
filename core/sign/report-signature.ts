// Signing and verifying a ModelGate report as a DSSE envelope plus the signer's public key (DESIGN §3).
// The bundle is self-contained: whoever holds it can verify it; trust in the signer is decided elsewhere
// by comparing the fingerprint with pinned keys.
import { z } from 'zod';
import { decodeBase64, encodeBase64, isCanonicalBase64 } from '../util/base64.ts';
import { asBufferSource } from '../util/buffer-source.ts';
import { envelopeSchema, pae, type Envelope } from './dsse.ts';
import { derToP1363, p1363ToDer } from './ecdsa-der.ts';
import { fingerprintHex } from './fingerprint.ts';

export const REPORT_PAYLOAD_TYPE = 'application/vnd.modelgate.report+json';

const ECDSA_P256 = { name: 'ECDSA', namedCurve: 'P-256' } as const;
const ECDSA_SHA256 = { name: 'ECDSA', hash: 'SHA-256' } as const;

// Strict at the top level: a field we do not know is not covered by the signature, so refuse it.
export const signedBundleSchema = z.strictObject({
  envelope: envelopeSchema,
  publicKey: z.string().refine(isCanonicalBase64, { message: 'must be canonical standard base64' }),
});

export type SignedBundle = z.infer<typeof signedBundleSchema>;

export interface SigningKey {
  privateKey: CryptoKey;
  publicKeySpki: Uint8Array;
}

export type BundleVerification =
  | { status: 'valid'; fingerprint: string; payload: Uint8Array }
  | { status: 'invalid'; reason: string; fingerprint?: string };

/** A report-signing public key (ECDSA P-256 SPKI) as WebCrypto takes it; rejects any other key. */
export function importVerifyKey(spki: Uint8Array): Promise<CryptoKey> {
  return crypto.subtle.importKey('spki', asBufferSource(spki), ECDSA_P256, false, ['verify']);
}

export async function signPayload(payload: Uint8Array, key: SigningKey): Promise<SignedBundle> {
  const message = pae(REPORT_PAYLOAD_TYPE, payload);
  const p1363 = new Uint8Array(await crypto.subtle.sign(ECDSA_SHA256, key.privateKey, message));
  // The private key is non-extractable, so a mismatched publicKeySpki could not be noticed any other
  // way; checking here means we never hand out a link that no one can verify.
  const publicKey = await importVerifyKey(key.publicKeySpki);
  if (!(await crypto.subtle.verify(ECDSA_SHA256, publicKey, p1363, message))) {
    throw new Error('signing key pair mismatch: the public key does not verify the new signature');
  }
  const envelope: Envelope = {
    payloadType: REPORT_PAYLOAD_TYPE,
    payload: encodeBase64(payload),
    signatures: [{ keyid: await fingerprintHex(key.publicKeySpki), sig: encodeBase64(p1363ToDer(p1363, 'P-256')) }],
  };
  return { envelope, publicKey: encodeBase64(key.publicKeySpki) };
}

/** Verifies a bundle of unknown shape. Never throws: every failure becomes `{status: 'invalid', reason}`. */
export async function verifyBundle(input: unknown): Promise<BundleVerification> {
  try {
    return await verifyParsed(input);
  } catch (error) {
    return { status: 'invalid', reason: `verification failed: ${(error as Error).message}` };
  }
}

async function verifyParsed(input: unknown): Promise<BundleVerification> {
  const parsed = signedBundleSchema.safeParse(input);
  if (!parsed.success) {
    return { status: 'invalid', reason: `bundle is malformed: ${z.prettifyError(parsed.error)}` };
  }
  const { envelope, publicKey } = parsed.data;
  const spki = decodeBase64(publicKey);
  const fingerprint = await fingerprintHex(spki);
  const invalid = (reason: string): BundleVerification => ({ status: 'invalid', reason, fingerprint });

  let key: CryptoKey;
  try {
    key = await importVerifyKey(spki);
  } catch {
    return invalid('the public key is not an ECDSA P-256 key');
  }
  // One bundle carries one key, so exactly one signature can be checked against it.
  if (envelope.signatures.length !== 1) return invalid('expected exactly one signature');
  const [signature] = envelope.signatures as [Envelope['signatures'][number]];
  if (signature.keyid !== undefined && signature.keyid !== fingerprint) {
    return invalid('the signature key id does not match the public key');
  }
  if (envelope.payloadType !== REPORT_PAYLOAD_TYPE) {
    return invalid(`unexpected payload type "${envelope.payloadType}"`);
  }
  let p1363: Uint8Array<ArrayBuffer>;
  try {
    p1363 = derToP1363(decodeBase64(signature.sig), 'P-256');
  } catch (error) {
    return invalid(`the signature is malformed: ${(error as Error).message}`);
  }
  const payload = decodeBase64(envelope.payload);
  const ok = await crypto.subtle.verify(ECDSA_SHA256, key, p1363, pae(envelope.payloadType, payload));
  if (!ok) return invalid('the signature does not match the report');
  return { status: 'valid', fingerprint, payload };
}
