import { fileSource } from '../core/io/byte-source-node.ts';
import { scanFile } from '../core/scan/scan-file.ts';
import { worstVerdict, type ScanVerdict } from '../core/scan/types.ts';
import type { FileScan } from '../core/report/scan-check.ts';
import { buildReport } from '../core/report/build-report.ts';
import type { Report } from '../core/report/schema.ts';
import { collectFiles } from './walk-node.ts';
import { hashFiles } from './hash-command.ts';

/** `modelgate scan <path…>`: fingerprints and scans every file; the Report carries both checks. */
export async function scanCommand(paths: readonly string[]): Promise<{ report: Report; worst: ScanVerdict }> {
  const { name, files } = await collectFiles(paths);
  const outcomes = await hashFiles(files);
  const scans: FileScan[] = [];
  for (const file of files) {
    const source = await fileSource(file.diskPath, file.modelPath);
    scans.push({ path: file.modelPath, outcome: await scanFile(source) });
  }
  const report = await buildReport({ name, outcomes, scans, environment: { runtime: 'node' } });
  return { report, worst: worstVerdict(scans.map((s) => s.outcome.verdict)) };
}
