import { worstVerdict, type ScanVerdict } from '../core/scan/types.ts';
import type { FileScan } from '../core/report/scan-check.ts';
import { buildReport } from '../core/report/build-report.ts';
import type { Report } from '../core/report/schema.ts';
import { hfBlobEvents, withFolderEvents } from '../core/scan/folder-findings.ts';
import { collectFiles } from './walk-node.ts';
import { hashFiles } from './hash-command.ts';
import { scanLocalFile } from './folder-scan-node.ts';

const SERIOUS: ReadonlySet<string> = new Set(['critical', 'high', 'medium']);

/**
 * `modelgate scan <path…>`: fingerprints and scans every file; the Report carries both checks. Links,
 * refused and unreadable entries of the folder are folded into both (core/scan/folder-findings.ts), so
 * the exit code follows them too.
 */
export async function scanCommand(paths: readonly string[]): Promise<{ report: Report; worst: ScanVerdict }> {
  const { name, files, events } = await collectFiles(paths);
  const hashed = await hashFiles(files);
  const scanned: FileScan[] = [];
  for (const file of files) scanned.push(await scanLocalFile(file));
  const folder = withFolderEvents(hashed, scanned, [...events, ...hfBlobEvents(files, hashed)]);
  const scans = folder.scans ?? scanned;
  const report = await buildReport({
    name,
    outcomes: folder.outcomes,
    scans,
    environment: { runtime: 'node' },
    extraFindings: folder.findings,
  });
  // A folder finding on no file (a folder link leaving the model, a loop) still counts in the exit code.
  const folderLevel = folder.findings.some((f) => SERIOUS.has(f.severity)) ? (['suspicious'] as const) : [];
  return { report, worst: worstVerdict([...scans.map((s) => s.outcome.verdict), ...folderLevel]) };
}
