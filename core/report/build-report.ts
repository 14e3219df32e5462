import type { CheckResult } from '../check/types.ts';
import type { Behavior } from '../probe/behavior-schema.ts';
import type { Provenance } from '../provenance/schema.ts';
import type { Lineage } from '../weights/lineage-schema.ts';
import { rootDigest } from './root-digest.ts';
import {
  REPORT_SCHEMA_ID,
  ReportSchema,
  type Check,
  type CheckId,
  type Finding,
  type Report,
  type ReportFile,
} from './schema.ts';
import { decideVerdict } from './verdict.ts';
import { reportEnvironment } from './user-agent.ts';

export const TOOL = { name: 'modelgate', version: '0.1.0' } as const;

/** What a check adds to the Report beside its status and findings: the section a reader opens for detail. */
export type ReportRecord = { lineage: Lineage } | { behavior: Behavior } | { provenance: Provenance };

export type ReportCheckResult = CheckResult<ReportRecord>;

/** A check that did not run says so, so that its absence never reads as a pass. */
const NOT_RUN: Record<CheckId, string> = {
  integrity: 'No file was fingerprinted.',
  signature: 'No signature was checked (no model.sig given).',
  scan: 'The malware scan of weight files did not run.',
  behavior: 'No behavioral comparison with a base model was run.',
  lineage: 'No weight comparison with a base model was run.',
  provenance: 'The model card and datasheet were not checked.',
};

export interface ReportParts {
  name: string;
  environment: Report['environment'];
  /** The subject's files as the integrity check listed them and the scan annotated them. */
  files: readonly ReportFile[];
  /** Every check that ran, in the order its findings are listed. */
  results: readonly ReportCheckResult[];
  createdAt?: Date;
}

const STATUS_ORDER: readonly Check['status'][] = ['fail', 'error', 'review', 'pass', 'skipped'];

/** Two results of one check (hashing and the manifest comparison are both integrity): the worse status, both summaries. */
function mergeCheck(a: Check, b: Check): Check {
  const worse = STATUS_ORDER.indexOf(a.status) <= STATUS_ORDER.indexOf(b.status) ? a : b;
  return { id: a.id, status: worse.status, summary: `${a.summary} ${b.summary}`.slice(0, 2000) };
}

/**
 * The Report from the results of the checks that ran: checks merged by id, every finding kept, each record
 * put in its section, checks that did not run listed as skipped, and the verdict decided once, here.
 */
export async function buildReport(parts: ReportParts): Promise<Report> {
  const ran = new Map<CheckId, Check>();
  const findings: Finding[] = [];
  const records: Partial<Pick<Report, 'lineage' | 'behavior' | 'provenance'>> = {};
  for (const result of parts.results) {
    const earlier = ran.get(result.check.id);
    ran.set(result.check.id, earlier ? mergeCheck(earlier, result.check) : result.check);
    findings.push(...result.findings);
    if (result.record) Object.assign(records, result.record);
  }
  const checks = [...ran.values()];
  for (const [id, summary] of Object.entries(NOT_RUN) as [CheckId, string][]) {
    if (!ran.has(id)) checks.push({ id, status: 'skipped', summary });
  }
  const report: Report = {
    schema: REPORT_SCHEMA_ID,
    createdAt: (parts.createdAt ?? new Date()).toISOString(),
    tool: { ...TOOL },
    environment: reportEnvironment(parts.environment),
    subject: { name: parts.name, files: [...parts.files] },
    verdict: decideVerdict(checks, findings),
    checks,
    findings,
    ...records,
  };
  const digest = await rootDigest(parts.files);
  if (digest) report.subject.rootDigest = digest;
  return ReportSchema.parse(report);
}
