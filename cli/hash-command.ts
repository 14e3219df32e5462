import { fileSource } from '../core/io/byte-source-node.ts';
import { gitBlobSha1Factory } from '../core/hash/git-blob-sha1.ts';
import { hashSourceMulti, SizeChangedError } from '../core/hash/hash-source.ts';
import { createSha256Node } from '../core/hash/sha256-node.ts';
import { buildReport } from '../core/report/build-report.ts';
import type { HashOutcome } from '../core/report/integrity-check.ts';
import type { Report } from '../core/report/schema.ts';
import { hfBlobEvents, wantsGitSha1, withFolderEvents } from '../core/scan/folder-findings.ts';
import { collectFiles, type LocalFile } from './walk-node.ts';

/** SHA-256 of every file, and the git blob SHA-1 of Hugging Face cache blobs named by one. */
export async function hashFiles(files: readonly LocalFile[]): Promise<HashOutcome[]> {
  const outcomes: HashOutcome[] = [];
  for (const file of files) {
    try {
      const source = await fileSource(file.diskPath, file.modelPath);
      const git = wantsGitSha1(file.hfBlob) ? { gitSha1: gitBlobSha1Factory(source.size) } : {};
      const { sha256, gitSha1 } = await hashSourceMulti(source, { sha256: createSha256Node, ...git });
      outcomes.push({ path: file.modelPath, size: file.size, sha256, ...(gitSha1 ? { gitSha1 } : {}) });
    } catch (error) {
      const kind = error instanceof SizeChangedError ? 'changed' : 'unreadable';
      outcomes.push({ path: file.modelPath, size: file.size, error: { kind, message: String(error) } });
    }
  }
  return outcomes;
}

/** `modelgate hash <path…>`: fingerprints every file and assembles the same Report as the portal. */
export async function hashCommand(paths: readonly string[]): Promise<Report> {
  const { name, files, events } = await collectFiles(paths);
  const hashed = await hashFiles(files);
  const folder = withFolderEvents(hashed, undefined, [...events, ...hfBlobEvents(files, hashed)]);
  return buildReport({
    name,
    outcomes: folder.outcomes,
    environment: { runtime: 'node' },
    extraFindings: folder.findings,
  });
}
