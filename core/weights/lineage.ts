import type { ModelDiff } from './diff.ts';
import { isHeadLayer } from './head-layer.ts';
import { layerEvidence, layerOf } from './layer-evidence.ts';
import type { Lineage, LineageVerdict } from './lineage-schema.ts';
import { describeTypes, quantizationOutcome, type QuantizationOutcome } from './quantization-outcome.ts';
import { CONVERTER_COMPUTED_REASON } from './tensors.ts';

/**
 * Lineage verdict from a ModelDiff: identical, quantized (a GGUF quantization of the base), derived (possibly
 * with a new task head or added tokens), partially derived (a block that is not the head was replaced, or the
 * structure differs), unrelated, or unverified (no tensor could be compared).
 * Which layer counts as replaced: layer-evidence.ts. Thresholds and where they come from: README.md here.
 */

/**
 * Above BF16 rounding (relative error at most 2⁻⁸ ≈ 3.9e-3 per element, ≈ 1.8e-3 rms over a tensor), below
 * what a fine-tune's hundreds of optimizer steps move a tensor.
 */
export const IDENTICAL_MAX_REL = 5e-3;
/**
 * Unrelated when replaced layers hold at least this share of the compared parameters: a fine-tune that
 * re-initialises its head keeps the body (a model's head is at most a third of it: an untied LM head),
 * a model trained from another seed replaces everything.
 */
export const UNRELATED_MIN_SHARE = 0.9;
/** Candidate rows kept per token matrix in the report. */
const CANDIDATES_PER_TENSOR = 10;

/**
 * Rows per token-indexed matrix handed to the trigger scan (its default budget is 256 over two such
 * matrices); the report's `lineage.candidates` keeps only the first CANDIDATES_PER_TENSOR of them.
 */
export const TRIGGER_ROWS_PER_TENSOR = 128;

/** Every tracked row, best first within each tensor, for the behavioral trigger scan (not the report). */
export function rowCandidates(diff: ModelDiff): { tensor: string; row: number; relChange: number | null }[] {
  return diff.tensors.flatMap((t) =>
    (t.topRows ?? []).map((r) => ({ tensor: t.name, row: r.row, relChange: finite(r.relChange) })),
  );
}

export interface LineageOutcome {
  verdict: LineageVerdict;
  /** Replaced or reshaped layers that make the verdict partial or unrelated (heads only when unrelated). */
  changedLayers: string[];
  /** Share of compared parameters in replaced layers. */
  replacedShare: number;
  /** Head layers re-initialised, resized, added or dropped: expected of a fine-tune for another task. */
  newHead: string[];
  /** Rows appended to the token matrices (the most over matrices: input and output share the vocabulary). */
  addedTokens: number;
  /** When quantized tensors were compared or skipped: per type, and whether it is a quantization of the base. */
  quantization?: QuantizationOutcome;
}

export function lineageVerdict(diff: ModelDiff): LineageOutcome {
  const layers = layerEvidence(diff.tensors);
  const total = layers.reduce((n, l) => n + l.count, 0);
  const replaced = layers.filter((l) => l.replaced).map((l) => l.layer);
  const replacedCount = layers.filter((l) => l.replaced).reduce((n, l) => n + l.count, 0);
  const replacedShare = total > 0 ? replacedCount / total : 1;
  const reshaped = [...diff.shapeMismatches.map((m) => m.name), ...diff.onlyInBase, ...diff.onlyInFinetune].map(
    layerOf,
  );
  const changed = [...new Set([...replaced, ...reshaped])].sort();
  const newHead = changed.filter(isHeadLayer);
  const body = changed.filter((l) => !isHeadLayer(l));
  const addedTokens = Math.max(0, ...(diff.appendedRows ?? []).map((r) => r.finetuneRows - r.baseRows));
  const quantization = quantizationOutcome(diff, IDENTICAL_MAX_REL);
  const outcome = (verdict: LineageVerdict, changedLayers: string[], heads = newHead): LineageOutcome => ({
    verdict,
    changedLayers,
    replacedShare,
    newHead: heads,
    addedTokens,
    ...(quantization ? { quantization } : {}),
  });
  // Nothing compared because nothing could be read is not evidence of another model.
  if (total === 0 && diff.notCompared.some((n) => n.reason !== CONVERTER_COMPUTED_REASON))
    return outcome('unverified', []);
  if (total === 0 || replacedShare >= UNRELATED_MIN_SHARE) return outcome('unrelated', changed, []);
  if (quantization?.ofTheBase) return outcome(quantization.types.length > 0 ? 'quantized' : 'identical', []);
  // Tensors in a quantization that is not read could hold any change: no positive verdict over them.
  if (quantization && quantization.unsupported > 0) return outcome('unverified', []);
  if (body.length > 0) return outcome('partially-derived', body);
  if (newHead.length > 0 || addedTokens > 0) return outcome('derived', []);
  if (diff.tensors.every((t) => t.relChange <= IDENTICAL_MAX_REL)) return outcome('identical', []);
  return outcome('derived', []);
}

const finite = (x: number): number | null => (Number.isFinite(x) ? x : null);

/** The Report's `lineage` record. */
export function buildLineage(diff: ModelDiff): Lineage {
  const outcome = lineageVerdict(diff);
  const { verdict, changedLayers, newHead, addedTokens, quantization } = outcome;
  return {
    verdict,
    summary: summarize(outcome, diff),
    ...(quantization ? { quantization } : {}),
    tensors: diff.tensors.map((t) => ({
      name: t.name,
      relChange: finite(t.relChange),
      cosine: finite(t.cosine),
      maxAbsChange: finite(t.maxAbsChange),
      changedShare: t.changedShare,
    })),
    changedLayers,
    ...(newHead.length > 0 ? { newHead } : {}),
    ...(addedTokens > 0 ? { addedTokens } : {}),
    onlyInBase: diff.onlyInBase,
    onlyInFinetune: diff.onlyInFinetune,
    notCompared: diff.notCompared,
    candidates: diff.tensors.flatMap((t) =>
      (t.topRows ?? [])
        .slice(0, CANDIDATES_PER_TENSOR)
        .map((r) => ({ tensor: t.name, row: r.row, relChange: finite(r.relChange) })),
    ),
  };
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s.length ? s[Math.floor(s.length / 2)]! : 0;
}

/** "new head: classifier, 3 added tokens": what a fine-tune for another task changed, by design. */
function expectedChanges({ newHead, addedTokens }: LineageOutcome): string {
  const parts = [
    ...(newHead.length > 0 ? [`new head: ${newHead.join(', ')}`] : []),
    ...(addedTokens > 0 ? [`${addedTokens} added token${addedTokens === 1 ? '' : 's'}`] : []),
  ];
  return parts.join(', ');
}

function summarize(outcome: LineageOutcome, diff: ModelDiff): string {
  const { verdict, changedLayers: layers, replacedShare: share } = outcome;
  const n = diff.tensors.length;
  const rel = median(diff.tensors.map((t) => t.relChange)).toPrecision(2);
  const cos = median(diff.tensors.map((t) => t.cosine)).toFixed(3);
  const extra = diff.shapeMismatches.length + diff.onlyInBase.length + diff.onlyInFinetune.length;
  const structure = extra > 0 ? ` ${extra} tensor(s) differ in name or shape.` : '';
  const expected = expectedChanges(outcome);
  return mainSummary() + quantizationNote(outcome);
  function mainSummary(): string {
    switch (verdict) {
      case 'unverified':
        return `No tensor could be compared: ${[...new Set(diff.notCompared.map((n) => n.reason))].join('; ')}.`;
      case 'quantized':
        return `Quantization of the base: ${describeTypes(outcome.quantization!.types)}. Every quantized value is the base's value rounded to its block's grid; the other tensors are the same up to rounding.`;
      case 'identical':
        return `All ${n} tensors are the same up to rounding (median relative change ${rel}).`;
      case 'derived':
        return expected
          ? `Derived (${expected}): the other tensors stay close to the base (median relative change ${rel}, median cosine ${cos}).`
          : `All ${n} tensors stay close to the base (median relative change ${rel}, median cosine ${cos}).`;
      case 'partially-derived':
        return `Derived from the base except ${layers.length ? layers.join(', ') : 'its structure'}: replaced or re-initialized (${(share * 100).toFixed(0)}% of compared parameters).${structure}${expected ? ` Also ${expected}.` : ''}`;
      case 'unrelated':
        return n === 0
          ? 'No tensor of the base has the same name and shape in this model: it is not derived from it.'
          : `Not derived from the base: ${(share * 100).toFixed(0)}% of compared parameters point elsewhere (median cosine ${cos}).${structure}`;
    }
  }
}

/** What a quantized file's types say when the verdict is not "quantized": the reader learns why not. */
function quantizationNote({ verdict, quantization }: LineageOutcome): string {
  if (!quantization || verdict === 'quantized' || verdict === 'unverified') return '';
  const unsupported =
    quantization.unsupported > 0 ? ` ${quantization.unsupported} tensor(s) use a quantization that is not read.` : '';
  const types =
    quantization.types.length > 0 ? ` Not a plain quantization of the base: ${describeTypes(quantization.types)}.` : '';
  return types + unsupported;
}
