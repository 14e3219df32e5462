import { basename } from 'node:path';
import { listPath, type WalkedFile } from '../core/io/folder-walk-node.ts';
import type { FolderEvent } from '../core/io/folder-event.ts';

/**
 * Lists every file under the given paths, fail-closed (core/io/folder-walk-node.ts): links are followed
 * and named, pipes, sockets and devices are refused unopened, unreadable entries are named; all of these
 * come back as `events` for the report. A directory argument becomes the model root.
 */
export async function collectFiles(
  paths: readonly string[],
): Promise<{ name: string; files: WalkedFile[]; events: FolderEvent[] }> {
  const files: WalkedFile[] = [];
  const events: FolderEvent[] = [];
  for (const p of paths) {
    const listing = await listPath(p);
    files.push(...listing.files);
    events.push(...listing.events);
  }
  const name = paths.length === 1 ? basename(paths[0]!.replace(/[\\/]+$/, '')) : 'files';
  return { name, files, events };
}
