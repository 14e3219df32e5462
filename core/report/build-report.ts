import { REPORT_SCHEMA_ID, ReportSchema, type Check, type CheckId, type Finding, type Report } from './schema.ts';
import { decideVerdict } from './verdict.ts';
import { integrityCheck, type HashOutcome } from './integrity-check.ts';
import { rootDigest } from './root-digest.ts';
import { scanCheck, type FileScan } from './scan-check.ts';
import { lineageCheck } from '../weights/lineage-check.ts';
import type { Lineage } from '../weights/lineage-schema.ts';
import { behaviorCheck } from '../probe/behavior-check.ts';
import type { Behavior } from '../probe/behavior-schema.ts';

export const TOOL = { name: 'modelgate', version: '0.1.0' } as const;

/** Checks that later issues add; until they run, the report says so instead of implying they passed. */
const NOT_YET_RUN: Record<Exclude<CheckId, 'integrity'>, string> = {
  signature: 'No signature was checked (no model.sig given).',
  scan: 'The malware scan of weight files did not run.',
  behavior: 'No behavioral comparison with a base model was run.',
  lineage: 'No weight comparison with a base model was run.',
  provenance: 'The model card and datasheet were not checked.',
};

export interface ReportInput {
  name: string;
  outcomes: readonly HashOutcome[];
  environment: Report['environment'];
  createdAt?: Date;
  /** The comparison with a published manifest (Hub revision, SHA256SUMS), when one was used. */
  manifest?: { check: Check; findings: Finding[] };
  /** Scan results per file; absent when the scan did not run. */
  scans?: readonly FileScan[];
  /** The weight comparison with a base model; adds the `lineage` check and record. */
  lineage?: Lineage;
  /** The behavioral comparison with a base model; adds the `behavior` check and record. */
  behavior?: Behavior;
  /** Checks and findings from other modules (signature …), merged in. */
  extraChecks?: readonly Check[];
  extraFindings?: readonly Finding[];
}

export async function buildReport(input: ReportInput): Promise<Report> {
  const integrity = integrityCheck(input.outcomes, input.manifest !== undefined);
  const scan = input.scans ? scanCheck(input.scans) : undefined;
  const ran = new Map<CheckId, Check>([['integrity', mergeIntegrity(integrity.check, input.manifest?.check)]]);
  if (scan) ran.set('scan', scan.check);
  const lineage = input.lineage ? lineageCheck(input.lineage) : undefined;
  if (lineage) ran.set('lineage', lineage.check);
  const behavior = input.behavior ? behaviorCheck(input.behavior) : undefined;
  if (behavior) ran.set('behavior', behavior.check);
  for (const c of input.extraChecks ?? []) ran.set(c.id, c);
  const checks: Check[] = [...ran.values()];
  for (const [id, summary] of Object.entries(NOT_YET_RUN) as [CheckId, string][]) {
    if (!ran.has(id)) checks.push({ id, status: 'skipped', summary });
  }
  const findings = [
    ...integrity.findings,
    ...(input.manifest?.findings ?? []),
    ...(scan?.findings ?? []),
    ...(lineage?.findings ?? []),
    ...(behavior?.findings ?? []),
    ...(input.extraFindings ?? []),
  ];
  const files = scan ? integrity.files.map(scan.annotate) : integrity.files;
  const report: Report = {
    schema: REPORT_SCHEMA_ID,
    createdAt: (input.createdAt ?? new Date()).toISOString(),
    tool: { ...TOOL },
    environment: input.environment,
    subject: { name: input.name, files },
    verdict: decideVerdict(checks, findings),
    checks,
    findings,
  };
  if (input.lineage) report.lineage = input.lineage;
  if (input.behavior) report.behavior = input.behavior;
  const digest = await rootDigest(integrity.files);
  if (digest) report.subject.rootDigest = digest;
  return ReportSchema.parse(report);
}

const STATUS_ORDER: readonly Check['status'][] = ['fail', 'error', 'review', 'pass', 'skipped'];

/** Hashing and the manifest comparison are one check: the worse status, both summaries. */
function mergeIntegrity(hashing: Check, manifest: Check | undefined): Check {
  if (!manifest) return hashing;
  const worse = STATUS_ORDER.indexOf(hashing.status) < STATUS_ORDER.indexOf(manifest.status) ? hashing : manifest;
  return { id: 'integrity', status: worse.status, summary: `${manifest.summary} ${hashing.summary}` };
}

/** Parses untrusted JSON (a link, a CLI file, IndexedDB) into a Report, or says what is wrong. */
export function parseReport(json: unknown): { ok: true; report: Report } | { ok: false; reason: string } {
  const result = ReportSchema.safeParse(json);
  if (result.success) return { ok: true, report: result.data };
  const issue = result.error.issues[0];
  return { ok: false, reason: `not a ModelGate report: ${issue?.path.join('.') || '(root)'}: ${issue?.message}` };
}
