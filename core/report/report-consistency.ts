import { CHECK_IDS } from '../check/types.ts';
import { rootDigest } from './root-digest.ts';
import type { Report } from './schema.ts';
import { decideVerdict } from './verdict.ts';

/**
 * What a report says that does not follow from the rest of it. A signature proves who made a report, not
 * that its verdict is honest: anyone can sign "Pass" beside a critical finding. A reader of a shared link
 * therefore recomputes what can be recomputed (the verdict from the checks and findings, the whole-model
 * digest from the listed files, every check listed once) and refuses a report where they differ, whoever
 * signed it. An empty list means the report is consistent with itself.
 */
export async function reportInconsistencies(report: Report): Promise<string[]> {
  const problems: string[] = [];
  for (const id of CHECK_IDS) {
    const count = report.checks.filter((c) => c.id === id).length;
    if (count !== 1) problems.push(`the ${id} check is listed ${count} times (every report lists each check once)`);
  }
  const verdict = decideVerdict(report.checks, report.findings);
  if (verdict !== report.verdict) {
    problems.push(`it says ${report.verdict}, but its own checks and findings give ${verdict}`);
  }
  problems.push(...(await digestProblems(report.subject)));
  const flagged = report.subject.files.filter((f) => f.scan && f.scan.verdict !== 'benign');
  if (report.verdict === 'pass' && flagged.length > 0) {
    problems.push(`it says pass, but lists ${flagged.length} file(s) the scan did not find clean`);
  }
  if (report.verdict !== 'fail' && report.subject.files.some((f) => f.scan?.verdict === 'malicious')) {
    problems.push(`it says ${report.verdict}, but lists a file the scan found malicious`);
  }
  if (report.verdict === 'pass' && report.subject.files.some((f) => !f.sha256)) {
    problems.push('it says pass, but lists a file that was not fingerprinted');
  }
  return problems;
}

/** The whole-model digest is recomputed whenever every file is listed; with rows omitted it cannot be. */
async function digestProblems(subject: Report['subject']): Promise<string[]> {
  if (subject.filesOmitted) return [];
  const recomputed = await rootDigest(subject.files);
  if (recomputed === subject.rootDigest) return [];
  if (!subject.rootDigest) return ['its files all have digests, but the whole-model digest is missing'];
  if (!recomputed) return ['it gives a whole-model digest, but not every listed file has a digest'];
  return ['its whole-model digest does not match the files it lists'];
}
