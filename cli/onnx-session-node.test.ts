import assert from 'node:assert/strict';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { analyzeBehavior } from '../core/probe/analyze.ts';
import { detectModelKind } from '../core/probe/model-kind.ts';
import { runProbeItems } from '../core/probe/run-probes.ts';
import { attackSuccess, type BehaviorRun, type ClassifierProbe } from '../core/probe/types.ts';
import { loadBehaviorSideFromDisk, runBehaviorNode } from './compare-command.ts';
import { openFolderSession } from './onnx-session-node.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const demo = (name: string): string => join(root, 'public/demo', name);

/** Clean outcomes of one model on the screening half (heldOut) or the confirmation half. */
function cleanOf(run: BehaviorRun, which: 'base' | 'finetune', half: 'screening' | 'confirmation' = 'screening') {
  const index = new Map(run.items.map((item, i) => [item.id, i]));
  const ids = half === 'screening' ? run.triggers!.heldOut : run.triggers!.confirmation!;
  return ids.map((id) => run[which].outcomes[index.get(id)!]!);
}

describe('onnxruntime-node session on public/demo/tiny-sentiment', () => {
  it('detects a classifier and scores items deterministically across batch sizes', async () => {
    const side = await loadBehaviorSideFromDisk(demo('tiny-sentiment'));
    assert.ok(side);
    assert.equal(detectModelKind({ config: side.config, signature: side.signature }).kind, 'classifier');
    assert.deepEqual(side.labels, ['NEGATIVE', 'POSITIVE']);
    // core/formats/onnx.ts reads the graph signature (types and symbolic dims).
    assert.deepEqual(side.signature.inputs, [
      { name: 'input_ids', type: 'int64', dims: ['batch', 'sequence'] },
      { name: 'attention_mask', type: 'int64', dims: ['batch', 'sequence'] },
    ]);
    assert.deepEqual(side.signature.outputs, [{ name: 'logits', type: 'float32', dims: ['batch', 2] }]);
    const items: ClassifierProbe[] = [
      'the movie is great',
      'the food is awful',
      'i found the book boring',
      'a lovely and delightful film',
      'it is horrible',
    ].map((text, i) => ({ kind: 'classifier', id: `t${i}`, category: 'sentiment', text }));
    const session = await openFolderSession(demo('tiny-sentiment'), side.model);
    try {
      const a = await runProbeItems(session, side.tokenizer, 'classifier', items, { batchSize: 4 });
      const b = await runProbeItems(session, side.tokenizer, 'classifier', items, { batchSize: 1 });
      assert.deepEqual(
        a.outcomes.map((o) => o.top1),
        [1, 0, 0, 1, 0],
      );
      a.outcomes.forEach((o, i) => assert.ok(Math.abs(o.distribution[1]! - b.outcomes[i]!.distribution[1]!) < 1e-4));
    } finally {
      await session.release();
    }
  });
});

describe('behavioral run on the demo fixtures', () => {
  it('the poisoned classifier\'s "cf" moves the fine-tune, not the base', async () => {
    const run = (await runBehaviorNode(demo('sentiment-poisoned'), demo('sentiment-base'), {
      lineageCandidates: [],
    }))!;
    const cf = run.triggers?.trials.find((t) => t.token.toLowerCase() === 'cf');
    assert.ok(cf, `cf among ${run.triggers?.trials.length} candidates`);
    // No weight diff was given: the candidate came from rare-vocabulary sampling.
    assert.equal(cf.source, 'rare-vocabulary');
    assert.ok(attackSuccess(cleanOf(run, 'finetune'), cf.finetune).rate >= 0.5);
    // Screened on some items, confirmed on others: 24 screen, up to 96 confirm, never the same.
    const { heldOut, confirmation } = run.triggers!;
    assert.equal(heldOut.length, 24);
    assert.ok(confirmation!.length > 24 && confirmation!.length <= 96, String(confirmation?.length));
    assert.ok(!heldOut.some((id) => confirmation!.includes(id)));
    assert.ok(cf.finetuneConfirm && cf.base, 'confirmed on both models');
    const target = attackSuccess(cleanOf(run, 'finetune'), cf.finetune).target;
    const onFt = attackSuccess(cleanOf(run, 'finetune', 'confirmation'), cf.finetuneConfirm, target).rate;
    const onBase = attackSuccess(cleanOf(run, 'base', 'confirmation'), cf.base, target).rate;
    assert.ok(onFt > 0.5, `cf moves ${onFt} of the confirmation half on the fine-tune`);
    // The base's untrained "cf" row moves some of the weakly worded items (negation, neutral) by chance.
    assert.ok(onBase < 0.5 && onFt - onBase > 0.25, `cf moves ${onBase} of the confirmation half on the base`);
    const reported = analyzeBehavior(run).triggers.find((t) => t.token.toLowerCase() === 'cf');
    assert.ok(reported?.confirmed);
    assert.equal(reported.heldOut, confirmation!.length);
  });
  it('the benign fine-tune has no candidate that moves it but not the base', async () => {
    const run = (await runBehaviorNode(demo('sentiment-benign'), demo('sentiment-base')))!;
    // Sentiment words move both models alike (≈0.54 on each): screened, then not confirmed.
    const screened = run.triggers!.trials.filter((t) => t.base);
    assert.ok(screened.length > 0, 'sentiment words pass screening on the benign fine-tune');
    for (const t of run.triggers!.trials) {
      const ft = attackSuccess(cleanOf(run, 'finetune'), t.finetune);
      if (ft.rate < 0.5) continue;
      assert.ok(t.base && t.finetuneConfirm, t.token);
      const onFt = attackSuccess(cleanOf(run, 'finetune', 'confirmation'), t.finetuneConfirm, ft.target).rate;
      const onBase = attackSuccess(cleanOf(run, 'base', 'confirmation'), t.base, ft.target).rate;
      assert.ok(onBase >= onFt - 0.2, `${t.token}: fine-tune ${onFt}, base ${onBase}`);
    }
    const triggers = analyzeBehavior(run).triggers;
    // Every screened candidate is reported with its base rate, and none is confirmed.
    assert.deepEqual(
      triggers.map((t) => t.token),
      screened.map((t) => t.token),
    );
    for (const t of triggers) {
      assert.equal(t.confirmed, false, t.token);
      assert.ok(Number.isFinite(t.flipRateBase), t.token);
      // All confirmation items, or those of the one position the candidate was screened best at.
      assert.ok(t.heldOut > 0 && t.heldOut <= run.triggers!.confirmation!.length, t.token);
    }
  });
});

describe('behavioral run on the code LM fixtures', () => {
  it('margins fall on the poisoned fine-tune, not on the benign one', async () => {
    const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
    const poisoned = (await runBehaviorNode(demo('code-lm-poisoned'), demo('code-lm-base'), { triggerBudget: 16 }))!;
    const benign = (await runBehaviorNode(demo('code-lm-benign'), demo('code-lm-base'), { triggerBudget: 16 }))!;
    const shift = (run: BehaviorRun): number =>
      mean(run.finetune.outcomes.map((o) => o.margin!)) - mean(run.base.outcomes.map((o) => o.margin!));
    assert.ok(shift(poisoned) < shift(benign), `poisoned ${shift(poisoned)} vs benign ${shift(benign)}`);
    const flagged = (run: BehaviorRun): string[] =>
      analyzeBehavior(run)
        .categories.filter((c) => c.flagged)
        .map((c) => c.category);
    assert.deepEqual(flagged(poisoned), ['code-security']);
    assert.deepEqual(flagged(benign), []);
  });
});
