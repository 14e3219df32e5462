// What reading a model folder met besides plain files: links, special files, unreadable entries. The CLI's
// walk and the portal's drop listing both describe a folder this way; core/scan/folder-findings.ts turns
// these events into findings.

export type SpecialType = 'named pipe (FIFO)' | 'socket' | 'character device' | 'block device' | 'unknown file type';

/** Where a followed link leads: the same folder, the same Hugging Face repository cache, or elsewhere. */
export type LinkScope = 'inside' | 'repo-cache' | 'outside';

export type FolderEvent =
  | { kind: 'link'; path: string; target: string; scope: LinkScope; directory: boolean }
  | { kind: 'dangling'; path: string; target: string; error: string }
  | { kind: 'loop'; path: string; target: string; circle: boolean }
  | { kind: 'special'; path: string; type: SpecialType }
  | { kind: 'unreadable'; path: string; error: string }
  | { kind: 'blob-mismatch'; path: string; blob: string; algorithm: 'SHA-256' | 'git blob SHA-1'; actual: string }
  | { kind: 'blob-unchecked'; path: string; blob: string }
  | { kind: 'empty'; path: string }
  | { kind: 'links-not-signed'; path: string; links: string[] };

/** `EACCES: permission denied, open '…'` → the OS error as the system words it. */
export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
