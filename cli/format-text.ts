import type { Report } from '../core/report/schema.ts';
import { verdictHeadline } from '../core/report/verdict.ts';

/** The human-readable form of a Report for terminals. */
export function formatReportText(report: Report): string {
  const lines = [`${report.subject.name}: ${report.verdict.toUpperCase()} — ${verdictHeadline(report)}`, ''];
  if (report.policy) {
    const overridden = Object.entries(report.policy.overridden).map(([code, severity]) => `${code}→${severity}`);
    lines.splice(
      1,
      0,
      `  under a policy: ignored [${report.policy.ignored.join(', ')}], severity [${overridden.join(', ')}]`,
    );
  }
  for (const check of report.checks) lines.push(`  ${check.status.padEnd(7)} ${check.id}: ${check.summary}`);
  if (report.findings.length > 0) lines.push('');
  for (const f of report.findings) {
    lines.push(`  [${f.severity}] ${f.code} ${f.title}${f.file ? ` (${f.file})` : ''}`);
  }
  lines.push('');
  for (const file of report.subject.files) lines.push(`  ${file.sha256 ?? '(not hashed)'.padEnd(64)}  ${file.path}`);
  return `${lines.join('\n')}\n`;
}
