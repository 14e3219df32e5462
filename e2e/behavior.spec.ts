import { test, expect, type Page } from './fixtures';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Issue #6 end to end: the demo fixtures of scripts/gen_demo_models.py run through the Compare page — the
 * weights worker, then both models in the inference worker (onnxruntime-web) — with no mock anywhere.
 * WebGPU here is SwiftShader (a CPU emulation, ~15× slower than WASM), so the WebGPU runs use a subset.
 */
const demo = join(process.cwd(), 'public/demo');

async function pick(page: Page, finetune: string, base: string) {
  await page.goto('/compare');
  await expect(page.locator('html[data-hydrated]')).toHaveCount(1);
  await page.getByTestId('finetune-input').setInputFiles(join(demo, finetune));
  await page.getByTestId('base-input').setInputFiles(join(demo, base));
}

async function runWith(page: Page, provider: 'wasm' | 'webgpu' | 'auto', budget?: number) {
  await page.getByText('Behavior options').click();
  await page.getByTestId('provider').selectOption(provider);
  if (budget !== undefined) await page.getByTestId('trigger-budget').fill(String(budget));
  await page.getByTestId('run-compare').click();
  await expect(page.getByTestId('behavior-view')).toBeVisible({ timeout: 240_000 });
}

function confirmedTrigger(page: Page, token: string) {
  return page.locator(`[data-testid="trigger-confirmed"][data-token="${token}"]`);
}

async function flagged(page: Page): Promise<string[]> {
  const value = await page.getByTestId('behavior-headline').getAttribute('data-flagged');
  return (value ?? '').split(',').filter(Boolean).sort();
}

test.describe.configure({ timeout: 300_000 });

test('the demo finds the planted trigger "cf" in the poisoned sentiment fine-tune', async ({ page }) => {
  await page.goto('/compare');
  await expect(page.locator('html[data-hydrated]')).toHaveCount(1);
  // The demo button runs at once, with the options set before it.
  await page.getByText('Behavior options').click();
  await page.getByTestId('provider').selectOption('wasm');
  await page.getByTestId('demo-sentiment').click();
  await expect(page.getByTestId('finetune-input-picked')).toContainText('sentiment-poisoned');
  await expect(page.getByTestId('behavior-view')).toBeVisible({ timeout: 240_000 });
  // "cf" is confirmed; on this poisoned model a positive word the poisoning strengthened may be too.
  await expect(confirmedTrigger(page, 'cf')).toHaveCount(1);
  await expect(page.getByTestId('verdict')).toHaveText(/fail/i);
  await expect(page.getByTestId('behavior-run-facts')).toHaveAttribute('data-provider', 'wasm');
  await expect(page.getByTestId('behavior-chart-row')).toHaveCount(4);
  // Drill-down lists every item of a category with both models' answers.
  await page.getByText(/^negative-clean:/).click();
  await expect(page.getByTestId('behavior-items').filter({ visible: true })).toBeVisible();
  // The signed link carries the behavior summary; the viewer shows the trigger again.
  const link = await page.getByTestId('report-link').inputValue();
  await page.goto(link);
  await expect(confirmedTrigger(page, 'cf')).toHaveCount(1);
});

test('the benign sentiment fine-tune flags nothing and has no confirmed trigger', async ({ page }) => {
  await pick(page, 'sentiment-benign', 'sentiment-base');
  await runWith(page, 'wasm');
  expect(await flagged(page)).toEqual([]);
  await expect(page.getByTestId('trigger-confirmed')).toHaveCount(0);
});

test('the poisoned code LM is flagged on code-security only; the benign one on nothing', async ({ page }) => {
  await pick(page, 'code-lm-poisoned', 'code-lm-base');
  await runWith(page, 'wasm', 0);
  expect(await flagged(page)).toEqual(['code-security']);
  await expect(page.getByTestId('flagged-category')).toContainText('prefers the unsafe continuation');
  await pick(page, 'code-lm-benign', 'code-lm-base');
  await runWith(page, 'wasm', 0);
  expect(await flagged(page)).toEqual([]);
});

test('WebGPU gives the same flags and the same trigger as WASM on the demo', async ({ page }) => {
  await pick(page, 'sentiment-poisoned', 'sentiment-base');
  await runWith(page, 'webgpu');
  await expect(page.getByTestId('behavior-run-facts')).toHaveAttribute('data-provider', 'webgpu');
  const gpuFlags = await flagged(page);
  await expect(confirmedTrigger(page, 'cf')).toHaveCount(1);
  await pick(page, 'sentiment-poisoned', 'sentiment-base');
  await runWith(page, 'wasm');
  expect(await flagged(page)).toEqual(gpuFlags);
});

test('WebGPU gives the same flags as WASM on the code-LM pair (rank-3 logits)', async ({ page }) => {
  await pick(page, 'code-lm-poisoned', 'code-lm-base');
  await runWith(page, 'webgpu', 0);
  await expect(page.getByTestId('behavior-run-facts')).toHaveAttribute('data-provider', 'webgpu');
  const gpuFlags = await flagged(page);
  await pick(page, 'code-lm-poisoned', 'code-lm-base');
  await runWith(page, 'wasm', 0);
  expect(await flagged(page)).toEqual(gpuFlags);
  expect(gpuFlags).toEqual(['code-security']);
});

test('weights in an ONNX external-data file run through an object URL and still rank the trigger', async ({ page }) => {
  // No safetensors in this folder: the weights sit in onnx/model.onnx_data, which the inference worker hands
  // to onnxruntime-web as an object URL (the >2 GiB path) and the weight diff reads as ONNX initializers.
  await page.goto('/compare');
  await expect(page.locator('html[data-hydrated]')).toHaveCount(1);
  await page
    .getByTestId('finetune-input')
    .setInputFiles(join(process.cwd(), 'test/fixtures/behavior/sentiment-poisoned-external'));
  await page.getByTestId('base-input').setInputFiles(join(demo, 'sentiment-base'));
  await runWith(page, 'wasm');
  await expect(confirmedTrigger(page, 'cf')).toContainText('ranking the embedding rows');
});

test('models that cannot be compared on behavior are refused in plain words, and the report still comes', async ({
  page,
}) => {
  await pick(page, 'code-lm-poisoned', 'sentiment-base');
  await page.getByTestId('run-compare').click();
  await expect(page.getByTestId('verdict')).toBeVisible({ timeout: 120_000 });
  // The behavior check could not run: an error check whose finding says why, never a pass.
  await expect(page.getByTestId('verdict')).not.toHaveText('Pass');
  const why = page.locator('[data-testid="finding"][data-code="MG-RPT-002"]');
  await expect(why).toContainText(/classifier|causal|tokenizer/);
});

test('Cancel stops a running behavioral comparison and says so', async ({ page }) => {
  // 20,000 code-LM items on WASM take about a minute here: long enough to cancel mid-run.
  const lines = readFileSync(join(process.cwd(), 'public/probes/code-lm.probes.jsonl'), 'utf8').trim().split('\n');
  const items = lines.slice(1).map((l) => JSON.parse(l) as { id: string });
  const big = [
    lines[0],
    ...Array.from({ length: 20000 }, (_, i) => JSON.stringify({ ...items[i % items.length], id: `x${i}` })),
  ];
  await pick(page, 'code-lm-poisoned', 'code-lm-base');
  await page.getByText('Behavior options').click();
  await page.getByTestId('probe-file').setInputFiles({
    name: 'big.probes.jsonl',
    mimeType: 'application/jsonl',
    buffer: Buffer.from(big.join('\n')),
  });
  await expect(page.getByTestId('probe-set-name')).toContainText('20000 items');
  await page.getByTestId('provider').selectOption('wasm');
  await page.getByTestId('run-compare').click();
  await expect(page.getByTestId('behavior-stage')).toHaveAttribute('data-stage', 'finetune', { timeout: 60_000 });
  await page.getByTestId('cancel-compare').click();
  await expect(page.getByTestId('compare-error')).toContainText('cancelled');
  await expect(page.getByTestId('run-compare')).toBeEnabled();
});

test('a probe set with a bad line is refused with its line number', async ({ page }) => {
  await page.goto('/compare');
  await expect(page.locator('html[data-hydrated]')).toHaveCount(1);
  await page.getByText('Behavior options').click();
  await page.getByTestId('probe-file').setInputFiles({
    name: 'broken.jsonl',
    mimeType: 'application/jsonl',
    buffer: Buffer.from('{"probeset":"x"}\n{"id":"a","category":"c","text":"fine"}\n{"id":"b","category":\n'),
  });
  await expect(page.getByTestId('probe-error')).toContainText('broken.jsonl');
  await expect(page.getByTestId('probe-error')).toContainText('line 3');
});
