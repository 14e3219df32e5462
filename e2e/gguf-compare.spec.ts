import { test, expect, type Page } from './fixtures';
import { copyFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// GGUF quantizations of a Llama checkpoint (scripts/gen_gguf_fixtures.py: gguf-py writes them through
// llama.cpp's name table and Q/K permutation) dropped on the Compare page against the safetensors checkpoint.
const fixtures = join(process.cwd(), 'test/fixtures/gguf-quant');

/** A folder holding only the GGUF file, as a user drops a downloaded quantization. */
function ggufFolder(file: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'gguf-'));
  copyFileSync(join(fixtures, file), join(dir, file));
  return dir;
}

async function compare(page: Page, file: string) {
  await page.goto('/compare');
  await expect(page.locator('html[data-hydrated]')).toHaveCount(1);
  await page.getByTestId('finetune-input').setInputFiles(ggufFolder(file));
  await page.getByTestId('base-input').setInputFiles(join(fixtures, 'base'));
  await page.getByTestId('run-compare').click();
  await expect(page.getByTestId('lineage-card')).toBeVisible({ timeout: 120_000 });
}

test('a Q4_K GGUF of the base is recognised as its quantization, and the signed link carries the summary', async ({
  page,
  browser,
}) => {
  await compare(page, 'base-Q4_K.gguf');
  const card = page.getByTestId('lineage-card');
  await expect(card).toHaveAttribute('data-verdict', 'quantized');
  await expect(card).toContainText('Quantization of the base: Q4_K');
  await expect(page.getByTestId('quantization-type')).toHaveAttribute('data-type', 'Q4_K');
  await expect(page.getByTestId('off-grid')).toHaveText(/^0 of /);
  await expect(page.getByTestId('gguf-tokenizer')).toHaveAttribute('data-result', 'same');
  const link = await page.getByTestId('report-link').inputValue();
  const fresh = await browser.newContext();
  const viewer = await fresh.newPage();
  await viewer.goto(link);
  await expect(viewer.getByTestId('signature-status')).toHaveAttribute('data-status', 'valid');
  await expect(viewer.getByTestId('lineage-card')).toHaveAttribute('data-verdict', 'quantized');
  await expect(viewer.getByTestId('quantization-type')).toHaveAttribute('data-type', 'Q4_K');
  await fresh.close();
});

test('a light fine-tune quantized to Q6_K is derived, with its values off the grid named', async ({ page }) => {
  await compare(page, 'finetune-Q6_K.gguf');
  await expect(page.getByTestId('lineage-card')).toHaveAttribute('data-verdict', 'derived');
  await expect(page.getByTestId('lineage-card')).toContainText('Not a plain quantization of the base');
  await expect(page.getByTestId('quantization')).toHaveAttribute('data-of-the-base', 'false');
});

test('the same type made from another model is unrelated', async ({ page }) => {
  await compare(page, 'other-Q8_0.gguf');
  await expect(page.getByTestId('lineage-card')).toHaveAttribute('data-verdict', 'unrelated');
});

test('a GGUF in a quantization that is not read says so', async ({ page }) => {
  await compare(page, 'base-IQ4_NL.gguf');
  await expect(page.getByTestId('lineage-card')).not.toHaveAttribute('data-verdict', 'quantized');
  await expect(page.getByTestId('quantization')).toContainText('use a quantization that is not read');
});
