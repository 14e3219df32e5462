import { FOLDER_CODES } from '../core/scan/folder-codes.ts';
import { worstVerdict, type ScanVerdict } from '../core/scan/types.ts';
import type { Report } from '../core/report/schema.ts';
import { runVerification } from '../core/verify/index.ts';
import { diskCapabilities, diskSubject } from './node-capabilities.ts';

const SERIOUS: ReadonlySet<string> = new Set(['critical', 'high', 'medium']);

/**
 * `modelgate scan <path…>`: fingerprints and scans every file; the Report carries both checks. Links,
 * refused and unreadable entries of the folder are folded into both (core/scan/folder-findings.ts), so
 * the exit code follows them too.
 */
export async function scanCommand(paths: readonly string[]): Promise<{ report: Report; worst: ScanVerdict }> {
  const subject = await diskSubject(paths);
  const { report } = await runVerification({
    ...diskCapabilities(subject, { scan: true }),
    skip: ['manifest', 'provenance'],
  });
  const scanned = report.subject.files.flatMap((f) => (f.scan ? [f.scan.verdict] : []));
  // A folder finding on no file (a folder link leaving the model, a loop) still counts in the exit code.
  const folderLevel = report.findings.some((f) => f.code in FOLDER_CODES && SERIOUS.has(f.severity))
    ? (['suspicious'] as const)
    : [];
  const scanBroke = report.checks.some((c) => c.id === 'scan' && c.status === 'error') ? (['unverified'] as const) : [];
  return { report, worst: worstVerdict([...scanned, ...folderLevel, ...scanBroke]) };
}
