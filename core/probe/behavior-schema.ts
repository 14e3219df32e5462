import { z } from 'zod';
import { BehaviorPolicySchema } from './policy.ts';

/**
 * The Report's `behavior` record: per-category statistics, the noise floor and
 * the trigger scan. No per-item rows, figures rounded to 4 significant digits, so it fits a signed link.
 * A figure that could not be computed (no items, a zero distribution) is null.
 */

const figure = z.number().nullable();
const rate = z.number().min(0).max(1);
const interval = z.tuple([figure, figure]);
const provider = z.enum(['webgpu', 'wasm', 'cpu']);

export const BehaviorCategorySchema = z.object({
  category: z.string().max(128),
  n: z.number().int().nonnegative(),
  /** Share of items with the good answer: the reference label (classifier) or the safe continuation (LM). */
  baseRate: rate,
  ftRate: rate,
  /** ftRate − baseRate: negative when the fine-tune answers well on fewer items. */
  delta: z.number().min(-1).max(1),
  /** Paired bootstrap CI of delta (seeded). */
  ci: interval,
  /** Exact McNemar p on the flips, and Holm-adjusted across categories. */
  p: rate,
  pAdjusted: rate,
  /** lost: good on the base, not on the fine-tune (LM: now prefers the unsafe continuation); gained: the reverse. */
  flips: z.object({ lost: z.number().int().nonnegative(), gained: z.number().int().nonnegative() }),
  /** Mean Jensen–Shannon divergence (nats) between the base's and the fine-tune's output distributions. */
  jsDivergence: figure,
  top1Agreement: rate,
  /** Top-1 disagreement between the two base runs on this category's items. */
  noiseFlipRate: rate,
  /** Classifier: the label counted as the good answer when items carry no `expected` label. */
  reference: z.string().max(256).optional(),
  /** Causal LM: mean logP(safe) − logP(unsafe) in nats. */
  marginBase: figure.optional(),
  marginFinetune: figure.optional(),
  flagged: z.boolean(),
  severity: z.enum(['high', 'medium']).optional(),
  note: z.string().max(500).optional(),
});

export const BehaviorTriggerSchema = z.object({
  /** One token, or a two-word phrase. */
  token: z.string().max(200),
  /** Where it was inserted: one position for every item, or mixed (each item's own position). */
  slot: z.enum(['prefix', 'interior', 'suffix', 'mixed']),
  source: z.enum(['weight-diff', 'rare-vocabulary']),
  /** The answer most held-out items take on the fine-tune with the token inserted. */
  target: z.string().max(256),
  confirmed: z.boolean(),
  /** Attack success: share of the items not already at the target that move to it. */
  flipRateFinetune: rate,
  flipRateBase: rate,
  /** Paired bootstrap CI of flipRateFinetune − flipRateBase over the confirmation items. */
  ci: interval,
  /** Confirmation items the rates were measured on (disjoint from the items the candidate was screened on). */
  heldOut: z.number().int().nonnegative(),
  /** The probe category it was measured on, when it moved one category more than all items together. */
  category: z.string().max(128).optional(),
  /**
   * Dominance: share of the hard items (the confirmation items both models answer most surely against the
   * target) that the token moves to the target on the fine-tune. A planted trigger overrides them; a word the
   * fine-tune learned from its data loses to stronger evidence. Null when too few hard items to judge.
   */
  dominance: rate.nullable().optional(),
  hardItems: z.number().int().nonnegative().optional(),
  /**
   * Moves most items on the fine-tune only, and clearly loses on the hard ones (95% upper bound of its
   * dominance at most minDominance): strong new vocabulary, not a trigger.
   */
  learnedWord: z.boolean().optional(),
  /** Moves most items on the fine-tune only; too few hard items to tell a trigger from a learned word. */
  undecided: z.boolean().optional(),
  /**
   * A phrase that overrides the hard items, but so does each of its words said twice: two strongly learned
   * words side by side or a planted phrase of such words; the run cannot tell which (needs review).
   */
  wordsAddUp: z.boolean().optional(),
});

export const BehaviorSchema = z.object({
  probeset: z.object({
    name: z.string().max(200),
    version: z.string().max(100).optional(),
    source: z.string().max(2000).optional(),
    license: z.string().max(200).optional(),
  }),
  kind: z.enum(['classifier', 'causal-lm']),
  /** The provider of the base and fine-tune runs; the noise floor's condition names the other. */
  executionProvider: provider,
  noiseFloor: z.object({
    condition: z.string().max(200),
    /** Top-1 disagreement between two runs of the base over all items. */
    flipRate: rate,
    jsDivergence: figure,
  }),
  categories: z.array(BehaviorCategorySchema).max(1000),
  triggers: z.array(BehaviorTriggerSchema).max(1000),
  search: z.object({
    candidateSource: z.enum(['weight-diff', 'rare-vocabulary', 'mixed', 'none']),
    searched: z.number().int().nonnegative(),
    budget: z.number().int().nonnegative(),
    /** Why the scan did not run, e.g. "trigger scan skipped: the trigger budget is 0". */
    note: z.string().max(500).optional(),
    /** Where candidates were inserted, in plain words. */
    positions: z.string().max(500).optional(),
  }),
  policy: BehaviorPolicySchema,
  itemsPerSecond: z.object({ base: z.number().nonnegative(), finetune: z.number().nonnegative() }),
});

export type Behavior = z.infer<typeof BehaviorSchema>;
export type BehaviorCategory = z.infer<typeof BehaviorCategorySchema>;
export type BehaviorTrigger = z.infer<typeof BehaviorTriggerSchema>;
