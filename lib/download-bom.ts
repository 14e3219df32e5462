import type { Card, Provenance } from '@/core/provenance';
import { toCycloneDx } from '@/core/export/cyclonedx';
import type { Report } from '@/core/report/schema';
import { downloadBlob, safeFileStem } from './download-blob';

/** A file name made of the model's name only: no path separators or odd characters. */
export function bomFileName(name: string): string {
  return `${safeFileStem(name)}.cdx.json`;
}

/** Saves the CycloneDX 1.6 ML-BOM of a verified model as a file: built here, never sent anywhere. */
export function downloadBom(report: Report, provenance: Provenance, card?: Card) {
  const bom = toCycloneDx(report, provenance, card ? { card } : {});
  const blob = new Blob([`${JSON.stringify(bom, null, 2)}\n`], { type: 'application/vnd.cyclonedx+json' });
  downloadBlob(blob, bomFileName(report.subject.name));
}
