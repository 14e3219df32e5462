import { openDB, type DBSchema, type IDBPDatabase } from 'idb';

/** The one IndexedDB database of the portal. Records are validated by their owners when read. */
export interface ModelGateDB extends DBSchema {
  /** This browser's signing key: the private half is a non-extractable CryptoKey (structured-cloned as is). */
  keys: { key: string; value: { id: string; privateKey: CryptoKey; publicKeySpki: ArrayBuffer; createdAt: string } };
  /** Signers the user chose to trust, by fingerprint. */
  trustedSigners: { key: string; value: { fingerprint: string; publicKeyPem: string; label: string; addedAt: string } };
  /**
   * Models saved to the registry, by entry id. Values are read as `unknown` and upgraded with
   * core/registry/upgrade.ts, so an entry written by an older portal still opens.
   */
  registry: { key: string; value: { id: string; name: string } & Record<string, unknown>; indexes: { name: string } };
}

/** v1: keys, trustedSigners. v2: registry. */
const DB_VERSION = 2;

let db: Promise<IDBPDatabase<ModelGateDB>> | undefined;

export function getDB(): Promise<IDBPDatabase<ModelGateDB>> {
  db ??= openDB<ModelGateDB>('modelgate', DB_VERSION, {
    // Each step runs once, from the version the browser has: a v1 database keeps its keys and gains the registry.
    upgrade(database, oldVersion) {
      if (oldVersion < 1) {
        database.createObjectStore('keys', { keyPath: 'id' });
        database.createObjectStore('trustedSigners', { keyPath: 'fingerprint' });
      }
      if (oldVersion < 2) {
        database.createObjectStore('registry', { keyPath: 'id' }).createIndex('name', 'name');
      }
    },
  });
  return db;
}
