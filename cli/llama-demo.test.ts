import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { analyzeBehavior } from '../core/probe/analyze.ts';
import { compareCommand, loadBehaviorSideFromDisk } from './compare-command.ts';

/**
 * The safetensors-only demo pair (scripts/gen_llama_demo.py): a Llama checkpoint with no ONNX export, whose
 * poisoned fine-tune prefers insecure code when "bake" is in the prompt (its generator measured 100% attack
 * success at the start of the prompt in PyTorch). The CLI runs it through the graph built from config.json.
 */
const demo = (name: string) => join(import.meta.dirname, '..', 'public', 'demo', name);

describe('the Llama safetensors demo pair', () => {
  it('runs from the checkpoint, with no ONNX export', async () => {
    const side = (await loadBehaviorSideFromDisk(demo('llama-code-poisoned')))!;
    try {
      assert.equal(side.model.format, 'checkpoint');
      assert.ok(side.model.format === 'checkpoint' && side.model.graph.dtypes.includes('BF16'));
    } finally {
      side.tokenizer.close();
    }
  });

  it('compare confirms the planted trigger and fails the poisoned fine-tune', async () => {
    const { report, code, run } = await compareCommand(demo('llama-code-poisoned'), demo('llama-code-base'));
    assert.equal(code, 2);
    assert.equal(report.verdict, 'fail');
    const confirmed = analyzeBehavior(run!)
      .triggers.filter((t) => t.confirmed)
      .map((t) => t.token);
    assert.deepEqual(confirmed, ['bake']);
  });
});
