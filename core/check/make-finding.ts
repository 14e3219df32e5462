import type { CatalogEntry, Finding } from './types.ts';

/** What a finding says about this case; the code's catalog entry supplies severity, title and remedy. */
export interface FindingFacts {
  detail: string;
  file?: string;
  evidence?: Record<string, unknown>;
  /** Overrides the catalog's remedy when this case needs a more specific one. */
  remedy?: string;
  reference?: string;
}

/** The Report's limit on a finding's detail (core/report/schema.ts); longer text is cut, never rejected. */
const MAX_DETAIL = 10_000;

/** The one way a check turns a catalog code and the facts of a case into a Finding. */
export function makeFinding<Catalog extends Record<string, CatalogEntry>>(
  catalog: Catalog,
  code: keyof Catalog & string,
  facts: FindingFacts,
): Finding {
  const { severity, title } = catalog[code]!;
  const remedy = facts.remedy ?? catalog[code]!.remedy;
  return {
    code,
    severity,
    title,
    detail: facts.detail.slice(0, MAX_DETAIL),
    ...(facts.file !== undefined ? { file: facts.file } : {}),
    ...(facts.evidence ? { evidence: facts.evidence } : {}),
    ...(remedy ? { remedy } : {}),
    ...(facts.reference ? { reference: facts.reference } : {}),
  };
}
