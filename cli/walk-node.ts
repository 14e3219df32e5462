import { readdir, stat } from 'node:fs/promises';
import { basename, join, relative, sep } from 'node:path';

export interface LocalFile {
  /** Absolute or cwd-relative path on disk. */
  diskPath: string;
  /** Path inside the model, `/`-separated, as the browser's webkitRelativePath minus the root folder. */
  modelPath: string;
  size: number;
}

/** Lists every regular file under the given paths. A directory argument becomes the model root. */
export async function collectFiles(paths: readonly string[]): Promise<{ name: string; files: LocalFile[] }> {
  const files: LocalFile[] = [];
  for (const p of paths) {
    const info = await stat(p);
    if (info.isDirectory()) await walk(p, p, files);
    else files.push({ diskPath: p, modelPath: basename(p), size: info.size });
  }
  const name = paths.length === 1 ? basename(paths[0]!.replace(/[\\/]+$/, '')) : 'files';
  return { name, files };
}

async function walk(root: string, dir: string, out: LocalFile[]): Promise<void> {
  const entries = await readdir(dir, { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : 1));
  for (const entry of entries) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) await walk(root, full, out);
    else if (entry.isFile()) {
      const { size } = await stat(full);
      out.push({ diskPath: full, modelPath: relative(root, full).split(sep).join('/'), size });
    }
  }
}
