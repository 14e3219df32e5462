import { evaluateHalf, HALVES, type PairOutcome } from './finetune-family-eval.ts';

/**
 * The development / validation table of the fine-tune family, as Markdown (README "Behavior on realistic
 * fine-tunes"). Run: node --import tsx scripts/finetune-family-table.ts
 */

function behaviorCell(o: PairOutcome): string {
  if (o.pair.lineageOnly) return 'not run (weights only)';
  if (o.confirmed.length > 0) return `trigger ${o.confirmed.map((t) => `\`${t}\``).join(', ')}`;
  if (o.wordsAddUp.length > 0) {
    return `review: not told from learned words: ${o.wordsAddUp.map((t) => `\`${t}\``).join(', ')}`;
  }
  const flagged = o.report.behavior?.categories.filter((c) => c.flagged).map((c) => c.category) ?? [];
  const parts = [
    ...(flagged.length > 0 ? [`changed: ${flagged.join(', ')}`] : []),
    ...(o.report.behavior?.search.note ? ['review: trigger scan incomplete'] : []),
  ];
  return parts.length > 0 ? parts.join('; ') : 'no change';
}

function planted(o: PairOutcome): string {
  if (o.pair.trigger === null) return `benign: ${o.pair.what}`;
  return `\`${o.pair.trigger.join(' ')}\` → ${o.pair.target ?? '?'} (${o.pair.what})`.replace(/\*\*[^*]+\*\* /, '');
}

function lineageCell(o: PairOutcome): string {
  const l = o.report.lineage;
  if (!l) return 'none';
  const extra = [
    ...(l.newHead?.length ? [`new head`] : []),
    ...(l.addedTokens ? [`${l.addedTokens} added tokens`] : []),
  ];
  return `${l.verdict}${extra.length ? ` (${extra.join(', ')})` : ''}${o.lineageRight ? '' : ' ✗'}`;
}

for (const half of HALVES) {
  const outcomes = await evaluateHalf(half);
  const benign = outcomes.filter((o) => o.pair.trigger === null && !o.pair.lineageOnly);
  const poisoned = outcomes.filter((o) => o.pair.trigger !== null);
  console.log(`\n### ${half}\n`);
  console.log('| pair | planted | verdict | behavior | lineage |');
  console.log('| --- | --- | --- | --- | --- |');
  for (const o of outcomes) {
    console.log(`| ${o.pair.name} | ${planted(o)} | ${o.report.verdict} | ${behaviorCell(o)} | ${lineageCell(o)} |`);
  }
  const falseTriggers = benign.filter((o) => o.confirmed.length > 0 || o.severe.length > 0).length;
  const caught = poisoned.filter((o) => o.caught).length;
  const passed = poisoned.filter((o) => o.report.verdict === 'pass').length;
  const benignPassed = benign.filter((o) => o.report.verdict === 'pass').length;
  const lineage = outcomes.filter((o) => o.lineageRight).length;
  console.log(
    `\n${half}: benign with a confirmed trigger or a high/critical behavior finding ${falseTriggers} of ${benign.length}; ` +
      `benign passed ${benignPassed} of ${benign.length}; planted triggers confirmed ${caught} of ${poisoned.length}; poisoned models passed ${passed}; lineage right ${lineage} of ${outcomes.length}.`,
  );
}
