import type { Finding, ReportFile } from '../check/types.ts';
import { makeFinding } from '../check/make-finding.ts';
import { ROUTER_CODES } from '../scan/router-codes.ts';
import type { HashOutcome } from '../hash/hash-outcome.ts';
import { integrityCheck } from '../integrity/integrity-check.ts';
import { behaviorCheck } from '../probe/behavior-check.ts';
import type { Behavior } from '../probe/behavior-schema.ts';
import { buildReport, type ReportCheckResult } from '../report/build-report.ts';
import type { Report } from '../report/schema.ts';
import { scanCheck, type FileScan } from '../scan/scan-check.ts';
import { lineageCheckWithAdapter } from '../adapters/adapter-check.ts';
import type { Lineage } from '../weights/lineage-schema.ts';

/** What the checks of one verification produced, before it becomes a Report. */
export interface CheckedModel {
  name: string;
  environment: Report['environment'];
  createdAt?: Date;
  /** Hashing: one outcome per file (the integrity check lists the subject's files from these). */
  outcomes: readonly HashOutcome[];
  /** The comparison with a published manifest (Hub revision, SHA256SUMS), part of the integrity check. */
  manifest?: ReportCheckResult;
  /** What reading the folder met (links, refused entries) that belongs to no file's scan. */
  folderFindings?: readonly Finding[];
  /** Scan results per file; absent when the scan did not run. */
  scans?: readonly FileScan[];
  lineage?: Lineage;
  behavior?: Behavior;
  /** Findings of the behavior check from elsewhere (drift against a saved behavioral baseline). */
  behaviorFindings?: readonly Finding[];
  /** Any other check's result (signature, provenance, an error result of a check that broke). */
  results?: readonly ReportCheckResult[];
}

/**
 * Files the scan never reached (a cancelled run, a scan stopped by its budget): each is "could not verify"
 * with a finding, so a scan of some files never reads as a scan of all of them.
 */
function unscannedResult(files: readonly ReportFile[]) {
  const missing = files.filter((f) => !f.scan);
  if (missing.length === 0) return undefined;
  const result: ReportCheckResult = {
    check: { id: 'scan', status: 'review', summary: `${missing.length} file(s) were not scanned.` },
    findings: missing.map((f) =>
      makeFinding(ROUTER_CODES, 'MG-SCAN-906', { file: f.path, detail: `${f.path} was not scanned` }),
    ),
  };
  const annotate = (f: ReportFile): ReportFile =>
    f.scan ? f : { ...f, scan: { verdict: 'unverified', reason: 'not scanned: could not verify' } };
  return { result, annotate };
}

/** Every check's result in one list, then the Report (core/report/build-report.ts decides the verdict). */
export async function assembleReport(model: CheckedModel): Promise<Report> {
  const integrity = integrityCheck(model.outcomes, model.manifest !== undefined);
  const results: ReportCheckResult[] = [];
  // The manifest's summary leads: "matches the Hub revision" says more than "all files were read".
  if (model.manifest) results.push(model.manifest);
  results.push({ check: integrity.check, findings: [...integrity.findings, ...(model.folderFindings ?? [])] });
  let files = integrity.files;
  if (model.scans) {
    const scan = scanCheck(model.scans);
    results.push({ check: scan.check, findings: scan.findings });
    files = files.map(scan.annotate);
    const unscanned = unscannedResult(files);
    if (unscanned) {
      results.push(unscanned.result);
      files = files.map(unscanned.annotate);
    }
  }
  if (model.lineage) results.push({ ...lineageCheckWithAdapter(model.lineage), record: { lineage: model.lineage } });
  if (model.behavior) {
    const checked = behaviorCheck(model.behavior);
    const findings = [...checked.findings, ...(model.behaviorFindings ?? [])];
    results.push({ check: checked.check, findings, record: { behavior: model.behavior } });
  }
  results.push(...(model.results ?? []));
  return buildReport({
    name: model.name,
    environment: model.environment,
    files,
    results,
    ...(model.createdAt ? { createdAt: model.createdAt } : {}),
  });
}
