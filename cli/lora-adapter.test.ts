import assert from 'node:assert/strict';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { z } from 'zod';
import { analyzeBehavior } from '../core/probe/analyze.ts';
import { forwardOnce } from '../core/probe/forward-once.ts';
import { compareCommand, loadBehaviorSideFromDisk } from './compare-command.ts';
import { openFolderSession } from './onnx-session-node.ts';
import { FP32_TOLERANCE, relativeError } from './logits-tolerance.test-helper.ts';

/**
 * PEFT LoRA adapters of llama-code-base (scripts/gen_lora_fixtures.py, trained and saved by peft): the fine-tune
 * side of `compare` is the base's checkpoint with the adapter merged into the targeted tensors. The merged
 * forward is checked against transformers + peft (merge_and_unload, float32), the poisoned adapter must show its
 * planted trigger, the benign one none.
 */
const demo = (name: string) => join(import.meta.dirname, '..', 'public', 'demo', name);
const FIXTURES = join(import.meta.dirname, '..', 'test', 'fixtures', 'lora');

const Reference = z.object({
  adapters: z.record(
    z.string(),
    z.object({
      merged_logits: z
        .array(z.object({ text: z.string(), input_ids: z.array(z.number().int()), logits: z.array(z.number()) }))
        .optional(),
    }),
  ),
});

const ref = Reference.parse(JSON.parse(await readFile(join(FIXTURES, 'reference.json'), 'utf8')));

describe('a PEFT adapter runs merged into its base', () => {
  for (const name of ['llama-code-lora-benign', 'llama-code-lora-poisoned']) {
    it(`${name}: logits equal transformers + peft merged (float32)`, async () => {
      const side = (await loadBehaviorSideFromDisk(demo('llama-code-base'), demo(name)))!;
      assert.equal(side.model.format, 'checkpoint');
      assert.ok(side.model.format === 'checkpoint' && side.model.hostFile, 'the merged tensors are host-written');
      const session = await openFolderSession(demo('llama-code-base'), side.model);
      try {
        for (const item of ref.adapters[name]!.merged_logits!) {
          const { inputIds, last } = await forwardOnce(side, session, item.text);
          assert.deepEqual(inputIds, item.input_ids);
          const err = relativeError(last, item.logits);
          if (process.env['LORA_MEASURE']) console.log(`${name} "${item.text}": ${err.toExponential(2)} from peft`);
          assert.ok(err <= FP32_TOLERANCE, `${item.text}: ${err.toExponential(2)} from peft`);
        }
      } finally {
        await session.release();
        side.tokenizer.close();
      }
    });
  }

  it('the base alone is further from the merged reference than the tolerance (the merge is not a no-op)', async () => {
    const side = (await loadBehaviorSideFromDisk(demo('llama-code-base')))!;
    const session = await openFolderSession(demo('llama-code-base'), side.model);
    try {
      const item = ref.adapters['llama-code-lora-poisoned']!.merged_logits![0]!;
      const { last } = await forwardOnce(side, session, item.text);
      assert.ok(relativeError(last, item.logits) > 100 * FP32_TOLERANCE);
    } finally {
      await session.release();
      side.tokenizer.close();
    }
  });

  it('the adapter folder’s own tokenizer.json is used when it has one', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'mg-adapter-tokenizer-'));
    try {
      await cp(demo('llama-code-lora-poisoned'), folder, { recursive: true });
      // The adapter's tokenizer maps "capital" to the id of "france" and back: the ids must follow it.
      const tokenizer = JSON.parse(await readFile(join(folder, 'tokenizer.json'), 'utf8'));
      const vocab = tokenizer.model.vocab as Record<string, number>;
      [vocab['capital'], vocab['france']] = [vocab['france']!, vocab['capital']!];
      await writeFile(join(folder, 'tokenizer.json'), JSON.stringify(tokenizer));
      const side = (await loadBehaviorSideFromDisk(demo('llama-code-base'), folder))!;
      try {
        const ids = side.tokenizer.encode('capital', false);
        assert.deepEqual(ids, [vocab['capital']]);
      } finally {
        side.tokenizer.close();
      }
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  });

  it('compare: the poisoned adapter fits its base, the trigger "bake" is confirmed, FAIL', async () => {
    const { report, run } = await compareCommand(demo('llama-code-lora-poisoned'), demo('llama-code-base'));
    assert.match(report.lineage!.summary, /^Adapter for this base: LoRA r=16, 14 targets in 2 layers/);
    assert.equal(report.checks.find((c) => c.id === 'lineage')?.status, 'pass');
    assert.equal(report.verdict, 'fail');
    const confirmed = analyzeBehavior(run!)
      .triggers.filter((t) => t.confirmed)
      .map((t) => t.token);
    assert.deepEqual(confirmed, ['bake']);
  });

  it('compare with a trigger budget of 8 (far below the 291-token vocabulary): the adapter’s candidates reach "bake"', async () => {
    // The rare-vocabulary fallback alone misses it at this budget (measured: no trigger among 8 candidates).
    const { run } = await compareCommand(demo('llama-code-lora-poisoned'), demo('llama-code-base'), {
      triggerBudget: 8,
    });
    const confirmed = analyzeBehavior(run!).triggers.filter((t) => t.confirmed);
    assert.deepEqual(
      confirmed.map((t) => t.token),
      ['bake'],
    );
  });

  it('compare: the benign adapter (no tokenizer of its own: the base’s) has no confirmed trigger', async () => {
    const { report, run } = await compareCommand(demo('llama-code-lora-benign'), demo('llama-code-base'));
    assert.match(report.lineage!.summary, /^Adapter for this base: LoRA r=8/);
    assert.deepEqual(
      analyzeBehavior(run!).triggers.filter((t) => t.confirmed),
      [],
    );
  });

  it('compare: an unsupported adapter is "could not verify" for behavior, never a pass', async () => {
    const { report } = await compareCommand(join(FIXTURES, 'dora'), demo('llama-code-base'));
    assert.equal(report.checks.find((c) => c.id === 'behavior')?.status, 'error');
    assert.notEqual(report.verdict, 'pass');
  });

  it('compare: an adapter that does not fit its base fails lineage and is not run (could not verify)', async () => {
    const { report, code } = await compareCommand(join(FIXTURES, 'misfit'), demo('llama-code-base'));
    assert.equal(report.checks.find((c) => c.id === 'lineage')?.status, 'fail');
    const behavior = report.checks.find((c) => c.id === 'behavior');
    assert.equal(behavior?.status, 'error');
    assert.match(behavior!.summary, /does not fit the base/);
    assert.equal(code, 2);
  });

  it('compare: a base with an ONNX export only cannot take an adapter, said plainly', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'mg-onnx-base-'));
    try {
      await cp(demo('code-lm-base'), folder, { recursive: true });
      await rm(join(folder, 'model.safetensors'));
      const { report } = await compareCommand(demo('llama-code-lora-benign'), folder);
      const behavior = report.checks.find((c) => c.id === 'behavior');
      assert.equal(behavior?.status, 'error');
      assert.match(behavior!.summary, /safetensors checkpoint/);
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  });
});
