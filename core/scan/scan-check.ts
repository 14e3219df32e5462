import type { Check, Finding, ReportFile } from '../check/types.ts';
import type { ScanFinding, ScanOutcome, ScanVerdict } from './types.ts';

export interface FileScan {
  path: string;
  outcome: ScanOutcome;
}

const CHECK_STATUS: Record<ScanVerdict, Check['status']> = {
  malicious: 'fail',
  invalid: 'review',
  suspicious: 'review',
  unverified: 'review',
  benign: 'pass',
};

function toFinding(path: string, f: ScanFinding): Finding {
  // Pickle details already say "at offset N"; do not repeat it.
  const offset = f.offset !== undefined && !/offset \d/.test(f.detail) && `at byte ${f.offset}`;
  const where = [f.member && `in ${f.member}`, offset].filter(Boolean).join(' ');
  return {
    code: f.code,
    severity: f.severity,
    file: path,
    title: f.title,
    detail: where ? `${f.detail} (${where})` : f.detail,
    ...(f.reference ? { reference: f.reference } : {}),
    ...(f.evidence ? { evidence: f.evidence } : {}),
  };
}

/** The scan check: per-file verdicts on subject.files and every finding, worst file first in the summary. */
export function scanCheck(scans: readonly FileScan[]): {
  check: Check;
  findings: Finding[];
  annotate: (file: ReportFile) => ReportFile;
} {
  const byPath = new Map(scans.map((s) => [s.path, s.outcome]));
  const count = (v: ScanVerdict) => scans.filter((s) => s.outcome.verdict === v).length;
  const worst = (['malicious', 'invalid', 'suspicious', 'unverified', 'benign'] as const).find((v) => count(v) > 0);
  const parts = (['malicious', 'suspicious', 'invalid', 'unverified'] as const)
    .filter((v) => count(v) > 0)
    .map((v) => `${count(v)} ${v === 'unverified' ? 'could not be verified' : v}`);
  const check: Check = {
    id: 'scan',
    status: worst ? CHECK_STATUS[worst] : 'skipped',
    summary:
      scans.length === 0
        ? 'No file was scanned.'
        : parts.length === 0
          ? `All ${scans.length} files were scanned: nothing in them would run code when loaded.`
          : `${scans.length} files scanned: ${parts.join(', ')}.`,
  };
  return {
    check,
    findings: scans.flatMap((s) => s.outcome.findings.map((f) => toFinding(s.path, f))),
    annotate: (file) => {
      const outcome = byPath.get(file.path);
      if (!outcome) return file;
      const scan = { verdict: outcome.verdict, ...(outcome.reason ? { reason: outcome.reason.slice(0, 2000) } : {}) };
      return { ...file, format: outcome.format.slice(0, 64), scan };
    },
  };
}
