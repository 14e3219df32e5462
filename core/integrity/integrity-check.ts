import type { Check, Finding, ReportFile } from '../check/types.ts';
import { makeFinding } from '../check/make-finding.ts';
import { RUN_CODES } from '../check/run-codes.ts';
import type { HashOutcome } from '../hash/hash-outcome.ts';
import { INTEGRITY_CODES } from './integrity-codes.ts';

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
    else
      findings.push(
        makeFinding(INTEGRITY_CODES, o.error.kind === 'changed' ? 'MG-INT-002' : 'MG-INT-001', {
          file: o.path,
          detail: o.error.message,
        }),
      );
  }
  if (cancelled > 0) {
    findings.push(
      makeFinding(RUN_CODES, 'MG-RPT-001', { detail: `${cancelled} of ${outcomes.length} files were not hashed.` }),
    );
  }
  const hashed = files.filter((f) => f.sha256).length;
  if (!hasManifest) {
    findings.push(
      makeFinding(INTEGRITY_CODES, 'MG-INT-003', {
        detail: 'No Hub revision or SHA256SUMS was given; digests are recorded only.',
      }),
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
