import type { Check, Finding } from '../report/schema.ts';
import { LINEAGE_CODES, type LineageCode } from './lineage-codes.ts';
import type { Lineage, LineageVerdict } from './lineage-schema.ts';

/** Turns a Report `lineage` into its check and findings: derived or identical pass, partial needs review. */
const STATUS: Record<LineageVerdict, Check['status']> = {
  identical: 'pass',
  derived: 'pass',
  'partially-derived': 'review',
  unrelated: 'fail',
};

function finding(code: LineageCode, detail: string, evidence?: Record<string, unknown>): Finding {
  const { severity, title } = LINEAGE_CODES[code];
  return { code, severity, title, detail, ...(evidence ? { evidence } : {}) };
}

export function lineageCheck(lineage: Lineage): { check: Check; findings: Finding[] } {
  const findings: Finding[] = [];
  if (lineage.verdict === 'unrelated') findings.push(finding('MG-LIN-001', lineage.summary));
  if (lineage.verdict === 'partially-derived' && lineage.changedLayers.length > 0) {
    findings.push(
      finding('MG-LIN-002', `Replaced layers: ${lineage.changedLayers.join(', ')}.`, { layers: lineage.changedLayers }),
    );
  }
  const only = [...(lineage.onlyInBase ?? []), ...(lineage.onlyInFinetune ?? [])];
  if (only.length > 0) {
    findings.push(
      finding('MG-LIN-003', `${only.length} tensor(s) are in only one model: ${only.slice(0, 20).join(', ')}.`, {
        onlyInBase: lineage.onlyInBase,
        onlyInFinetune: lineage.onlyInFinetune,
      }),
    );
  }
  const skipped = lineage.notCompared ?? [];
  if (skipped.length > 0) {
    const reasons = [...new Set(skipped.map((s) => s.reason))].join('; ');
    findings.push(finding('MG-LIN-004', `${skipped.length} tensor(s) not compared: ${reasons}.`));
  }
  return { check: { id: 'lineage', status: STATUS[lineage.verdict], summary: lineage.summary }, findings };
}
