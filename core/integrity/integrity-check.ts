import type { Check, Finding, ReportFile } from './schema.ts';
import { FINDING_CODES, type FindingCode } from './finding-codes.ts';

/** What hashing one file produced: a digest, or why there is none. */
export type HashOutcome =
  | { path: string; size: number; sha256: string; gitSha1?: string }
  | { path: string; size: number; error: { kind: 'unreadable' | 'changed' | 'cancelled'; message: string } };

function finding(code: FindingCode, file: string | undefined, detail: string): Finding {
  const { severity, title } = FINDING_CODES[code];
  return { code, severity, title, detail, ...(file ? { file } : {}) };
}

/** The integrity check: fills subject.files and reports files that could not be fingerprinted. */
export function integrityCheck(
  outcomes: readonly HashOutcome[],
  hasManifest = false,
): {
  files: ReportFile[];
  check: Check;
  findings: Finding[];
} {
  const files: ReportFile[] = [];
  const findings: Finding[] = [];
  let cancelled = 0;
  const sorted = [...outcomes].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  for (const o of sorted) {
    if ('sha256' in o) {
      files.push({ path: o.path, size: o.size, sha256: o.sha256 });
      continue;
    }
    files.push({ path: o.path, size: o.size, scan: { verdict: 'unverified', reason: o.error.message } });
    if (o.error.kind === 'cancelled') cancelled += 1;
    else findings.push(finding(o.error.kind === 'changed' ? 'MG-INT-002' : 'MG-INT-001', o.path, o.error.message));
  }
  if (cancelled > 0) {
    findings.push(finding('MG-RPT-001', undefined, `${cancelled} of ${outcomes.length} files were not hashed.`));
  }
  const hashed = files.filter((f) => f.sha256).length;
  if (!hasManifest) {
    findings.push(
      finding('MG-INT-003', undefined, 'No Hub revision or SHA256SUMS was given; digests are recorded only.'),
    );
  }
  const complete = hashed === outcomes.length;
  const check: Check = {
    id: 'integrity',
    status: complete ? 'pass' : 'error',
    summary: complete
      ? `All ${hashed} files were read completely and fingerprinted with SHA-256.`
      : `${hashed} of ${outcomes.length} files were fingerprinted; ${outcomes.length - hashed} could not be.`,
  };
  return { files, check, findings };
}
