import type { FolderEvent } from '@/core/io/folder-event';
import type { DroppedEntry, EmptyFolderEntry, RefusedEntry } from './collect-dropped-files';

/** A file the user gave us, with its path inside the model folder (`/`-separated, root folder removed). */
export interface ModelFile {
  path: string;
  file: File;
}

/**
 * The model's name and files, with the common top folder (the dropped folder itself) taken off paths.
 * Entries the browser could not hand over are kept apart as `refused`, for the report to name.
 */
export function toModelFiles(entries: readonly DroppedEntry[]): {
  name: string;
  files: ModelFile[];
  refused: RefusedEntry[];
  /** Folders with no file inside (only what a drop can tell: a picked folder lists files only). */
  emptyFolders: EmptyFolderEntry[];
} {
  const tops = new Set(entries.map((e) => (e.path.includes('/') ? e.path.split('/')[0] : '')));
  const [top] = [...tops];
  const strip = tops.size === 1 && top ? (path: string) => path.slice(top.length + 1) : (path: string) => path;
  const files: ModelFile[] = [];
  const refused: RefusedEntry[] = [];
  const emptyFolders: EmptyFolderEntry[] = [];
  for (const e of entries) {
    if ('file' in e) files.push({ path: strip(e.path), file: e.file });
    else if ('emptyFolder' in e) emptyFolders.push(e);
    else refused.push({ path: strip(e.path), error: e.error });
  }
  const name =
    tops.size === 1 && top ? top : entries.length === 1 && entries[0] ? entries[0].path : `${entries.length} files`;
  return { name, files, refused, emptyFolders };
}

/**
 * What the browser's listing says about the folder: refused entries, and files listed with 0 bytes (a
 * browser shows an entry it could not read, such as a pipe or a file without permission, as an empty
 * file, and this page cannot tell the two apart; the CLI can).
 */
export function listingEvents(files: readonly ModelFile[], refused: readonly RefusedEntry[]): FolderEvent[] {
  return [
    ...refused.map((r): FolderEvent => ({ kind: 'unreadable', path: r.path, error: r.error })),
    ...files.filter((f) => f.file.size === 0).map((f): FolderEvent => ({ kind: 'empty', path: f.path })),
  ];
}

/**
 * Why there is nothing to verify, in plain words: the folder is empty, or the browser could not read what
 * was given (each entry with its error), or nothing was given at all.
 */
export function nothingToVerifyMessage(
  name: string,
  events: readonly FolderEvent[],
  emptyFolders: readonly EmptyFolderEntry[] = [],
): string {
  const unreadable = events.flatMap((e) => (e.kind === 'unreadable' ? [`${e.path} (${e.error})`] : []));
  if (unreadable.length > 0) return `Nothing could be read: ${unreadable.join('; ')}. Nothing was verified.`;
  if (emptyFolders.length > 0) return `The folder ${name} is empty: nothing to verify.`;
  return 'No files were given. Drop a model folder or pick its files.';
}
