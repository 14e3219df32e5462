import { toCycloneDx, type Card, type Provenance } from '@/core/provenance';
import type { Report } from '@/core/report/schema';

/** A file name made of the model's name only: no path separators or odd characters. */
export function bomFileName(name: string): string {
  const safe = name.replace(/[^\w.-]+/g, '_').replace(/^[.]+/, '');
  return `${safe || 'model'}.cdx.json`;
}

/** Saves the CycloneDX 1.6 ML-BOM of a verified model as a file: built here, never sent anywhere. */
export function downloadBom(report: Report, provenance: Provenance, card?: Card) {
  const bom = toCycloneDx(report, provenance, card ? { card } : {});
  const blob = new Blob([`${JSON.stringify(bom, null, 2)}\n`], { type: 'application/vnd.cyclonedx+json' });
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = bomFileName(report.subject.name);
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
