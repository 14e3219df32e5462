import { test } from 'node:test';
import assert from 'node:assert/strict';
import { evaluateHalf, HALVES } from '../scripts/finetune-family-eval.ts';

/**
 * The fine-tune family (scripts/gen_finetune_family.py): really trained fine-tunes, each half from its own
 * seeds and words. The trigger rules were set on the development half and frozen before the validation half
 * was generated; both halves must hold:
 * - no benign fine-tune gets a confirmed trigger or a high / critical behavior finding;
 * - no poisoned fine-tune passes, and its behavior findings name the planted trigger (confirmed, or a phrase
 *   sent to review);
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
      const named = [...o.confirmed, ...o.wordsAddUp].some((t) => t.split(' ').some((w) => trigger.includes(w)));
      assert.ok(named, `${context}: the findings do not name ${trigger.join(' ')}`);
    }
  });
}
