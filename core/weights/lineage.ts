import type { ModelDiff, TensorDiff } from './diff.ts';
import type { Lineage, LineageVerdict } from './lineage-schema.ts';

/**
 * Lineage verdict from a ModelDiff. Thresholds come from the fixtures of
 * scripts/gen_demo_models.py (test/fixtures/lineage, measured by lineage.test.ts; see README.md here):
 *
 *   pair (vs base)         relChange per tensor    cosine per tensor
 *   base (itself)          0                       1
 *   base-gguf (F16 copy)   1.8e-4 … 2.4e-4         1.00000
 *   finetune (40 steps)    0.033 … 0.41            0.973 … 0.9995
 *   partial (re-init)      0 (kept), 1.03 … 1.40   1 (kept), 0.043 … 0.195 (replaced layer)
 *   other-seed             1.40 … 2.99             −0.97 … 0.11
 */

/** Above BF16 rounding (≈1.8e-3 expected, 8× the measured F16 2.4e-4), 6× below the smallest fine-tune change. */
export const IDENTICAL_MAX_REL = 5e-3;
/** A tensor with cosine below this was replaced, not tuned: fine-tune ≥ 0.973, replaced/unrelated ≤ 0.195. */
export const KEPT_MIN_COSINE = 0.5;
/** Unrelated when replaced tensors hold at least this share of the compared parameters (other-seed: 100%). */
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

/** `model.layers.3.mlp.weight` → `model.layers.3.mlp`: weight and bias of one module are one layer. */
export function layerOf(tensor: string): string {
  const dot = tensor.lastIndexOf('.');
  return dot > 0 ? tensor.slice(0, dot) : tensor;
}

function replaced(t: TensorDiff): boolean {
  return !(t.cosine >= KEPT_MIN_COSINE);
}

export function lineageVerdict(diff: ModelDiff): {
  verdict: LineageVerdict;
  changedLayers: string[];
  replacedShare: number;
} {
  const total = diff.tensors.reduce((n, t) => n + t.count, 0);
  const gone = diff.tensors.filter(replaced);
  const replacedShare = total > 0 ? gone.reduce((n, t) => n + t.count, 0) / total : 1;
  const changedLayers = [...new Set([...gone, ...diff.shapeMismatches].map((t) => layerOf(t.name)))].sort();
  const structural = diff.onlyInBase.length + diff.onlyInFinetune.length + diff.shapeMismatches.length > 0;
  let verdict: LineageVerdict;
  if (total === 0 || replacedShare >= UNRELATED_MIN_SHARE) verdict = 'unrelated';
  else if (changedLayers.length > 0 || structural) verdict = 'partially-derived';
  else if (diff.tensors.every((t) => t.relChange <= IDENTICAL_MAX_REL)) verdict = 'identical';
  else verdict = 'derived';
  return { verdict, changedLayers, replacedShare };
}

const finite = (x: number): number | null => (Number.isFinite(x) ? x : null);

/** The Report's `lineage` record. */
export function buildLineage(diff: ModelDiff): Lineage {
  const { verdict, changedLayers, replacedShare } = lineageVerdict(diff);
  return {
    verdict,
    summary: summarize(verdict, diff, changedLayers, replacedShare),
    tensors: diff.tensors.map((t) => ({
      name: t.name,
      relChange: finite(t.relChange),
      cosine: finite(t.cosine),
      maxAbsChange: finite(t.maxAbsChange),
      changedShare: t.changedShare,
    })),
    changedLayers,
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

function summarize(verdict: LineageVerdict, diff: ModelDiff, layers: string[], share: number): string {
  const n = diff.tensors.length;
  const rel = median(diff.tensors.map((t) => t.relChange)).toPrecision(2);
  const cos = median(diff.tensors.map((t) => t.cosine)).toFixed(3);
  const extra = diff.shapeMismatches.length + diff.onlyInBase.length + diff.onlyInFinetune.length;
  const structure = extra > 0 ? ` ${extra} tensor(s) differ in name or shape.` : '';
  switch (verdict) {
    case 'identical':
      return `All ${n} tensors are the same up to rounding (median relative change ${rel}).`;
    case 'derived':
      return `All ${n} tensors stay close to the base (median relative change ${rel}, median cosine ${cos}).`;
    case 'partially-derived':
      return `Derived from the base except ${layers.length ? layers.join(', ') : 'its structure'}: replaced or re-initialized (${(share * 100).toFixed(0)}% of compared parameters).${structure}`;
    case 'unrelated':
      return n === 0
        ? 'No tensor of the base has the same name and shape in this model: it is not derived from it.'
        : `Not derived from the base: ${(share * 100).toFixed(0)}% of compared parameters point elsewhere (median cosine ${cos}).${structure}`;
  }
}
