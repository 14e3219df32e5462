import { CHECK_IDS } from '../check/types.ts';
import { rootDigest } from '../report/root-digest.ts';
import type { Report } from '../report/schema.ts';
import { decideVerdict } from '../report/verdict.ts';
import { allFindingCodes } from '../export/all-finding-codes.ts';

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
  problems.push(...(await digestProblems(report.subject)), ...fileProblems(report));
  problems.push(...codeProblems(report));
  // The policy record is what lets a Pass stand beside a flagged file; one that changed nothing explains nothing.
  if (report.policy && report.policy.ignored.length === 0 && Object.keys(report.policy.overridden).length === 0) {
    problems.push('it records a policy that changed nothing');
  }
  if (report.verdict !== 'fail' && report.subject.files.some((f) => f.scan?.verdict === 'malicious')) {
    problems.push(`it says ${report.verdict}, but lists a file the scan found malicious`);
  }
  return problems;
}

/** What the file list must show for the verdict it carries: a Pass lists files, each fingerprinted and clean. */
function fileProblems(report: Report): string[] {
  const { files, filesOmitted } = report.subject;
  const problems: string[] = [];
  const paths = new Set(files.map((f) => f.path));
  if (paths.size !== files.length) problems.push('it lists the same file path more than once');
  if (files.some((f) => f.size === 0 && f.scan?.verdict === 'benign')) {
    problems.push('it calls an empty file clean (an empty file is never clean)');
  }
  if (report.verdict !== 'pass') return problems;
  if (files.length + (filesOmitted ?? 0) === 0) problems.push('it says pass for a model with no files');
  // A recorded policy may have removed the findings of a flagged file (shown beside the verdict); without one,
  // a Pass lists only files scanned clean.
  const unclean = files.filter((f) => f.scan?.verdict !== 'benign' && !(report.policy && f.scan));
  if (unclean.length > 0) problems.push(`it says pass, but lists ${unclean.length} file(s) not scanned clean`);
  if (files.some((f) => !f.sha256)) problems.push('it says pass, but lists a file that was not fingerprinted');
  return problems;
}

/**
 * Every code a finding may carry is in a catalog ("MG-RPT-999 Approved" is refused), with the severity the
 * catalog gives it: every check rates a code as its catalog does, so another severity ("code runs on load" as
 * info) is an edit, unless the report's policy record set exactly that severity.
 */
function codeProblems(report: Report): string[] {
  const catalog = new Map(allFindingCodes().map((c) => [c.code, c.severity]));
  const overridden = report.policy?.overridden ?? {};
  const unknown = new Set<string>();
  const rerated = new Set<string>();
  for (const f of report.findings) {
    const severity = catalog.get(f.code);
    if (severity === undefined) unknown.add(f.code);
    else if (f.severity !== severity && overridden[f.code] !== f.severity) rerated.add(`${f.code} as ${f.severity}`);
  }
  const problems: string[] = [];
  if (unknown.size > 0)
    problems.push(`it carries finding codes no ModelGate catalog defines: ${[...unknown].join(', ')}`);
  if (rerated.size > 0)
    problems.push(
      `it rates findings otherwise than their catalog, with no policy saying so: ${[...rerated].join(', ')}`,
    );
  return problems;
}

/** The whole-model digest is recomputed whenever every file is listed; with rows omitted it cannot be. */
async function digestProblems(subject: Report['subject']): Promise<string[]> {
  // Rows may be left out of a link only because the digest still covers them.
  if (subject.filesOmitted) return subject.rootDigest ? [] : ['it leaves files out without a whole-model digest'];
  const recomputed = await rootDigest(subject.files);
  if (recomputed === subject.rootDigest) return [];
  if (!subject.rootDigest) return ['its files all have digests, but the whole-model digest is missing'];
  if (!recomputed) return ['it gives a whole-model digest, but not every listed file has a digest'];
  return ['its whole-model digest does not match the files it lists'];
}
