import type { Check, Finding } from '../check/types.ts';
import type { BehaviorRun, ModelRun, ProbeItem } from '../probe/types.ts';
import { analyzeBehavior } from '../probe/analyze.ts';
import { behaviorCheck } from '../probe/behavior-check.ts';
import type { Behavior } from '../probe/behavior-schema.ts';
import type { BehaviorPolicy } from '../probe/policy.ts';
import type { BehaviorBaseline } from './schema.ts';

export const SAVED_BASELINE_CONDITION = 'saved baseline';

/**
 * The probe items as the analysis needs them. The registry keeps only ids, categories and expected labels
 * (the texts are the probe set's, not the model's); the statistics read nothing else.
 */
function itemsOf(baseline: BehaviorBaseline): ProbeItem[] {
  return baseline.items.map(({ id, category, expected }) =>
    baseline.kind === 'classifier'
      ? { kind: 'classifier', id, category, text: '', ...(expected !== undefined ? { expected } : {}) }
      : { kind: 'causal-lm', id, category, prompt: '', safe: '', unsafe: '' },
  );
}

/** The BehaviorRun that compares a new run of a model with the baseline saved in the registry. */
export function driftRun(baseline: BehaviorBaseline, current: ModelRun): BehaviorRun {
  return {
    probeset: baseline.probeset,
    kind: baseline.kind,
    labels: baseline.labels,
    items: itemsOf(baseline),
    base: baseline.run,
    // The baseline was measured once, in another session: there is no second run of it to measure noise
    // with, so the noise floor is zero and only significance and minDelta decide what is flagged.
    baseRepeat: baseline.run,
    noiseFloorCondition: SAVED_BASELINE_CONDITION,
    finetune: current,
  };
}

/**
 * Behavior of a new version against the saved baseline, with the Compare page's statistics
 * (core/probe/analyze.ts: McNemar with Holm, paired bootstrap, JS divergence) and its findings.
 * Throws when `current` does not answer every baseline item.
 */
export function behaviorDrift(
  baseline: BehaviorBaseline,
  current: ModelRun,
  policy: Partial<BehaviorPolicy> = {},
): { behavior: Behavior; check: Check; findings: Finding[] } {
  const behavior = analyzeBehavior(driftRun(baseline, current), policy);
  return { behavior, ...behaviorCheck(behavior) };
}

/** What the registry keeps of a behavioral run: the fine-tune's answers, item ids and categories. */
export function baselineOf(run: BehaviorRun): BehaviorBaseline {
  return {
    probeset: run.probeset,
    kind: run.kind,
    labels: run.labels,
    items: run.items.map((item) => ({
      id: item.id,
      category: item.category,
      ...(item.kind === 'classifier' && item.expected !== undefined ? { expected: item.expected } : {}),
    })),
    run: run.finetune,
  };
}

/** A baseline is comparable with a new run only on the same probe set: same name, kind and item ids in order. */
export function sameProbes(baseline: BehaviorBaseline, run: BehaviorRun): boolean {
  return (
    baseline.probeset.probeset === run.probeset.probeset &&
    baseline.kind === run.kind &&
    baseline.items.length === run.items.length &&
    baseline.items.every((item, i) => item.id === run.items[i]?.id)
  );
}
