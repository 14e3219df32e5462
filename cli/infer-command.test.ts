import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { formatInferText, inferCommand, InferOutputSchema } from './infer-command.ts';
import { main } from './main.ts';

const fixture = (name: string) => join(import.meta.dirname, '..', 'test', 'fixtures', 'hf-tiny', name);

describe('modelgate infer', () => {
  it('prints the logits transformers computes for the same folder and text', async () => {
    const ref = JSON.parse(readFileSync(join(fixture('qwen2-lm'), 'reference.json'), 'utf8')) as {
      items: { text: string; input_ids: number[]; logits_fp32: number[] }[];
    };
    const item = ref.items[1]!;
    const out = InferOutputSchema.parse(await inferCommand(fixture('qwen2-lm'), item.text, 3));
    assert.equal(out.family, 'qwen2');
    assert.equal(out.source, 'safetensors');
    assert.deepEqual(out.dtypes, ['F32']);
    assert.deepEqual(out.inputIds, item.input_ids);
    const scale = Math.max(...item.logits_fp32.map(Math.abs));
    out.logits.forEach((v, i) => assert.ok(Math.abs(v - item.logits_fp32[i]!) <= 1e-4 * scale, `logit ${i}`));
    const best = item.logits_fp32.indexOf(Math.max(...item.logits_fp32));
    assert.equal(out.top[0]!.index, best);
    assert.equal(out.top.length, 3);
  });

  it('names classes by id2label for a classifier', async () => {
    const out = await inferCommand(fixture('bert-cls'), 'a fine day', 10);
    const config = JSON.parse(readFileSync(join(fixture('bert-cls'), 'config.json'), 'utf8')) as {
      id2label: Record<string, string>;
    };
    assert.equal(out.task, 'classifier');
    assert.deepEqual(out.top.map((t) => t.name).sort(), Object.values(config.id2label).sort());
  });

  it('shows control and bidi characters of token names instead of printing them', () => {
    const text = formatInferText({
      schema: 'modelgate.infer/v1',
      folder: 'm',
      family: 'gpt2',
      task: 'causal-lm',
      source: 'safetensors',
      dtypes: ['F32'],
      provider: 'cpu (onnxruntime-node)',
      inputIds: [1],
      logits: [0],
      top: [{ index: 0, name: '\u001b[32mPASS\u202e\n::error::x', logit: 0 }],
    });
    assert.ok(!text.includes('\u001b') && !text.includes('\u202e'));
    assert.match(text, /\\u\{1b\}\[32mPASS\\u\{202e\}\\u\{a\}::error::x/);
  });

  it('a missing --text is a usage error (64), a folder it cannot run an internal or usage error with its name', async () => {
    const errors: string[] = [];
    const write = process.stderr.write.bind(process.stderr);
    process.stderr.write = ((chunk: string) => (errors.push(String(chunk)), true)) as typeof process.stderr.write;
    try {
      assert.equal(await main(['infer', fixture('qwen2-lm')]), 64);
      assert.equal(await main(['infer', join(fixture('qwen2-lm'), 'missing'), '--text', 'x']), 64);
    } finally {
      process.stderr.write = write;
    }
    assert.match(errors.join(''), /--text/);
  });
});
