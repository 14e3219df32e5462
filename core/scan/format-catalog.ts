import type { CatalogEntry } from '../check/types.ts';
import type { ScanFinding, ScanVerdict } from './types.ts';

/**
 * One finding code of a model-format checker (MG-SCAN-300 … 899, ranges in core/scan/README.md). `verdict` is
 * what the finding alone makes of the file; `reference` is the source of the rule (a CVE, an advisory, the
 * loader's documentation or code).
 */
export interface FormatCodeInfo extends CatalogEntry {
  code: string;
  verdict: ScanVerdict;
  reference?: string;
}

export type FormatCatalog = Readonly<Record<string, FormatCodeInfo>>;

/** Builds a finding from a format catalog entry. */
export function catalogFinding<C extends FormatCatalog>(
  catalog: C,
  key: keyof C & string,
  detail: string,
  extra: Pick<ScanFinding, 'member' | 'offset' | 'evidence'> = {},
): ScanFinding {
  const info = catalog[key]!;
  const finding: ScanFinding = { code: info.code, severity: info.severity, title: info.title, detail, ...extra };
  if (info.reference) finding.reference = info.reference;
  return finding;
}
