// Resolves the key that must have made the DSSE signature, per OMS method (oms-format.md §1 table):
// `key` — the user's PEM, checked against the bundle's hint; `certificate` — the leaf of a chain to the
// user's CA. Each returns the key plus what to show as "who signed".
import { pemToSpki, spkiToPem } from '../fingerprint.ts';
import { sha256Hex, utf8 } from '../../util/bytes.ts';
import type { VerificationMaterial } from './bundle.ts';
import { verifyChain } from './certificate-chain.ts';
import type { EcPublicKey } from './dsse-verify.ts';
import { importEcKey, pemCertificates, subjectText } from './x509-cert.ts';

export interface ResolvedSigner {
  key: EcPublicKey;
  signer: string;
  /** Old format without a key hint: verified, but flagged (MG-SIG-011). */
  noHint?: boolean;
}

export class SignerError extends Error {
  constructor(
    readonly kind: 'hint' | 'chain' | 'key' | 'keyless' | 'unsupported',
    message: string,
  ) {
    super(message);
    this.name = 'SignerError';
  }
}

/**
 * model_signing ≥1.1 hint = hex SHA-256 of the PEM text as `cryptography` prints it (64-char lines,
 * trailing newline) — exactly what spkiToPem writes.
 */
export async function keyHint(spki: Uint8Array): Promise<string> {
  return sha256Hex(utf8.encode(spkiToPem(spki)));
}

export async function resolveKeySigner(material: VerificationMaterial, publicKeyPem: string): Promise<ResolvedSigner> {
  let spki: Uint8Array;
  let key: EcPublicKey;
  try {
    spki = pemToSpki(publicKeyPem);
    key = await importEcKey(spki);
  } catch (error) {
    throw new SignerError('key', `public key: ${(error as Error).message}`);
  }
  const hint = await keyHint(spki);
  const signer = `public key ${key.curve}, hint ${hint}`;
  if (material.kind !== 'publicKey') throw new SignerError('key', 'the signature was not made with the key method');
  if (material.hint === undefined) return { key, signer, noHint: true };
  // A hint that does not match is a hard failure (oms-format.md §1): the bundle names another key.
  if (material.hint !== hint) {
    throw new SignerError('hint', `the signature names key ${material.hint}, the given key is ${hint}`);
  }
  return { key, signer };
}

export async function resolveCertificateSigner(
  material: VerificationMaterial,
  caPems: readonly string[],
): Promise<ResolvedSigner> {
  if (material.kind !== 'x509Chain')
    throw new SignerError('chain', 'the signature was not made with the certificate method');
  let anchors: Uint8Array[];
  try {
    anchors = caPems.flatMap((pem) => pemCertificates(pem));
  } catch (error) {
    throw new SignerError('chain', `CA certificate: ${(error as Error).message}`);
  }
  try {
    const { leaf, path } = await verifyChain(material.certificates, anchors);
    const key = await importEcKey(leaf.spki);
    const chain = path.map((c) => subjectText(c)).join(' → ');
    return { key, signer: `certificate ${chain}` };
  } catch (error) {
    throw new SignerError('chain', (error as Error).message);
  }
}
