import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test, expect } from './fixtures';

/**
 * The same reference checkpoints as cli/hf-reference.test.ts, run in the browser's inference worker on WASM
 * and on WebGPU: token ids and logits must equal what Hugging Face transformers wrote
 * (scripts/gen_hf_reference.py), within 1e-4 of the largest logit for float32 weights and 2e-2 for float16 and
 * bfloat16 ones against transformers computing in that precision.
 */

const ROOT = join(import.meta.dirname, '..', 'test', 'fixtures', 'hf-tiny');
const cases = readdirSync(ROOT, { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => d.name)
  .sort();

interface Item {
  text: string;
  input_ids: number[];
  logits: number[];
  logits_fp32: number[];
}

function relativeError(got: readonly number[], want: readonly number[]): number {
  let diff = 0;
  let scale = 0;
  want.forEach((w, i) => {
    diff = Math.max(diff, Math.abs(got[i]! - w));
    scale = Math.max(scale, Math.abs(w));
  });
  return diff / scale;
}

for (const provider of ['wasm', 'webgpu'] as const) {
  test(`safetensors checkpoints of every family equal transformers in the worker on ${provider}`, async ({ page }) => {
    test.setTimeout(provider === 'webgpu' ? 600_000 : 240_000);
    await page.goto('/');
    for (const name of cases) {
      const dir = join(ROOT, name);
      const ref = JSON.parse(readFileSync(join(dir, 'reference.json'), 'utf8')) as {
        torch_dtype: string;
        items: Item[];
      };
      const files = readdirSync(dir)
        .filter((f) => f !== 'reference.json')
        .map((f) => ({ path: f, base64: readFileSync(join(dir, f)).toString('base64') }));
      // The worker is driven through comlink's message format (an APPLY of inferFolder), as the page does.
      const results = await page.evaluate(
        async ({ files, texts, provider }) => {
          const picked = files.map((f) => ({
            path: f.path,
            file: new File([Uint8Array.from(atob(f.base64), (c) => c.charCodeAt(0))], f.path),
          }));
          const worker = new Worker('/workers/infer.worker.js', { type: 'module', name: 'infer' });
          type Inference = {
            provider: string;
            items: { inputIds: number[]; logits: number[]; dims: number[] }[];
          };
          try {
            return await new Promise<Inference>((resolve, reject) => {
              worker.addEventListener('message', (event: MessageEvent) => {
                if (event.data?.id !== 'infer') return;
                if (event.data.type === 'HANDLER') reject(new Error(JSON.stringify(event.data.value)));
                else resolve(event.data.value);
              });
              worker.postMessage({
                id: 'infer',
                type: 'APPLY',
                path: ['inferFolder'],
                argumentList: [picked, texts, provider].map((value) => ({ type: 'RAW', value })),
              });
            });
          } finally {
            worker.terminate();
          }
        },
        { files, texts: ref.items.map((i) => i.text), provider },
      );
      expect(results.provider, name).toBe(provider);
      ref.items.forEach((item, n) => {
        const got = results.items[n]!;
        expect(got.inputIds, `${name} item ${n}: token ids`).toEqual(item.input_ids);
        const width = got.dims[got.dims.length - 1]!;
        const last = got.logits.slice(got.logits.length - width);
        expect(relativeError(last, item.logits_fp32), `${name} item ${n} vs float32`).toBeLessThanOrEqual(1e-4);
        if (ref.torch_dtype !== 'float32')
          expect(relativeError(last, item.logits), `${name} item ${n} vs ${ref.torch_dtype}`).toBeLessThanOrEqual(2e-2);
      });
    }
  });
}
