import type { Report } from './schema.ts';

/** Past this many files the per-file rows stay out of a shared link (sharded checkpoints have thousands). */
export const MAX_FILES_IN_LINK = 64;

/**
 * The report as it travels in a link: everything but bulky rows, so typical links stay under 8 KB
 * (DESIGN.md §3). The root digest still pins every file, and the count of omitted rows is stated.
 */
export function reportForLink(report: Report, maxFiles = MAX_FILES_IN_LINK): Report {
  const { files } = report.subject;
  if (files.length <= maxFiles) return report;
  // Files that could not be verified stay in: they are what a reader most needs to see.
  const kept = files.filter((f) => !f.sha256).slice(0, maxFiles);
  return { ...report, subject: { ...report.subject, files: kept, filesOmitted: files.length - kept.length } };
}
