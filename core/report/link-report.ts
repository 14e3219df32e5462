import type { Report } from './schema.ts';
import { reportEnvironment } from './user-agent.ts';

/** Past this many files the per-file rows stay out of a shared link (sharded checkpoints have thousands). */
export const MAX_FILES_IN_LINK = 64;

/** Finding details in a link are cut to this many characters; the full text stays in the JSON report. */
const MAX_DETAIL_IN_LINK = 400;

/**
 * The report as it travels in a link: everything but bulky rows and evidence, so typical links stay
 * under 8 KB. The root digest still pins every file, and the count of omitted rows is stated.
 */
export function reportForLink(report: Report, maxFiles = MAX_FILES_IN_LINK): Report {
  const findings = report.findings.map(({ evidence: _evidence, ...f }) => ({
    ...f,
    detail: f.detail.length > MAX_DETAIL_IN_LINK ? `${f.detail.slice(0, MAX_DETAIL_IN_LINK - 1)}…` : f.detail,
  }));
  // Reports saved before the user agent was cut down still carry it whole: a link never does.
  const slim: Report = {
    ...report,
    environment: reportEnvironment(report.environment),
    findings,
    subject: slimFiles(report.subject, maxFiles),
  };
  if (report.lineage) slim.lineage = slimLineage(report.lineage);
  return slim;
}

/** Per-tensor lineage rows kept in a link: the ones that changed most (a 7B model has ~300 tensors). */
export const MAX_TENSORS_IN_LINK = 48;

function slimLineage(lineage: NonNullable<Report['lineage']>): NonNullable<Report['lineage']> {
  if (lineage.tensors.length <= MAX_TENSORS_IN_LINK) return lineage;
  const tensors = [...lineage.tensors]
    .sort((a, b) => (b.relChange ?? Infinity) - (a.relChange ?? Infinity))
    .slice(0, MAX_TENSORS_IN_LINK);
  const { onlyInBase: _b, onlyInFinetune: _f, notCompared: _n, ...rest } = lineage;
  return {
    ...rest,
    tensors,
    summary: `${lineage.summary} (the ${MAX_TENSORS_IN_LINK} most changed tensors are listed)`,
  };
}

function slimFiles(subject: Report['subject'], maxFiles: number): Report['subject'] {
  const { files } = subject;
  if (files.length <= maxFiles) return subject;
  // Files that could not be verified or were flagged stay in: they are what a reader most needs to see.
  const kept = files.filter((f) => !f.sha256 || (f.scan && f.scan.verdict !== 'benign')).slice(0, maxFiles);
  return { ...subject, files: kept, filesOmitted: files.length - kept.length };
}
