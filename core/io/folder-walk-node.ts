// Lists a model folder on disk fail-closed: plain files are returned, every other entry (a link, a pipe,
// a socket, a device, something that cannot be read) is returned as an event that the report names.
// Entries are only ever lstat'ed, stat'ed and readlink'ed here; nothing is opened, so a pipe cannot block.
import type { Stats } from 'node:fs';
import { lstat, readdir, readlink, realpath, stat } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, relative, sep } from 'node:path';
import { errorText, type FolderEvent, type LinkScope, type SpecialType } from './folder-event.ts';

export interface WalkedFile {
  /** Path on disk, through the link when the file was reached through one. */
  diskPath: string;
  /** Path inside the model, `/`-separated. */
  modelPath: string;
  size: number;
  /** Name of the Hugging Face cache blob this file links to, to compare with the content's digest. */
  hfBlob?: string;
}

export interface FolderListing {
  files: WalkedFile[];
  events: FolderEvent[];
}

interface Walk {
  realRoot: string;
  out: FolderListing;
}

function specialType(info: Stats): SpecialType {
  if (info.isFIFO()) return 'named pipe (FIFO)';
  if (info.isSocket()) return 'socket';
  if (info.isCharacterDevice()) return 'character device';
  if (info.isBlockDevice()) return 'block device';
  return 'unknown file type';
}

const posix = (p: string) => p.split(sep).join('/');

function isWithin(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

/**
 * A Hugging Face cache snapshot: `<repo>/snapshots/<rev>/…` links to `<repo>/blobs/<name>`, both in the same
 * `models--org--name` (or datasets--, spaces--) folder. Returns the blob name when the link is one of those.
 */
export function hfCacheBlob(realLinkDir: string, realTarget: string): string | undefined {
  const repo = /^(.*\/(?:models|datasets|spaces)--[^/]+)\/snapshots\/[^/]+(?:\/.*)?$/.exec(posix(realLinkDir))?.[1];
  if (!repo) return undefined;
  const target = posix(realTarget);
  const prefix = `${repo}/blobs/`;
  return target.startsWith(prefix) && !target.slice(prefix.length).includes('/')
    ? target.slice(prefix.length)
    : undefined;
}

async function linkScope(w: Walk, full: string, real: string): Promise<{ scope: LinkScope; hfBlob?: string }> {
  const hfBlob = hfCacheBlob(await realpath(dirname(full)), real);
  if (hfBlob !== undefined) return { scope: 'repo-cache', hfBlob };
  return { scope: isWithin(w.realRoot, real) ? 'inside' : 'outside' };
}

async function visitLink(w: Walk, full: string, modelPath: string, chain: ReadonlySet<string>): Promise<void> {
  const target = await readlink(full);
  let info: Stats;
  let real: string;
  try {
    info = await stat(full);
    real = await realpath(full);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ELOOP') w.out.events.push({ kind: 'loop', path: modelPath, target, circle: true });
    else if (code === 'ENOENT' || code === 'ENOTDIR') {
      w.out.events.push({ kind: 'dangling', path: modelPath, target, error: errorText(error) });
    } else w.out.events.push({ kind: 'unreadable', path: modelPath, error: errorText(error) });
    return;
  }
  const { scope, hfBlob } = await linkScope(w, full, real);
  w.out.events.push({ kind: 'link', path: modelPath, target, scope, directory: info.isDirectory() });
  if (info.isDirectory()) {
    // A link to a folder already on the way down would be read forever: said once, not followed.
    if (chain.has(real)) w.out.events.push({ kind: 'loop', path: modelPath, target, circle: false });
    else await walkDir(w, full, modelPath, new Set([...chain, real]));
  } else if (info.isFile()) {
    w.out.files.push({ diskPath: full, modelPath, size: info.size, ...(hfBlob !== undefined ? { hfBlob } : {}) });
  } else {
    w.out.events.push({ kind: 'special', path: modelPath, type: specialType(info) });
  }
}

async function visit(w: Walk, full: string, modelPath: string, chain: ReadonlySet<string>): Promise<void> {
  try {
    const info = await lstat(full);
    if (info.isSymbolicLink()) await visitLink(w, full, modelPath, chain);
    else if (info.isDirectory()) await walkDir(w, full, modelPath, new Set([...chain, await realpath(full)]));
    else if (info.isFile()) w.out.files.push({ diskPath: full, modelPath, size: info.size });
    else w.out.events.push({ kind: 'special', path: modelPath, type: specialType(info) });
  } catch (error) {
    // Vanished between listing and reading, no permission, an I/O error: named, never skipped.
    w.out.events.push({ kind: 'unreadable', path: modelPath, error: errorText(error) });
  }
}

async function walkDir(w: Walk, dir: string, modelDir: string, chain: ReadonlySet<string>): Promise<void> {
  let names: string[];
  try {
    names = (await readdir(dir)).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  } catch (error) {
    w.out.events.push({ kind: 'unreadable', path: modelDir === '' ? '.' : modelDir, error: errorText(error) });
    return;
  }
  for (const name of names) await visit(w, join(dir, name), modelDir === '' ? name : `${modelDir}/${name}`, chain);
}

/** Every entry under a model folder: plain and linked files to read, everything else as events. */
export async function walkFolder(root: string): Promise<FolderListing> {
  const realRoot = await realpath(root);
  const w: Walk = { realRoot, out: { files: [], events: [] } };
  await walkDir(w, root, '', new Set([realRoot]));
  return w.out;
}

/**
 * One path the user named (a folder or a file): a folder is walked; a file is listed under its name; a
 * pipe, socket or device is refused without being opened. The user named it, so a link here is followed
 * without a finding. A path that does not exist still throws (a usage error, not a finding).
 */
export async function listPath(path: string): Promise<FolderListing & { isDirectory: boolean }> {
  const info = await stat(path);
  if (info.isDirectory()) return { ...(await walkFolder(path)), isDirectory: true };
  const name = basename(path);
  if (info.isFile())
    return { files: [{ diskPath: path, modelPath: name, size: info.size }], events: [], isDirectory: false };
  return { files: [], events: [{ kind: 'special', path: name, type: specialType(info) }], isDirectory: false };
}
