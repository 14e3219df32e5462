import { openDB, type DBSchema, type IDBPDatabase } from 'idb';

/** The one IndexedDB database of the portal. Records are validated by their owners when read. */
export interface ModelGateDB extends DBSchema {
  /** This browser's signing key: the private half is a non-extractable CryptoKey (structured-cloned as is). */
  keys: { key: string; value: { id: string; privateKey: CryptoKey; publicKeySpki: ArrayBuffer; createdAt: string } };
  /** Signers the user chose to trust, by fingerprint. */
  trustedSigners: { key: string; value: { fingerprint: string; publicKeyPem: string; label: string; addedAt: string } };
}

let db: Promise<IDBPDatabase<ModelGateDB>> | undefined;

export function getDB(): Promise<IDBPDatabase<ModelGateDB>> {
  db ??= openDB<ModelGateDB>('modelgate', 1, {
    upgrade(database) {
      database.createObjectStore('keys', { keyPath: 'id' });
      database.createObjectStore('trustedSigners', { keyPath: 'fingerprint' });
    },
  });
  return db;
}
