import { makeFinding } from '../check/make-finding.ts';
import type { Finding } from '../check/types.ts';
import { cutToLimits, sizeIssues, type OversizedField } from './card.ts';
import { PROVENANCE_CODES, PROVENANCE_REMEDIES } from './codes.ts';
import { ProvenanceSchema, type Provenance } from './schema.ts';

/**
 * The Report's limits on what a card may claim (ProvenanceSchema: a license id of 200 characters, 100 base
 * models …) applied to the values read from an untrusted card: a value over a limit is cut to it and
 * reported as MG-PROV-019 naming the file and the field, instead of failing the whole report with a schema
 * error.
 */

/** MG-PROV-019 for one field cut to its limit. */
export function oversizedFieldFinding(f: OversizedField): Finding {
  const what =
    f.unit === 'characters'
      ? `is ${f.length} characters long, more than the ${f.limit} ModelGate reads; it was cut to ${f.limit} characters`
      : `lists ${f.length} entries, more than the ${f.limit} ModelGate reads; only the first ${f.limit} were read`;
  return makeFinding(PROVENANCE_CODES, 'MG-PROV-019', {
    detail: `${f.file}${f.line !== undefined ? `:${f.line}` : ''}: \`${f.field}\` ${what}.`,
    file: f.file,
    evidence: { field: f.field, unit: f.unit, length: f.length, limit: f.limit, ...(f.line ? { line: f.line } : {}) },
    remedy: PROVENANCE_REMEDIES['MG-PROV-019'],
  });
}

/** Where a field of the provenance record was read from: the card's key or config.json's. */
const SOURCES: readonly [RegExp, 'card' | 'config', string][] = [
  [/^license\.id$/, 'card', 'license'],
  [/^license\.name$/, 'card', 'license_name'],
  [/^license\.link$/, 'card', 'license_link'],
  [/^baseModels(\[\d+\])?$/, 'card', 'base_model'],
  [/^relation$/, 'card', 'base_model_relation'],
  [/^datasets(\[\d+\])?(\.\w+)?$/, 'card', 'datasets'],
  [/^model\.task$/, 'card', 'pipeline_tag'],
  [/^model\.modelType$/, 'config', 'model_type'],
  [/^model\.architecture$/, 'config', 'architectures'],
];

/**
 * Cuts every field of `provenance` that is over a ProvenanceSchema limit, in place, and returns an MG-PROV-019
 * finding for each one read from the card (`files.card`) or config.json (`files.config`). Lists the check
 * writes itself (`completeness.missing` …) are cut without a finding. Call it when the record is complete.
 */
export function fitProvenance(provenance: Provenance, files: { card?: string; config?: string }): Finding[] {
  const findings: Finding[] = [];
  let value: unknown = provenance;
  for (let pass = 0; pass < 4; pass++) {
    const r = ProvenanceSchema.safeParse(value);
    if (r.success) break;
    const sizes = sizeIssues(r.error.issues);
    if (!sizes || sizes.length === 0) break; // not a size problem: the final parse reports it
    const { value: next, cut } = cutToLimits(value, sizes);
    value = next;
    for (const c of cut) {
      const source = SOURCES.find(([re]) => re.test(c.field));
      const file = source?.[1] === 'config' ? files.config : source ? files.card : undefined;
      if (!source || !file) continue;
      // A dataset's place in the record is not its place in the card: `datasets[].id` names the entry's key.
      const key = /^datasets\[\d+\]\.(\w+)$/.exec(c.field)?.[1];
      const field = key ? `datasets[].${key}` : source[2];
      findings.push(oversizedFieldFinding({ file, field, unit: c.unit, length: c.length, limit: c.limit }));
    }
  }
  // The check keeps working with the same object: put the cut values back into it.
  Object.assign(provenance, value);
  return findings;
}
