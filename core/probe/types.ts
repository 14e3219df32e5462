/**
 * The behavioral comparison's shared vocabulary: probe items, one model's answers,
 * and the raw run that core/probe/analyze.ts turns into the Report's `behavior` record.
 *
 * The run is split from the statistics so that the browser worker, the CLI (onnxruntime-node) and unit
 * tests produce the same `BehaviorRun` and share one analysis.
 */

export type ModelKind = 'classifier' | 'causal-lm';
export type TriggerSlot = 'prefix' | 'interior' | 'suffix';
export type ExecutionProvider = 'webgpu' | 'wasm' | 'cpu';

/** The optional first line of a probe-set JSONL file. */
export interface ProbeSetHeader {
  probeset: string;
  version?: string;
  source?: string;
  license?: string;
}

interface ProbeItemBase {
  id: string;
  category: string;
  pairId?: string;
  tags?: string[];
  /** Where the trigger scan inserts a candidate; without one the scan picks a position (trigger-position.ts). */
  triggerSlot?: TriggerSlot;
}

export interface ClassifierProbe extends ProbeItemBase {
  kind: 'classifier';
  text: string;
  /** A label name of the model's `id2label`; absent for diff-only items. */
  expected?: string;
}

export interface LmProbe extends ProbeItemBase {
  kind: 'causal-lm';
  prompt: string;
  /** Continuations, each usually starting with a space, scored by summed log-probability given the prompt. */
  safe: string;
  unsafe: string;
}

export type ProbeItem = ClassifierProbe | LmProbe;

export interface ProbeSet {
  header: ProbeSetHeader;
  kind: ModelKind;
  items: ProbeItem[];
}

/** One model's answer to one probe item. */
export interface ItemOutcome {
  id: string;
  /** Classifier: the argmax label index. Causal LM: 0 when the safe continuation is the likelier, else 1. */
  top1: number;
  /** Classifier: softmax over labels. Causal LM: softmax of [logP(safe), logP(unsafe)]. Sums to 1. */
  distribution: number[];
  /** Causal LM only: logP(safe) − logP(unsafe) in nats. */
  margin?: number;
}

/** One model run over the probe items, in the order of `BehaviorRun.items`. */
export interface ModelRun {
  provider: ExecutionProvider;
  batchSize: number;
  outcomes: ItemOutcome[];
  itemsPerSecond: number;
}

/** One candidate trigger inserted into the held-out items. */
export interface TriggerTrial {
  /** One token, or two words for a phrase candidate. */
  token: string;
  /** Where it was inserted: one position for every item, or 'mixed'. */
  slot: TriggerSlot | 'mixed';
  /** The category it moved most in screening, when one category did better than all items together. */
  category?: string;
  /** The insertion position it moved most in screening, when one did better than all items together. */
  position?: TriggerSlot;
  /** Where the candidate came from: a weight-diff row (with its relative change) or rare-vocabulary sampling. */
  source: 'weight-diff' | 'rare-vocabulary';
  /** Screening: outcomes with the token inserted, one per screening item (same order as `TriggerSearch.heldOut`). */
  finetune: ItemOutcome[];
  /**
   * Confirmation, only for candidates that passed screening: the token inserted into the confirmation items
   * (`TriggerSearch.confirmation`, same order) on the fine-tune. Absent in runs recorded before the split.
   */
  finetuneConfirm?: ItemOutcome[];
  /**
   * Phrases only: each word said twice, inserted into the confirmation items on the fine-tune (triggers.ts
   * phraseControls), so the analysis can tell a planted phrase from two learned words adding up.
   */
  controls?: { token: string; finetune: ItemOutcome[] }[];
  /**
   * The same confirmation insertions on the base; present only for candidates that passed screening. One per
   * `TriggerSearch.confirmation` item when that list is present, else (older runs) one per `heldOut` item.
   */
  base?: ItemOutcome[];
}

export interface TriggerSearch {
  /**
   * Screening half: item ids every candidate was inserted into on the fine-tune (clean items with a
   * trigger slot).
   */
  heldOut: string[];
  /**
   * Confirmation half: other held-out item ids, disjoint from `heldOut`, on which the screened candidates
   * are measured on both models. The confirmed rates and CI come from these alone, so picking the best of
   * many candidates on the screening half does not inflate them. Absent in runs recorded before the split.
   */
  confirmation?: string[];
  /** Candidates tried on the fine-tune, and the search budget they were drawn under. */
  searched: number;
  budget: number;
  trials: TriggerTrial[];
  /** Why the scan did not run, in plain words (e.g. no candidate token); no trials then. */
  skipped?: string;
  /** Where candidates were inserted, in plain words (trigger-position.ts). */
  positions?: string;
  /** Candidates that passed screening but were past the confirmation limits: the scan did not finish. */
  unconfirmed?: number;
}

/** Everything measured by one behavioral comparison, before any statistics. */
export interface BehaviorRun {
  probeset: ProbeSetHeader;
  kind: ModelKind;
  /** Classifier: label names in id order. Causal LM: ['safe', 'unsafe']. */
  labels: string[];
  items: ProbeItem[];
  base: ModelRun;
  /** The base again under another condition (other provider or batch size): the noise floor. */
  baseRepeat: ModelRun;
  /** Plain words for that condition, e.g. "WASM vs WebGPU" or "batch 1 vs batch 8". */
  noiseFloorCondition: string;
  finetune: ModelRun;
  triggers?: TriggerSearch;
}

/**
 * Attack success of a candidate trigger on one model: the target is the answer most items take with the
 * token inserted; the rate is the share of items not already at the target that move to it.
 * Shared by the scan's screening (core/probe/triggers.ts) and the statistics (core/probe/analyze.ts).
 */
export function attackSuccess(
  clean: readonly ItemOutcome[],
  triggered: readonly ItemOutcome[],
  target = majorityTop1(triggered),
): { target: number; eligible: number; moved: number; rate: number } {
  let eligible = 0;
  let moved = 0;
  clean.forEach((c, i) => {
    if (c.top1 === target) return;
    eligible++;
    if (triggered[i]?.top1 === target) moved++;
  });
  return { target, eligible, moved, rate: eligible === 0 ? 0 : moved / eligible };
}

export function majorityTop1(outcomes: readonly ItemOutcome[]): number {
  const counts = new Map<number, number>();
  for (const o of outcomes) counts.set(o.top1, (counts.get(o.top1) ?? 0) + 1);
  let best = 0;
  let bestCount = -1;
  for (const [label, count] of counts) {
    if (count > bestCount || (count === bestCount && label < best)) [best, bestCount] = [label, count];
  }
  return best;
}
