import { formatFingerprint, spkiToPem } from '@/core/sign/fingerprint';
import { reportPublicKey } from '@/core/sign/signer-identity';
import { getDB } from './db';

export interface TrustedSigner {
  fingerprint: string;
  publicKeyPem: string;
  label: string;
  addedAt: string;
}

export async function listTrustedSigners(): Promise<TrustedSigner[]> {
  const all = await (await getDB()).getAll('trustedSigners');
  return all.sort((a, b) => a.addedAt.localeCompare(b.addedAt));
}

/**
 * Adds a signer from a pasted PEM. Throws with a plain message if it is not a P-256 public key. Adding a
 * key that is already trusted with an empty name keeps the name it had: a label is never lost.
 */
export async function addTrustedSigner(pem: string, label: string): Promise<TrustedSigner> {
  const { spki, fingerprint } = await reportPublicKey(pem);
  const db = await getDB();
  const earlier = await db.get('trustedSigners', fingerprint);
  const signer: TrustedSigner = {
    fingerprint,
    publicKeyPem: spkiToPem(spki),
    label: label.trim() || earlier?.label || `signer ${formatFingerprint(fingerprint).slice(0, 9)}`,
    addedAt: earlier?.addedAt ?? new Date().toISOString(),
  };
  await db.put('trustedSigners', signer);
  return signer;
}

export async function removeTrustedSigner(fingerprint: string): Promise<void> {
  await (await getDB()).delete('trustedSigners', fingerprint);
}

export async function findTrustedSigner(fingerprint: string): Promise<TrustedSigner | undefined> {
  return (await getDB()).get('trustedSigners', fingerprint);
}
