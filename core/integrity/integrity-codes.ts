import type { CatalogEntry } from '../check/types.ts';

/**
 * The codes of the integrity check (reading and fingerprinting every file), with the plain-language meaning
 * shown to users. Codes are stable: never reuse or renumber one.
 */
export const INTEGRITY_CODES = {
  'MG-INT-001': {
    severity: 'high',
    title: 'A file could not be read',
    explanation:
      'The browser or disk refused to read this file, so its fingerprint (SHA-256) is unknown and nothing about it could be verified.',
  },
  'MG-INT-002': {
    severity: 'high',
    title: 'A file changed while it was being read',
    explanation:
      'The file had a different size at the end of reading than at the start. Its fingerprint describes no stable file.',
  },
  'MG-INT-003': {
    severity: 'info',
    title: 'No published manifest to compare against',
    explanation:
      'Each file was fingerprinted, but nothing published by the model’s author (a signature, Hub digests or SHA256SUMS) was available to compare the fingerprints with.',
  },
} as const satisfies Record<string, CatalogEntry>;

export type IntegrityCode = keyof typeof INTEGRITY_CODES;
