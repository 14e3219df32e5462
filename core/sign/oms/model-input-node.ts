// Node adapter: a model path on disk (folder or single file) → the ModelInput the verifier reads.
//
// Links are followed, as OpenSSF model_signing does when a model is signed with allow_symlinks (by
// default it refuses them): a linked file is hashed under the link's path. The folder walk is the
// scan's (core/io/folder-walk-node.ts), so every link is also named in the report, and a pipe, socket,
// device or unreadable entry (which model_signing always refuses) is a file that cannot be read here:
// the verifier reports it (MG-SIG-016 when signed, MG-SIG-008 when not) instead of leaving it out.
import { basename, relative, resolve, sep } from 'node:path';
import type { ByteSource } from '../../io/byte-source.ts';
import { fileSource } from '../../io/byte-source-node.ts';
import { listPath } from '../../io/folder-walk-node.ts';
import { createSha256Node } from '../../hash/sha256-node.ts';
import { errorText, type FolderEvent } from '../../io/folder-event.ts';
import { folderFinding } from '../../scan/folder-findings.ts';
import type { ModelFile, ModelInput } from './manifest-check.ts';
import { parseBundle } from './bundle.ts';
import { parseStatement } from './statement.ts';

/** A source that fails on every read with why the entry was refused; nothing is ever opened. */
export function refusedSource(name: string, message: string): ByteSource {
  const fail = () => Promise.reject(new Error(message));
  return {
    name,
    size: 0,
    read: fail,
    stream: () => ({ [Symbol.asyncIterator]: () => ({ next: fail }) }),
  };
}

/** The folder's refused entries (pipes, sockets, devices, dangling links, unreadable ones) as model files. */
export function refusedModelFiles(events: readonly FolderEvent[]): ModelFile[] {
  return events
    .filter((e) => e.kind === 'special' || e.kind === 'dangling' || e.kind === 'unreadable')
    .map((e) => ({ path: e.path, size: 0, source: refusedSource(e.path, folderFinding(e).detail) }));
}

/** A file's source, or a refused one naming the OS error when it cannot be opened. */
export async function sourceOrRefused(diskPath: string, path: string): Promise<ByteSource> {
  try {
    return await fileSource(diskPath, path);
  } catch (error) {
    return refusedSource(path, `${path}: ${errorText(error)}`);
  }
}

export async function modelInputFromPath(
  modelPath: string,
): Promise<{ name: string; model: ModelInput; events: FolderEvent[] }> {
  const listing = await listPath(modelPath);
  const name = basename(resolve(modelPath));
  const singleFile = !listing.isDirectory;
  const rename = (path: string) => (singleFile ? name : path);
  const files: ModelFile[] = await Promise.all(
    listing.files.map(async (f) => {
      const source = await sourceOrRefused(f.diskPath, rename(f.modelPath));
      return { path: rename(f.modelPath), size: source.size, source };
    }),
  );
  files.push(...refusedModelFiles(listing.events).map((f) => ({ ...f, path: rename(f.path) })));
  files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const model: ModelInput = { files, createHasher: createSha256Node, ...(singleFile ? { singleFile } : {}) };
  return { name, model, events: listing.events };
}

/**
 * model_signing refuses links unless the signer allowed them, and the statement records that choice. This
 * tool follows links either way, so a signature made without allow_symlinks over a folder that now holds
 * links is said (the links themselves are named by the folder walk).
 */
export function linksNotSigned(signature: Uint8Array, events: readonly FolderEvent[], sigName: string): FolderEvent[] {
  const links = events.flatMap((e) => (e.kind === 'link' ? [e.path] : []));
  if (links.length === 0) return [];
  let allowed: boolean | undefined;
  try {
    allowed = parseStatement(parseBundle(signature).payload).serialization.allow_symlinks;
  } catch {
    // An unreadable bundle or statement is the signature check's own finding.
    return [];
  }
  return allowed === true ? [] : [{ kind: 'links-not-signed', path: sigName, links }];
}

/** The signature's path relative to the model root when it lies inside the model folder. */
export function signatureInside(modelPath: string, signaturePath: string): string | undefined {
  const rel = relative(resolve(modelPath), resolve(signaturePath));
  if (rel === '' || rel.startsWith('..') || rel.startsWith(sep) || /^[A-Za-z]:/.test(rel)) return undefined;
  return rel.split(sep).join('/');
}
