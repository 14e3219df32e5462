import { toSarif } from '@/core/export/sarif';
import type { Report } from '@/core/report/schema';
import { downloadBlob, safeFileStem } from './download-blob';

/** The two report files the page offers, named after the model as the CLI's `--json` and `--sarif` would be. */
export function reportFileNames(modelName: string): { json: string; sarif: string } {
  const stem = safeFileStem(modelName);
  return { json: `${stem}.modelgate.json`, sarif: `${stem}.sarif` };
}

/** Saves the Report as JSON (schema modelgate.report/v1, what `modelgate verify --json` writes). */
export function downloadReportJson(report: Report): void {
  const blob = new Blob([`${JSON.stringify(report, null, 2)}\n`], { type: 'application/json' });
  downloadBlob(blob, reportFileNames(report.subject.name).json);
}

/** Saves the Report as SARIF 2.1.0 through the CLI's own writer, so both give the same file for one report. */
export function downloadSarif(report: Report): void {
  const blob = new Blob([`${JSON.stringify(toSarif(report), null, 2)}\n`], { type: 'application/sarif+json' });
  downloadBlob(blob, reportFileNames(report.subject.name).sarif);
}
