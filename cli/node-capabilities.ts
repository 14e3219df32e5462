import { readFile } from 'node:fs/promises';
import { fileSource } from '../core/io/byte-source-node.ts';
import type { WalkedFile } from '../core/io/folder-walk-node.ts';
import { gitBlobSha1Factory } from '../core/hash/git-blob-sha1.ts';
import type { HashOutcome } from '../core/hash/hash-outcome.ts';
import { hashSourceMulti, SizeChangedError } from '../core/hash/hash-source.ts';
import { createSha256Node } from '../core/hash/sha256-node.ts';
import { hfBlobEvents, wantsGitSha1 } from '../core/scan/folder-findings.ts';
import type { FileScan } from '../core/scan/scan-check.ts';
import type { VerifyCapabilities } from '../core/verify/index.ts';
import { scanLocalFile } from './folder-scan-node.ts';
import { collectFiles } from './walk-node.ts';

/** Where a command's progress goes: a redrawn line on a terminal, nothing otherwise. */
export interface Progress {
  update(phase: string, done: number, total: number, unit: 'bytes' | 'files'): void;
  end(): void;
}

export const silentProgress: Progress = { update: () => {}, end: () => {} };

/** A listed folder (or files) on disk: what every command verifies. */
export interface DiskSubject {
  name: string;
  files: WalkedFile[];
  events: Awaited<ReturnType<typeof collectFiles>>['events'];
}

export async function diskSubject(paths: readonly string[]): Promise<DiskSubject> {
  return collectFiles(paths);
}

/**
 * SHA-256 of every file (and the git blob SHA-1 where a Hub comparison or a Hugging Face cache blob needs
 * it), one file after another; a file that cannot be read or changes while read is an outcome, not a throw.
 */
export async function hashDiskFiles(
  files: readonly WalkedFile[],
  gitSha1: ReadonlySet<string> = new Set(),
  progress: Progress = silentProgress,
): Promise<HashOutcome[]> {
  const total = files.reduce((sum, f) => sum + f.size, 0);
  const outcomes: HashOutcome[] = [];
  let before = 0;
  for (const file of files) {
    try {
      const source = await fileSource(file.diskPath, file.modelPath);
      const git = gitSha1.has(file.modelPath) || wantsGitSha1(file.hfBlob);
      const digests = await hashSourceMulti(
        source,
        { sha256: createSha256Node, ...(git ? { gitSha1: gitBlobSha1Factory(source.size) } : {}) },
        {
          progressEveryBytes: 8 << 20,
          onProgress: (p) => progress.update('hashing', before + p.bytesDone, total, 'bytes'),
        },
      );
      outcomes.push({
        path: file.modelPath,
        size: file.size,
        sha256: digests.sha256,
        ...(digests.gitSha1 ? { gitSha1: digests.gitSha1 } : {}),
      });
    } catch (error) {
      const kind = error instanceof SizeChangedError ? 'changed' : 'unreadable';
      outcomes.push({ path: file.modelPath, size: file.size, error: { kind, message: String(error) } });
    }
    before += file.size;
  }
  return outcomes;
}

/** Every file scanned as `modelgate scan` scans it, with a files-done progress line. */
export async function scanDiskFiles(files: readonly WalkedFile[], progress: Progress = silentProgress) {
  const scans: FileScan[] = [];
  for (const [i, file] of files.entries()) {
    progress.update('scanning', i, files.length, 'files');
    scans.push(await scanLocalFile(file));
  }
  progress.update('scanning', files.length, files.length, 'files');
  return scans;
}

/** Reads small text files of a listed folder by their path inside the model. */
export function diskTextReader(files: readonly WalkedFile[]): (path: string) => Promise<string> {
  const byPath = new Map(files.map((f) => [f.modelPath, f.diskPath]));
  return (path) => {
    const disk = byPath.get(path);
    if (disk === undefined) return Promise.reject(new Error(`${path}: not a file of this model`));
    return readFile(disk, 'utf8');
  };
}

/** The capabilities every command shares: the disk listing, hashing, reading text, cache-blob checks. */
export function diskCapabilities(
  subject: DiskSubject,
  options: { scan?: boolean; progress?: Progress } = {},
): Pick<VerifyCapabilities, 'subject' | 'environment' | 'hash' | 'scan' | 'readText' | 'eventsAfterHashing'> {
  const progress = options.progress ?? silentProgress;
  return {
    subject: {
      name: subject.name,
      files: subject.files.map((f) => ({ path: f.modelPath, size: f.size })),
      events: subject.events,
    },
    environment: { runtime: 'node' },
    hash: (gitSha1) => hashDiskFiles(subject.files, gitSha1, progress),
    ...(options.scan ? { scan: () => scanDiskFiles(subject.files, progress) } : {}),
    readText: diskTextReader(subject.files),
    eventsAfterHashing: (outcomes) => hfBlobEvents(subject.files, outcomes),
  };
}
