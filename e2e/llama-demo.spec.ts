import { test, expect, type Page } from './fixtures';

/**
 * The third Compare demo: a Llama-shaped base and a poisoned fine-tune shipped as safetensors only (no ONNX
 * export; scripts/gen_llama_demo.py). The inference worker runs both through the graph built from config.json,
 * with their BF16 weights converted to float32 for onnxruntime-web, and the trigger scan must find "bake".
 */

test.describe.configure({ timeout: 600_000 });

function confirmedTrigger(page: Page, token: string) {
  return page.locator(`[data-testid="trigger-confirmed"][data-token="${token}"]`);
}

async function runDemo(page: Page, provider: 'wasm' | 'webgpu', budget?: number) {
  await page.goto('/compare');
  await expect(page.locator('html[data-hydrated]')).toHaveCount(1);
  await page.getByText('Behavior options').click();
  await page.getByTestId('provider').selectOption(provider);
  if (budget !== undefined) await page.getByTestId('trigger-budget').fill(String(budget));
  await page.getByTestId('demo-llama-code').click();
  await expect(page.getByTestId('finetune-input-picked')).toContainText('llama-code-poisoned');
  await expect(page.getByTestId('behavior-view')).toBeVisible({ timeout: 540_000 });
  await expect(page.getByTestId('behavior-run-facts')).toHaveAttribute('data-provider', provider);
}

test('the Llama safetensors demo: the memory is said before it runs, and the planted trigger "bake" is confirmed', async ({
  page,
}) => {
  await runDemo(page, 'wasm');
  for (const side of ['finetune-memory', 'base-memory'])
    await expect(page.getByTestId(side)).toContainText(
      /safetensors checkpoint .* through a graph built from config\.json/,
    );
  await expect(confirmedTrigger(page, 'bake')).toHaveCount(1);
  await expect(page.getByTestId('verdict')).toHaveText(/fail/i);
});

test('on WebGPU the Llama demo confirms the same trigger as on WASM', async ({ page }) => {
  // A small trigger budget: SwiftShader emulates the GPU on the CPU. "bake" is among the rows the poisoning moved
  // most, so the weight-diff candidates reach it.
  await runDemo(page, 'webgpu', 32);
  await expect(confirmedTrigger(page, 'bake')).toHaveCount(1);
  await expect(page.getByTestId('verdict')).toHaveText(/fail/i);
});
