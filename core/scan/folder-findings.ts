// What reading a model folder met besides plain files (links, special files, unreadable entries), and how
// it enters the report: the CLI's walk and the portal's drop listing both describe the folder this way.
import type { HashOutcome } from '../hash/hash-outcome.ts';
import type { FileScan } from './scan-check.ts';
import type { Finding } from '../check/types.ts';
import { FOLDER_CODES, type FolderCode } from './folder-codes.ts';
import { worstVerdict, type ScanFinding } from './types.ts';
import { errorText, type FolderEvent, type LinkScope } from '../io/folder-event.ts';

/** Entries that gave no content at all: they take the place of a file that could not be checked. */
type Refused = Extract<FolderEvent, { kind: 'dangling' | 'special' | 'unreadable' }>;

const LINK_CODE: Record<LinkScope, FolderCode> = {
  inside: 'MG-SCAN-910',
  outside: 'MG-SCAN-911',
  'repo-cache': 'MG-SCAN-912',
};

const LINK_WHERE: Record<LinkScope, string> = {
  inside: 'inside the model folder',
  outside: 'outside the model folder',
  'repo-cache': 'in the same Hugging Face repository cache',
};

function codeAndDetail(e: FolderEvent): { code: FolderCode; detail: string; evidence?: Record<string, unknown> } {
  switch (e.kind) {
    case 'link': {
      const what = e.directory ? 'folder' : 'file';
      return {
        code: LINK_CODE[e.scope],
        detail: `${e.path} is a symbolic link to ${e.target} (a ${what} ${LINK_WHERE[e.scope]}); followed`,
        evidence: { target: e.target, leavesFolder: e.scope !== 'inside', scope: e.scope, directory: e.directory },
      };
    }
    case 'dangling':
      return {
        code: 'MG-SCAN-915',
        detail: `${e.path} links to ${e.target}: ${e.error}`,
        evidence: { target: e.target },
      };
    case 'loop':
      return {
        code: 'MG-SCAN-916',
        detail: e.circle
          ? `${e.path} links to ${e.target}, and the links go round in a circle: it never reaches a file`
          : `${e.path} links to ${e.target}, a folder already being read; not read again`,
        evidence: { target: e.target },
      };
    case 'special':
      return {
        code: 'MG-SCAN-917',
        detail: `${e.path} is a ${e.type}; refused, never opened`,
        evidence: { type: e.type },
      };
    case 'unreadable':
      return { code: 'MG-SCAN-918', detail: `${e.path}: ${e.error}` };
    case 'blob-mismatch':
      return {
        code: 'MG-SCAN-913',
        detail: `${e.path} links to blob ${e.blob}, but its ${e.algorithm} is ${e.actual}`,
        evidence: { blob: e.blob, algorithm: e.algorithm, actual: e.actual },
      };
    case 'blob-unchecked':
      return {
        code: 'MG-SCAN-914',
        detail: `${e.path} links to blob ${e.blob}, whose name is neither a SHA-256 nor a git blob SHA-1 that could be compared`,
      };
    case 'empty':
      return { code: 'MG-SCAN-919', detail: `${e.path} was listed with 0 bytes` };
    case 'links-not-signed':
      return {
        code: 'MG-SCAN-920',
        detail: `${e.path} records allow_symlinks false; links followed: ${e.links.slice(0, 20).join(', ')}${e.links.length > 20 ? ` and ${e.links.length - 20} more` : ''}`,
        evidence: { links: e.links.length },
      };
  }
}

/** The finding one folder event makes, in the scan's own shape. */
export function folderFinding(e: FolderEvent): ScanFinding {
  const { code, detail, evidence } = codeAndDetail(e);
  const { severity, title } = FOLDER_CODES[code];
  return { code, severity, title, detail, ...(evidence ? { evidence } : {}) };
}

function isRefused(e: FolderEvent): e is Refused {
  return e.kind === 'dangling' || e.kind === 'special' || e.kind === 'unreadable';
}

/** A file whose scan could not read it: "could not verify", naming the OS error, never a silent gap. */
export function unreadableScan(path: string, error: unknown): FileScan {
  return refusedScan({ kind: 'unreadable', path, error: errorText(error) });
}

function refusedScan(e: Refused): FileScan {
  const finding = folderFinding(e);
  return {
    path: e.path,
    outcome: { format: 'unknown', verdict: 'unverified', reason: finding.title, findings: [finding] },
  };
}

/** A folder event that belongs to no file's scan, as a report finding. */
export function folderReportFinding(e: FolderEvent): Finding {
  return asReportFinding(e.path, folderFinding(e));
}

function asReportFinding(path: string, f: ScanFinding): Finding {
  return {
    code: f.code,
    severity: f.severity,
    file: path,
    title: f.title,
    detail: f.detail,
    ...(f.evidence ? { evidence: f.evidence } : {}),
  };
}

const raises = (f: ScanFinding) => f.severity === 'critical' || f.severity === 'high' || f.severity === 'medium';

/** Adds findings to one file's scan; a medium or worse one means the file cannot pass the scan. */
function annotateScan(scan: FileScan, added: readonly ScanFinding[]): FileScan {
  if (added.length === 0) return scan;
  const serious = added.find(raises);
  const verdict = serious ? worstVerdict([scan.outcome.verdict, 'suspicious']) : scan.outcome.verdict;
  const reason = scan.outcome.reason ?? serious?.title;
  return {
    path: scan.path,
    outcome: {
      ...scan.outcome,
      verdict,
      ...(reason ? { reason } : {}),
      findings: [...scan.outcome.findings, ...added],
    },
  };
}

/** Files read through a folder link that leaves the model folder: their content came from elsewhere. */
function outsideFolders(events: readonly FolderEvent[]): string[] {
  return events.filter((e) => e.kind === 'link' && e.directory && e.scope === 'outside').map((e) => `${e.path}/`);
}

/**
 * Folds the folder's events into the hash outcomes and scans: a refused or unreadable entry becomes a file
 * that could not be fingerprinted or scanned, a link's finding goes on the file read through it, and
 * what belongs to no file (a folder link, a loop) is returned as a report finding. Without scans (the
 * hash command) every finding is returned as a report finding.
 */
export function withFolderEvents(
  outcomes: readonly HashOutcome[],
  scans: readonly FileScan[] | undefined,
  events: readonly FolderEvent[],
): { outcomes: HashOutcome[]; scans?: FileScan[]; findings: Finding[] } {
  const refused = events.filter(isRefused);
  const allOutcomes = [
    ...outcomes,
    ...refused.map((e): HashOutcome => ({
      path: e.path,
      size: 0,
      error: { kind: 'unreadable', message: folderFinding(e).detail },
    })),
  ];
  const attached = events.filter((e) => !isRefused(e));
  if (!scans) {
    const findings = events.map((e) => asReportFinding(e.path, folderFinding(e)));
    return { outcomes: allOutcomes, findings };
  }
  const byPath = new Map<string, ScanFinding[]>();
  const findings: Finding[] = [];
  const known = new Set(scans.map((s) => s.path));
  for (const e of attached) {
    if (known.has(e.path)) byPath.set(e.path, [...(byPath.get(e.path) ?? []), folderFinding(e)]);
    else findings.push(asReportFinding(e.path, folderFinding(e)));
  }
  const outside = outsideFolders(events);
  const viaOutside = (path: string) => outside.find((prefix) => path.startsWith(prefix));
  const annotated = scans.map((s) => {
    const link = viaOutside(s.path);
    const scan = annotateScan(s, byPath.get(s.path) ?? []);
    if (!link) return scan;
    const reason = `read through ${link.slice(0, -1)}, a link that leaves the model folder`;
    const verdict = worstVerdict([scan.outcome.verdict, 'suspicious']);
    return { path: s.path, outcome: { ...scan.outcome, verdict, reason: scan.outcome.reason ?? reason } };
  });
  return { outcomes: allOutcomes, scans: [...annotated, ...refused.map(refusedScan)], findings };
}

const SHA256_NAME = /^[0-9a-f]{64}$/;
const SHA1_NAME = /^[0-9a-f]{40}$/;

/** Whether hashing this Hugging Face cache blob must also produce its git blob SHA-1 (small, non-LFS files). */
export const wantsGitSha1 = (hfBlob: string | undefined) => hfBlob !== undefined && SHA1_NAME.test(hfBlob);

/**
 * The cache names each blob after its content: SHA-256 for LFS files, the git blob SHA-1 for small ones.
 * A blob whose content has another digest was changed after download. Unhashed files are already findings.
 */
export function hfBlobEvents(
  files: readonly { modelPath: string; hfBlob?: string }[],
  outcomes: readonly HashOutcome[],
): FolderEvent[] {
  const byPath = new Map(outcomes.map((o) => [o.path, o]));
  const events: FolderEvent[] = [];
  for (const { modelPath: path, hfBlob: blob } of files) {
    const outcome = byPath.get(path);
    if (blob === undefined || !outcome || !('sha256' in outcome)) continue;
    if (SHA256_NAME.test(blob)) {
      if (outcome.sha256 !== blob)
        events.push({ kind: 'blob-mismatch', path, blob, algorithm: 'SHA-256', actual: outcome.sha256 });
    } else if (SHA1_NAME.test(blob) && outcome.gitSha1 !== undefined) {
      if (outcome.gitSha1 !== blob) {
        events.push({ kind: 'blob-mismatch', path, blob, algorithm: 'git blob SHA-1', actual: outcome.gitSha1 });
      }
    } else events.push({ kind: 'blob-unchecked', path, blob });
  }
  return events;
}
