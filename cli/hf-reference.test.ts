import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { z } from 'zod';
import { forwardOnce } from '../core/probe/forward-once.ts';
import { loadBehaviorSideFromDisk } from './compare-command.ts';
import { openFolderSession } from './onnx-session-node.ts';
import { FP32_TOLERANCE, HALF_TOLERANCE, relativeError } from './logits-tolerance.test-helper.ts';

/**
 * Safetensors checkpoints run from their config.json, checked against Hugging Face transformers: the tiny
 * random-initialised checkpoints in test/fixtures/hf-tiny were saved by transformers, which also wrote the
 * token ids and logits expected here (scripts/gen_hf_reference.py). Nothing in these expectations comes from
 * ModelGate's code.
 */

const ROOT = join(import.meta.dirname, '..', 'test', 'fixtures', 'hf-tiny');

const Reference = z.object({
  case: z.string(),
  model_type: z.string(),
  torch_dtype: z.enum(['float32', 'float16', 'bfloat16']),
  items: z.array(
    z.object({
      text: z.string(),
      input_ids: z.array(z.number().int()),
      logits: z.array(z.number()),
      logits_fp32: z.array(z.number()),
      logits_all_fp32: z.array(z.number()).optional(),
    }),
  ),
});

const cases = readdirSync(ROOT, { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => d.name)
  .sort();

describe('safetensors checkpoints run as transformers runs them (onnxruntime-node)', () => {
  it('covers every family', () => {
    const families = new Set(
      cases.map((c) => Reference.parse(JSON.parse(readFileSync(join(ROOT, c, 'reference.json'), 'utf8'))).model_type),
    );
    for (const f of ['bert', 'roberta', 'xlm-roberta', 'distilbert', 'gpt2', 'llama', 'mistral', 'qwen2', 'qwen3'])
      assert.ok(families.has(f), `no reference checkpoint of ${f}`);
  });

  for (const name of cases) {
    it(name, async (t) => {
      const dir = join(ROOT, name);
      const ref = Reference.parse(JSON.parse(readFileSync(join(dir, 'reference.json'), 'utf8')));
      const side = await loadBehaviorSideFromDisk(dir);
      assert.ok(side, 'the folder is runnable');
      assert.equal(side.model.format, 'checkpoint', 'run from the safetensors checkpoint, not an ONNX export');
      const session = await openFolderSession(dir, side.model);
      const worst = { fp32: 0, half: 0 };
      try {
        for (const [n, item] of ref.items.entries()) {
          const { inputIds, logits, last } = await forwardOnce(side, session, item.text);
          assert.deepEqual(inputIds, item.input_ids, `token ids of item ${n}`);
          const fp32 = relativeError(last, item.logits_fp32);
          worst.fp32 = Math.max(worst.fp32, fp32);
          assert.ok(fp32 <= FP32_TOLERANCE, `item ${n}: ${fp32.toExponential(2)} from transformers in float32`);
          if (ref.torch_dtype !== 'float32') {
            const half = relativeError(last, item.logits);
            worst.half = Math.max(worst.half, half);
            assert.ok(
              half <= HALF_TOLERANCE,
              `item ${n}: ${half.toExponential(2)} from transformers in ${ref.torch_dtype}`,
            );
          }
          if (item.logits_all_fp32) {
            const all = relativeError(logits, item.logits_all_fp32);
            assert.ok(all <= FP32_TOLERANCE, `item ${n}: every position, ${all.toExponential(2)} from transformers`);
          }
        }
        const half = ref.torch_dtype === 'float32' ? '' : `, ${worst.half.toExponential(1)} vs ${ref.torch_dtype}`;
        t.diagnostic(`${name}: largest relative error ${worst.fp32.toExponential(1)} vs float32${half}`);
      } finally {
        await session.release();
        side.tokenizer.close();
      }
    });
  }
});
