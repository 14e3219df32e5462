import { test, expect } from './fixtures';

/**
 * A PEFT LoRA adapter on the Compare page (scripts/gen_lora_fixtures.py): the base is llama-code-base, the
 * fine-tune the poisoned adapter folder alone (adapter_config.json + adapter_model.safetensors + tokenizer). The
 * weights worker reads its fit to the base; the inference worker runs the base's checkpoint with the adapter
 * merged into the targeted tensors (WASM), and the trigger scan must find "bake".
 */

test.describe.configure({ timeout: 600_000 });

test('a poisoned LoRA adapter: "adapter for this base", the merged model confirms the trigger "bake"', async ({
  page,
  browser,
}) => {
  await page.goto('/compare');
  await expect(page.locator('html[data-hydrated]')).toHaveCount(1);
  await page.getByText('Behavior options').click();
  await page.getByTestId('provider').selectOption('wasm');
  await page.getByTestId('demo-llama-lora').click();
  await expect(page.getByTestId('finetune-input-picked')).toContainText('llama-code-lora-poisoned');
  await expect(page.getByTestId('behavior-view')).toBeVisible({ timeout: 540_000 });
  await expect(page.getByTestId('lineage-summary')).toContainText(
    /^Adapter for this base: LoRA r=\d+, 14 targets in 2 layers/,
  );
  await expect(page.getByTestId('adapter-target')).toHaveCount(14);
  await expect(page.locator('[data-testid="trigger-confirmed"][data-token="bake"]')).toHaveCount(1);
  await expect(page.getByTestId('verdict')).toHaveText(/fail/i);
  // The signed link carries the adapter's summary and footprint.
  const link = await page.getByTestId('report-link').inputValue();
  const fresh = await browser.newContext();
  const viewer = await fresh.newPage();
  await viewer.goto(link);
  await expect(viewer.getByTestId('signature-status')).toHaveAttribute('data-status', 'valid');
  await expect(viewer.getByTestId('lineage-summary')).toContainText(/^Adapter for this base: LoRA r=\d+/);
  await expect(viewer.getByTestId('adapter-target')).toHaveCount(14);
  await fresh.close();
});
