import { makeFinding } from '../check/make-finding.ts';
import type { Check, CheckStatus, Finding } from '../check/types.ts';
import { MANIFEST_CODES, type ManifestCode } from './manifest-codes.ts';
import { describeManifest, type Manifest, type ManifestEntry } from './manifest.ts';

/** A file of the checked model as hashing left it: a digest may be absent (unreadable, or not computed). */
export interface LocalFile {
  path: string;
  size: number;
  sha256?: string;
  gitSha1?: string;
}

export interface ManifestCompareOptions {
  /** Paths that are not part of the model: the manifest file itself, model.sig, other manifests. */
  ignore?: readonly string[];
}

export interface ComparisonCounts {
  matched: number;
  modified: number;
  missing: number;
  extra: number;
  lfsPointer: number;
  uncompared: number;
}

export interface ManifestComparison {
  check: Check;
  findings: Finding[];
  counts: ComparisonCounts;
}

type Outcome =
  | { kind: 'matched' }
  | { kind: 'missing' | 'modified' | 'lfsPointer' | 'uncompared'; detail: string; evidence?: Record<string, unknown> };

// huggingface_hub's `--local-dir` downloads keep their bookkeeping here; it is not a file of the repo.
const HUB_LOCAL_DIR_METADATA = '.cache/huggingface/';
const MAX_PROBLEMS_LISTED = 20;

/**
 * Compares the model's files with a published manifest: each listed file is matched,
 * modified, missing or not comparable; each unlisted file is extra. LFS files are compared by SHA-256,
 * small Hub files by git blob SHA-1, and a size mismatch alone is enough to call a file modified.
 */
export function compareWithManifest(
  files: readonly LocalFile[],
  manifest: Manifest,
  options: ManifestCompareOptions = {},
): ManifestComparison {
  const label = describeManifest(manifest.source);
  const local = new Map(files.map((f) => [f.path, f]));
  const counts: ComparisonCounts = { matched: 0, modified: 0, missing: 0, extra: 0, lfsPointer: 0, uncompared: 0 };
  const findings: Finding[] = [];
  for (const entry of sortByPath(manifest.entries)) {
    const outcome = compareEntry(entry, local.get(entry.path));
    counts[outcome.kind] += 1;
    if (outcome.kind !== 'matched') {
      findings.push(
        makeFinding(MANIFEST_CODES, OUTCOME_CODES[outcome.kind], {
          detail: outcome.detail,
          file: entry.path,
          evidence: { manifest: label, ...outcome.evidence },
        }),
      );
    }
  }
  for (const file of extraFiles(files, manifest, options)) {
    counts.extra += 1;
    findings.push(
      makeFinding(MANIFEST_CODES, 'MG-INT-012', {
        detail: `${file.path} is not listed in ${label}.`,
        file: file.path,
        evidence: { manifest: label },
      }),
    );
  }
  if (manifest.problems.length > 0) findings.push(problemsFinding(manifest));
  return { check: summaryCheck(manifest, label, counts), findings, counts };
}

const OUTCOME_CODES = {
  modified: 'MG-INT-010',
  missing: 'MG-INT-011',
  lfsPointer: 'MG-INT-014',
  uncompared: 'MG-INT-013',
} as const satisfies Record<Exclude<Outcome['kind'], 'matched'>, ManifestCode>;

function compareEntry(entry: ManifestEntry, file: LocalFile | undefined): Outcome {
  if (!file) return { kind: 'missing', detail: `${entry.path} is listed in the manifest but not in the folder.` };
  const gitSha1 = file.gitSha1?.toLowerCase();
  const pointer = entry.lfsPointer;
  if (pointer && file.size === pointer.size && gitSha1 === pointer.gitSha1.toLowerCase()) {
    return { kind: 'lfsPointer', detail: `${entry.path} is the ${file.size}-byte Git LFS pointer, not the file.` };
  }
  if (entry.size !== undefined && entry.size !== file.size) {
    const detail = `${entry.path} has ${file.size} bytes; the manifest says ${entry.size}.`;
    return { kind: 'modified', detail, evidence: { expectedSize: entry.size, actualSize: file.size } };
  }
  if (entry.sha256 && file.sha256) return byDigest(entry.path, 'SHA-256', entry.sha256, file.sha256, 'Sha256');
  if (entry.gitSha1 && gitSha1) return byDigest(entry.path, 'git blob SHA-1', entry.gitSha1, gitSha1, 'GitSha1');
  return { kind: 'uncompared', detail: uncomparedReason(entry, file) };
}

function byDigest(path: string, name: string, expected: string, actual: string, key: string): Outcome {
  const [e, a] = [expected.toLowerCase(), actual.toLowerCase()];
  if (e === a) return { kind: 'matched' };
  const detail = `${path}: ${name} is ${a}; the manifest says ${e}.`;
  return { kind: 'modified', detail, evidence: { [`expected${key}`]: e, [`actual${key}`]: a } };
}

function uncomparedReason(entry: ManifestEntry, file: LocalFile): string {
  if (entry.sha256 && !file.sha256) return `${entry.path} has no SHA-256 here (it could not be read).`;
  if (entry.gitSha1) {
    return `The manifest gives only a git blob SHA-1 for ${entry.path}, which was not computed for the local file.`;
  }
  return `The manifest gives no digest for ${entry.path}.`;
}

function extraFiles(files: readonly LocalFile[], manifest: Manifest, options: ManifestCompareOptions): LocalFile[] {
  const listed = new Set(manifest.entries.map((e) => e.path));
  const ignored = new Set(options.ignore ?? []);
  if (manifest.source.kind === 'sha256sums') ignored.add(manifest.source.path);
  const hub = manifest.source.kind === 'hub';
  return sortByPath(
    files.filter(
      (f) => !listed.has(f.path) && !ignored.has(f.path) && !(hub && f.path.startsWith(HUB_LOCAL_DIR_METADATA)),
    ),
  );
}

function problemsFinding(manifest: Manifest): Finding {
  const file = manifest.source.kind === 'sha256sums' ? manifest.source.path : undefined;
  const listed = manifest.problems.slice(0, MAX_PROBLEMS_LISTED).map((p) => `line ${p.line}: ${p.message}`);
  const more = manifest.problems.length - listed.length;
  const detail = listed.join('\n') + (more > 0 ? `\n… and ${more} more` : '');
  return makeFinding(MANIFEST_CODES, 'MG-INT-015', {
    detail,
    file,
    evidence: { lines: manifest.problems.map((p) => p.line) },
  });
}

function summaryCheck(manifest: Manifest, label: string, counts: ComparisonCounts): Check {
  const total = manifest.entries.length;
  const parts = [
    [counts.modified, 'modified'],
    [counts.missing, 'missing'],
    [counts.lfsPointer, 'Git LFS pointers'],
    [counts.uncompared, 'not comparable'],
    [counts.extra, counts.extra === 1 ? 'extra file' : 'extra files'],
    [manifest.problems.length, 'unreadable manifest lines'],
  ] as const;
  const issues = parts.filter(([n]) => n > 0).map(([n, what]) => `${n} ${what}`);
  const summary =
    `${counts.matched} of ${total} files match ${label}` + (issues.length ? ` (${issues.join(', ')}).` : '.');
  return { id: 'integrity', status: checkStatus(counts, manifest.problems.length), summary };
}

function checkStatus(counts: ComparisonCounts, problems: number): CheckStatus {
  if (counts.modified > 0) return 'fail';
  const open = counts.missing + counts.extra + counts.lfsPointer + counts.uncompared + problems;
  return open > 0 ? 'review' : 'pass';
}

/** The check when the Hub listing could not be had: an error, never a pass (MG-INT-016). */
export function manifestUnavailable(what: string, reason: string): ManifestComparison {
  const counts: ComparisonCounts = { matched: 0, modified: 0, missing: 0, extra: 0, lfsPointer: 0, uncompared: 0 };
  return {
    check: { id: 'integrity', status: 'error', summary: `Could not compare with ${what}: ${reason}` },
    findings: [makeFinding(MANIFEST_CODES, 'MG-INT-016', { detail: reason, evidence: { manifest: what } })],
    counts,
  };
}

function sortByPath<T extends { path: string }>(items: readonly T[]): T[] {
  return [...items].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
