import type { CatalogEntry } from '../check/types.ts';

/** Finding codes of the comparison with a published manifest (MG-INT-010 … 049): Hub digests, SHA256SUMS. */
export const MANIFEST_CODES = {
  'MG-INT-010': {
    severity: 'critical',
    title: 'A file differs from what the publisher published',
    explanation:
      'The file’s fingerprint or size does not match the published manifest: it was changed after publication, corrupted in transit, or replaced.',
  },
  'MG-INT-011': {
    severity: 'high',
    title: 'A published file is missing',
    explanation:
      'The manifest lists a file that is not in the checked folder, so the model you have is not the one that was published (or only part of it).',
  },
  'MG-INT-012': {
    severity: 'medium',
    title: 'An extra file that the publisher did not publish',
    explanation:
      'The folder holds a file the manifest does not list. Nobody vouches for it; a loader may still read it.',
  },
  'MG-INT-013': {
    severity: 'medium',
    title: 'A file could not be compared with the manifest',
    explanation:
      'The manifest and the local fingerprints have no digest in common for this file (for example, the file could not be read), so it is neither confirmed nor refuted.',
  },
  'MG-INT-014': {
    severity: 'high',
    title: 'The file is a Git LFS pointer, not the real file',
    explanation:
      'The repository was cloned without git-lfs: the file holds a small text pointer instead of the published weights. Download it again with git-lfs or the Hub client.',
  },
  'MG-INT-015': {
    severity: 'medium',
    title: 'Some lines of the manifest could not be read',
    explanation:
      'The SHA256SUMS file has lines that are not in the sha256sum format; the files they meant to cover were not checked against them.',
  },
  'MG-INT-016': {
    severity: 'medium',
    title: 'The published manifest could not be fetched',
    explanation:
      'The Hub listing for the requested repository and revision could not be obtained (private, gated, missing, rate-limited or unreachable), so nothing was compared.',
  },
} as const satisfies Record<string, CatalogEntry>;

export type ManifestCode = keyof typeof MANIFEST_CODES;
