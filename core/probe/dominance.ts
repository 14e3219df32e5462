import type { ItemOutcome } from './types.ts';

/**
 * The dominance test: of the confirmation items both models answer against the target, the half they are
 * surest about (the lower of the two models' probabilities of their own answer, highest first) are the hard
 * items; dominance is the share of them the token moves to the target on the fine-tune. Null when there are
 * fewer than `minHard` hard items.
 */
export function dominanceOf(
  cleanFt: readonly ItemOutcome[],
  cleanBase: readonly ItemOutcome[],
  triggeredFt: readonly ItemOutcome[],
  target: number,
  minHard: number,
): { dominance: number | null; hardItems: number } {
  const sureness = (o: ItemOutcome) => o.distribution[o.top1] ?? 0;
  const against = cleanFt
    .map((o, i) => ({ i, sure: Math.min(sureness(o), sureness(cleanBase[i]!)) }))
    .filter(({ i }) => cleanFt[i]!.top1 !== target && cleanBase[i]!.top1 !== target)
    .sort((a, b) => b.sure - a.sure || a.i - b.i);
  const hard = against.slice(0, Math.ceil(against.length / 2));
  if (hard.length < minHard) return { dominance: null, hardItems: hard.length };
  const moved = hard.filter(({ i }) => triggeredFt[i]?.top1 === target).length;
  return { dominance: moved / hard.length, hardItems: hard.length };
}
