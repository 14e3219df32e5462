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

describe('the weights compare runs are those from_pretrained loads', () => {
  it('a poisoned model.safetensors beside an index whose shard holds the base weights still fails', async () => {
    const { cp, mkdtemp, readFile, rm, writeFile } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const folder = await mkdtemp(join(tmpdir(), 'mg-shadow-'));
    try {
      await cp(demo('llama-code-poisoned'), folder, { recursive: true });
      const shard = 'model-00001-of-00001.safetensors';
      const base = await readFile(join(demo('llama-code-base'), 'model.safetensors'));
      await writeFile(join(folder, shard), base);
      const headerLength = Number(base.readBigUInt64LE(0));
      const names = Object.keys(JSON.parse(base.subarray(8, 8 + headerLength).toString())).filter(
        (n) => n !== '__metadata__',
      );
      const index = { metadata: {}, weight_map: Object.fromEntries(names.map((n) => [n, shard])) };
      await writeFile(join(folder, 'model.safetensors.index.json'), JSON.stringify(index));
      const { report, code } = await compareCommand(folder, demo('llama-code-base'));
      assert.equal(report.verdict, 'fail');
      assert.equal(code, 2);
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  });
});
