/**
 * The vocabulary every check of the Report speaks: a check's status, its findings and their severity.
 * A leaf module with no imports, so that every part of core/ can produce checks and findings without
 * depending on the Report (which depends on all of them). core/report/schema.ts validates these shapes
 * with zod and a compile-time assertion keeps the two in step.
 */

export const SEVERITIES = ['critical', 'high', 'medium', 'low', 'info'] as const;
export type Severity = (typeof SEVERITIES)[number];

export const CHECK_IDS = ['integrity', 'signature', 'scan', 'behavior', 'lineage', 'provenance'] as const;
export type CheckId = (typeof CHECK_IDS)[number];

/** `error`: the check could not complete (a parser broke, a budget ran out); never read as a pass. */
export const CHECK_STATUSES = ['pass', 'review', 'fail', 'skipped', 'error'] as const;
export type CheckStatus = (typeof CHECK_STATUSES)[number];

export const VERDICTS = ['pass', 'review', 'fail'] as const;
export type Verdict = (typeof VERDICTS)[number];

export interface Check {
  id: CheckId;
  status: CheckStatus;
  summary: string;
}

export interface Finding {
  code: string;
  severity: Severity;
  file?: string;
  title: string;
  detail: string;
  evidence?: Record<string, unknown>;
  remedy?: string;
  /** The published source of a technique: CVE, GHSA, paper or issue URL. */
  reference?: string;
}

/** What a file scan concluded: `unverified` when the scan could not follow the file to its end. */
export const SCAN_VERDICTS = ['benign', 'suspicious', 'malicious', 'invalid', 'unverified'] as const;
export type ScanVerdict = (typeof SCAN_VERDICTS)[number];

/** One file of the Report's subject: the integrity check lists it, the scan check annotates it. */
export interface ReportFile {
  path: string;
  size: number;
  sha256?: string;
  format?: string;
  scan?: { verdict: ScanVerdict; reason?: string };
}

/** One entry of a finding catalog: what a code means, shown to users and in the docs' table. */
export interface CatalogEntry {
  severity: Severity;
  title: string;
  explanation: string;
  remedy?: string;
}

/**
 * What every check returns: its status line, its findings, and optionally the record it adds to the
 * Report (a lineage, a behavior or a provenance section). buildReport merges a list of these.
 */
export interface CheckResult<Record = never> {
  check: Check;
  findings: Finding[];
  record?: Record;
}
