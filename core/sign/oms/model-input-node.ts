// Node adapter: a model path on disk (folder or single file) → the ModelInput the verifier reads.
import { readdir, stat } from 'node:fs/promises';
import { basename, join, relative, resolve, sep } from 'node:path';
import { fileSource } from '../../io/byte-source-node.ts';
import { createSha256Node } from '../../hash/sha256-node.ts';
import type { ModelFile, ModelInput } from './manifest-check.ts';

async function walk(root: string, dir: string, out: ModelFile[]): Promise<void> {
  const entries = await readdir(dir, { withFileTypes: true });
  for (const entry of entries) {
    const full = join(dir, entry.name);
    // Symlinks are not followed: model_signing (allow_symlinks false) refuses them too.
    if (entry.isDirectory()) await walk(root, full, out);
    else if (entry.isFile()) {
      const path = relative(root, full).split(sep).join('/');
      const source = await fileSource(full, path);
      out.push({ path, size: source.size, source });
    }
  }
}

export async function modelInputFromPath(modelPath: string): Promise<{ name: string; model: ModelInput }> {
  const info = await stat(modelPath);
  const name = basename(resolve(modelPath));
  if (!info.isDirectory()) {
    const source = await fileSource(modelPath, name);
    return {
      name,
      model: { files: [{ path: name, size: source.size, source }], singleFile: true, createHasher: createSha256Node },
    };
  }
  const files: ModelFile[] = [];
  await walk(modelPath, modelPath, files);
  files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { name, model: { files, createHasher: createSha256Node } };
}

/** The signature's path relative to the model root when it lies inside the model folder. */
export function signatureInside(modelPath: string, signaturePath: string): string | undefined {
  const rel = relative(resolve(modelPath), resolve(signaturePath));
  if (rel === '' || rel.startsWith('..') || rel.startsWith(sep) || /^[A-Za-z]:/.test(rel)) return undefined;
  return rel.split(sep).join('/');
}
