import { fileSource } from '../core/io/byte-source-node.ts';
import { hashSource, SizeChangedError } from '../core/hash/hash-source.ts';
import { createSha256Node } from '../core/hash/sha256-node.ts';
import { buildReport } from '../core/report/build-report.ts';
import type { HashOutcome } from '../core/report/integrity-check.ts';
import type { Report } from '../core/report/schema.ts';
import { collectFiles, type LocalFile } from './walk-node.ts';

export async function hashFiles(files: readonly LocalFile[]): Promise<HashOutcome[]> {
  const outcomes: HashOutcome[] = [];
  for (const file of files) {
    try {
      const source = await fileSource(file.diskPath, file.modelPath);
      const { sha256 } = await hashSource(source, createSha256Node);
      outcomes.push({ path: file.modelPath, size: file.size, sha256 });
    } catch (error) {
      const kind = error instanceof SizeChangedError ? 'changed' : 'unreadable';
      outcomes.push({ path: file.modelPath, size: file.size, error: { kind, message: String(error) } });
    }
  }
  return outcomes;
}

/** `modelgate hash <path…>`: fingerprints every file and assembles the same Report as the portal. */
export async function hashCommand(paths: readonly string[]): Promise<Report> {
  const { name, files } = await collectFiles(paths);
  return buildReport({ name, outcomes: await hashFiles(files), environment: { runtime: 'node' } });
}
