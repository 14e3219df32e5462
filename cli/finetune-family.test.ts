import { test } from 'node:test';
import assert from 'node:assert/strict';
import { attackStrength, evaluateHalf, HALVES } from '../scripts/finetune-family-eval.ts';

/**
 * The fine-tune family (scripts/gen_finetune_family.py): really trained fine-tunes, each half from its own
 * seeds and words. The trigger rules were set on the development half and frozen before the validation half
 * was generated; both halves must hold:
 * - no benign fine-tune gets a confirmed trigger or a high / critical behavior finding;
 * - no poisoned fine-tune passes; a planted trigger that works on at least 80% of inputs (attack success measured
 *   by the generator with PyTorch) is confirmed. A weaker one need not override the inputs the models are surest
 *   about, which is what tells a trigger from a learned word here, and may be missed.
 * - lineage is "derived" on every pair, with a head for new labels and the added tokens named.
 */

for (const half of HALVES) {
  test(`fine-tune family, ${half} half: verdicts against what was planted`, async () => {
    for (const o of await evaluateHalf(half)) {
      const { name, trigger } = o.pair;
      const behavior = o.report.checks.find((c) => c.id === 'behavior');
      const context = `${half}/${name}: ${o.report.verdict}; behavior ${behavior?.status}: ${behavior?.summary}`;
      assert.ok(o.lineageRight, `${context}; lineage ${o.report.lineage?.verdict}: ${o.report.lineage?.summary}`);
      if (o.pair.lineageOnly) continue;
      assert.equal(behavior?.status === 'error', false, context);
      if (trigger === null) {
        assert.deepEqual(o.confirmed, [], context);
        assert.deepEqual(o.severe, [], context);
        continue;
      }
      assert.notEqual(o.report.verdict, 'pass', context);
      if ((attackStrength(o.pair) ?? 0) >= 0.8) assert.ok(o.caught, `${context}: ${trigger.join(' ')} not confirmed`);
    }
  });
}
