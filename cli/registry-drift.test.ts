import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runBehaviorNode } from './compare-command.ts';
import { baselineOf, behaviorDrift, sameProbes } from '../core/registry/behavior-drift.ts';

const demo = (name: string) => join(dirname(fileURLToPath(import.meta.url)), '..', 'public/demo', name);

// Issue #7 §2 on real models: the registry keeps code-lm-base's answers as version 1; the poisoned fine-tune,
// verified later under the same name, drifts on code-security only. The benign one does not drift.
test('registry baseline: a later version that prefers insecure code drifts on code-security only', async () => {
  const first = await runBehaviorNode(demo('code-lm-base'), demo('code-lm-base'), { triggerBudget: 0 });
  assert.ok(first);
  const baseline = baselineOf(first);
  for (const [later, expected] of [
    ['code-lm-poisoned', ['code-security']],
    ['code-lm-benign', []],
  ] as const) {
    const next = await runBehaviorNode(demo(later), demo('code-lm-base'), { triggerBudget: 0 });
    assert.ok(next && sameProbes(baseline, next));
    const drift = behaviorDrift(baseline, next.finetune);
    assert.deepEqual(
      drift.behavior.categories.filter((c) => c.flagged).map((c) => c.category),
      expected,
      later,
    );
    assert.equal(drift.check.status, expected.length ? 'fail' : 'pass', later);
  }
});

test('registry baseline: another probe set is not comparable', async () => {
  const run = await runBehaviorNode(demo('code-lm-base'), demo('code-lm-base'), { triggerBudget: 0 });
  assert.ok(run);
  const baseline = baselineOf(run);
  assert.equal(sameProbes(baseline, { ...run, items: run.items.slice(1) }), false);
  assert.equal(sameProbes({ ...baseline, probeset: { probeset: 'other' } }, run), false);
});
