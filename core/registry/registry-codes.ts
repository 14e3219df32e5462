import type { CatalogEntry } from '../check/types.ts';

/**
 * Finding codes of the comparison with a version saved in this browser's registry. Behavior
 * drift from a saved baseline reuses the behavior catalog (core/probe/behavior-codes.ts).
 */
export const REGISTRY_CODES = {
  'MG-INT-100': {
    severity: 'info',
    title: 'Every file matches the version saved in this browser',
    explanation:
      'The model was compared with the version of the same name saved in this browser’s registry: same files, same fingerprints.',
  },
  'MG-INT-101': {
    severity: 'high',
    title: 'A file changed since the saved version',
    explanation:
      'The file’s fingerprint (SHA-256) or size differs from the one recorded when this model was saved to the registry. It was modified, retrained or replaced; find out why before using it.',
  },
  'MG-INT-102': {
    severity: 'medium',
    title: 'A file of the saved version is missing',
    explanation:
      'The version saved in the registry had this file; the checked folder does not. The model may be incomplete, or a file was renamed.',
  },
  'MG-INT-103': {
    severity: 'medium',
    title: 'A file that the saved version did not have',
    explanation:
      'The checked folder holds a file the saved version did not. Nobody verified it before; a loader may still read it.',
  },
  'MG-INT-104': {
    severity: 'low',
    title: 'A file could not be compared with the saved version',
    explanation:
      'One side has no fingerprint for this file (it could not be read then or now), so it is neither confirmed nor refuted.',
  },
} satisfies Record<string, CatalogEntry>;

export type RegistryCode = keyof typeof REGISTRY_CODES;
