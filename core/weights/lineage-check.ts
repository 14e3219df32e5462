import { makeFinding } from '../check/make-finding.ts';
import type { Check, Finding } from '../check/types.ts';
import { LINEAGE_CODES } from './lineage-codes.ts';
import { layerOf } from './layer-evidence.ts';
import type { Lineage, LineageVerdict } from './lineage-schema.ts';

/** Turns a Report `lineage` into its check and findings: derived or identical pass, partial needs review. */
const STATUS: Record<LineageVerdict, Check['status']> = {
  identical: 'pass',
  derived: 'pass',
  'partially-derived': 'review',
  unrelated: 'fail',
};

export function lineageCheck(lineage: Lineage): { check: Check; findings: Finding[] } {
  const findings: Finding[] = [];
  if (lineage.verdict === 'unrelated')
    findings.push(makeFinding(LINEAGE_CODES, 'MG-LIN-001', { detail: lineage.summary }));
  if (lineage.verdict === 'partially-derived' && lineage.changedLayers.length > 0) {
    findings.push(
      makeFinding(LINEAGE_CODES, 'MG-LIN-002', {
        detail: `Replaced layers: ${lineage.changedLayers.join(', ')}.`,
        evidence: { layers: lineage.changedLayers },
      }),
    );
  }
  // An added or dropped task head is the expected change of a fine-tune, said in the summary already.
  const heads = new Set(lineage.newHead ?? []);
  const only = [...(lineage.onlyInBase ?? []), ...(lineage.onlyInFinetune ?? [])].filter((t) => !heads.has(layerOf(t)));
  if (only.length > 0) {
    findings.push(
      makeFinding(LINEAGE_CODES, 'MG-LIN-003', {
        detail: `${only.length} tensor(s) are in only one model: ${only.slice(0, 20).join(', ')}.`,
        evidence: { onlyInBase: lineage.onlyInBase, onlyInFinetune: lineage.onlyInFinetune },
      }),
    );
  }
  const skipped = lineage.notCompared ?? [];
  if (skipped.length > 0) {
    const reasons = [...new Set(skipped.map((s) => s.reason))].join('; ');
    findings.push(
      makeFinding(LINEAGE_CODES, 'MG-LIN-004', { detail: `${skipped.length} tensor(s) not compared: ${reasons}.` }),
    );
  }
  return { check: { id: 'lineage', status: STATUS[lineage.verdict], summary: lineage.summary }, findings };
}
