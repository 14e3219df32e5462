import { fingerprintHex } from '@/core/sign/fingerprint';
import type { SigningKey } from '@/core/sign/report-signature';
import { getDB } from './db';

export interface BrowserKey extends SigningKey {
  fingerprint: string;
  createdAt: string;
}

const KEY_ID = 'report-signing';

/**
 * This browser's report-signing key: ECDSA P-256 made by WebCrypto with a non-extractable
 * private key, kept as a CryptoKey in IndexedDB, so no script (ours included) can ever read its bytes.
 */
export async function getOrCreateBrowserKey(): Promise<BrowserKey> {
  const db = await getDB();
  const stored = await db.get('keys', KEY_ID);
  if (stored) return toBrowserKey(stored.privateKey, new Uint8Array(stored.publicKeySpki), stored.createdAt);
  const pair = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign', 'verify']);
  const spki = await crypto.subtle.exportKey('spki', pair.publicKey);
  const createdAt = new Date().toISOString();
  await db.put('keys', { id: KEY_ID, privateKey: pair.privateKey, publicKeySpki: spki, createdAt });
  return toBrowserKey(pair.privateKey, new Uint8Array(spki), createdAt);
}

/** The fingerprint of this browser's key if it has made one, without making one. */
export async function findBrowserKeyFingerprint(): Promise<string | undefined> {
  const stored = await (await getDB()).get('keys', KEY_ID);
  return stored ? fingerprintHex(new Uint8Array(stored.publicKeySpki)) : undefined;
}

async function toBrowserKey(privateKey: CryptoKey, publicKeySpki: Uint8Array, createdAt: string): Promise<BrowserKey> {
  return { privateKey, publicKeySpki, createdAt, fingerprint: await fingerprintHex(publicKeySpki) };
}
