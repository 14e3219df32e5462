import { makeFinding } from '../check/make-finding.ts';
import type { Check, Finding } from '../check/types.ts';
import { LINEAGE_CODES } from './lineage-codes.ts';
import { layerOf } from './layer-evidence.ts';
import type { Lineage, LineageVerdict } from './lineage-schema.ts';

/** Turns a Report `lineage` into its check and findings: derived or identical pass, partial needs review. */
const STATUS: Record<LineageVerdict, Check['status']> = {
  identical: 'pass',
  quantized: 'pass',
  derived: 'pass',
  'partially-derived': 'review',
  unrelated: 'fail',
  unverified: 'error',
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
  findings.push(...quantizationFindings(lineage));
  if (lineage.ggufTokenizer?.result === 'different')
    findings.push(makeFinding(LINEAGE_CODES, 'MG-LIN-007', { detail: lineage.ggufTokenizer.detail }));
  const unknown = [lineage.ggufTokenizer, lineage.ggufMetadata].filter((c) => c?.result === 'not-compared');
  if (unknown.length > 0)
    findings.push(makeFinding(LINEAGE_CODES, 'MG-LIN-009', { detail: unknown.map((c) => c!.detail).join('; ') }));
  if (lineage.ggufMetadata?.result === 'different')
    findings.push(
      makeFinding(LINEAGE_CODES, 'MG-LIN-008', {
        detail: lineage.ggufMetadata.detail,
        evidence: { differences: lineage.ggufMetadata.differences },
      }),
    );
  // A pass with weights unread, off their grid or under another tokenizer is not earned: review instead.
  const status = STATUS[lineage.verdict];
  const reviewed = status === 'pass' && findings.some((f) => /^MG-LIN-00[5-9]$/.test(f.code)) ? 'review' : status;
  return { check: { id: 'lineage', status: reviewed, summary: lineage.summary }, findings };
}

function quantizationFindings({ verdict, quantization }: Lineage): Finding[] {
  if (!quantization) return [];
  const out: Finding[] = [];
  if (quantization.unsupported > 0)
    out.push(
      makeFinding(LINEAGE_CODES, 'MG-LIN-005', {
        detail: `${quantization.unsupported} tensor(s) use a GGUF quantization that is not dequantized.`,
      }),
    );
  // Derived (or identical up to BF16 rounding) yet not a quantization of the base: the weights were changed first.
  if (!quantization.ofTheBase && quantization.unsupported === 0 && (verdict === 'derived' || verdict === 'identical'))
    out.push(
      makeFinding(LINEAGE_CODES, 'MG-LIN-006', {
        detail: offGridDetail(quantization),
        evidence: { types: quantization.types },
      }),
    );
  return out;
}

function offGridDetail(quantization: NonNullable<Lineage['quantization']>): string {
  const changed = quantization.types.filter((t) => t.offGrid > 0 || (t.largestError ?? 0) > (t.errorLimit ?? -1));
  if (changed.length === 0)
    return 'The quantized tensors sit on their grid, but tensors stored unquantized changed beyond rounding.';
  return changed
    .map(
      (t) =>
        `${t.type}: ${t.offGrid} of ${t.elements} values off the grid, largest error ${t.largestError?.toPrecision(3)} (limit ${t.errorLimit ?? 'none measured'})`,
    )
    .join('; ');
}
