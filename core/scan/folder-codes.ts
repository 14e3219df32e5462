import type { CatalogEntry } from '../check/types.ts';

/**
 * Finding codes of reading the model folder itself (MG-SCAN-910 … 929, in the router's range): links,
 * special files and entries that could not be read. Every entry of the folder ends in a file that was
 * checked or in one of these findings, so nothing is left out without saying so.
 */
export const FOLDER_CODES = {
  'MG-SCAN-910': {
    severity: 'low',
    title: 'A symbolic link inside the model folder was followed',
    explanation:
      'This path is a link to another file or folder of the same model. The file it points to was fingerprinted and scanned under the link’s path, as a loader would read it. OpenSSF model_signing refuses links unless the model was signed with allow_symlinks.',
  },
  'MG-SCAN-911': {
    severity: 'high',
    title: 'A symbolic link points outside the model folder',
    explanation:
      'A loader would read this file from somewhere else on the disk, which the publisher may never have shipped or signed. It was fingerprinted and scanned under the link’s path; check where it points before using the model.',
  },
  'MG-SCAN-912': {
    severity: 'info',
    title: 'Hugging Face cache link to its blob',
    explanation:
      'In a Hugging Face cache snapshot every file is a link into the blobs folder of the same repository cache. This is the normal layout; the blob was fingerprinted and scanned under the file’s path.',
  },
  'MG-SCAN-913': {
    severity: 'high',
    title: 'A Hugging Face cache blob does not match its name',
    explanation:
      'Cache blobs are named after their content (SHA-256 for LFS files, the git blob SHA-1 for small files). This one’s content has a different digest, so it was changed after it was downloaded.',
  },
  'MG-SCAN-914': {
    severity: 'medium',
    title: 'A Hugging Face cache blob could not be checked against its name',
    explanation:
      'The link points into the cache’s blobs folder, but the blob’s name is neither a SHA-256 nor a git SHA-1 of its content, so the content could not be compared with the name.',
  },
  'MG-SCAN-915': {
    severity: 'high',
    title: 'A symbolic link points to nothing',
    explanation:
      'The link’s target does not exist (or cannot be reached), so the file a loader expects here could not be read or checked.',
  },
  'MG-SCAN-916': {
    severity: 'medium',
    title: 'A symbolic link loops back into the folder',
    explanation:
      'The link leads to a folder that is already being read (or links in a circle). Its content was read once, through the other path; a loader following it could loop forever.',
  },
  'MG-SCAN-917': {
    severity: 'high',
    title: 'A special file was refused: could not verify',
    explanation:
      'This entry is a named pipe, socket or device, not a file. Reading it could block forever or return endless data, so it was never opened; nothing a loader would get from it was checked.',
  },
  'MG-SCAN-918': {
    severity: 'high',
    title: 'An entry of the folder could not be read: could not verify',
    explanation:
      'The system refused to read this file or folder (no permission, an I/O error, or it vanished while the folder was being read). Nothing in it was checked.',
  },
  'MG-SCAN-919': {
    severity: 'low',
    title: 'An empty file in a folder the browser listed',
    explanation:
      'The browser gave this entry with 0 bytes. It may really be empty, but a browser also shows entries it could not read (a pipe, a device, a file without permission) as empty files, so nothing in it was checked.',
  },
  'MG-SCAN-920': {
    severity: 'low',
    title: 'Signed without allow_symlinks, but the folder holds links',
    explanation:
      'The signature records that the signer did not allow symbolic links, so OpenSSF model_signing would refuse to verify this folder. ModelGate followed the links and compared what they point to with the signature; each link is named in its own finding.',
  },
} as const satisfies Record<string, CatalogEntry>;

export type FolderCode = keyof typeof FOLDER_CODES;
