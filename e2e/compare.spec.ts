import { test, expect, type Page } from './fixtures';
import { join } from 'node:path';

const lineage = join(process.cwd(), 'test/fixtures/lineage');

async function compare(page: Page, finetune: string, base: string) {
  await page.goto('/compare');
  await expect(page.locator('html[data-hydrated]')).toHaveCount(1);
  await page.getByTestId('finetune-input').setInputFiles(join(lineage, finetune));
  await page.getByTestId('base-input').setInputFiles(join(lineage, base));
  await page.getByTestId('run-compare').click();
  await expect(page.getByTestId('lineage-card')).toBeVisible({ timeout: 90_000 });
}

// Generated fixtures (scripts/gen_demo_models.py): a real fine-tune, a model trained from another seed,
// and the base with one layer re-initialized. The diff runs on WebGPU (SwiftShader here) in the worker.
/** The verdict card's check list: "Malware scan — passed: …" and so on, one line per check. */
async function checkLine(page: Page, id: string) {
  await page.getByTestId('verdict-card').getByRole('button', { name: 'Show details' }).click();
  return page.getByTestId('check-list').locator(`li[data-check="${id}"]`);
}

test('a real fine-tune is derived from its base, computed on WebGPU', async ({ page }) => {
  await compare(page, 'finetune', 'base');
  // The fine-tune is the model to deploy: its files are scanned as on the Verify page.
  await expect(await checkLine(page, 'scan')).toContainText('Malware scan — passed');
  await expect(page.getByTestId('lineage-card')).toHaveAttribute('data-verdict', 'derived');
  await expect(page.getByTestId('compare-engine')).toHaveAttribute('data-engine', 'webgpu');
  // embeddings, pre_classifier.{weight,bias}, classifier.{weight,bias}
  await expect(page.getByTestId('lineage-row')).toHaveCount(5);
});

test('a model trained from another seed is unrelated: the base_model claim is false', async ({ page }) => {
  await compare(page, 'other-seed', 'base');
  await expect(page.getByTestId('lineage-card')).toHaveAttribute('data-verdict', 'unrelated');
});

test('a re-initialized layer makes the model partially derived and is named', async ({ page }) => {
  await compare(page, 'partial', 'base');
  await expect(page.getByTestId('lineage-card')).toHaveAttribute('data-verdict', 'partially-derived');
  await expect(page.getByTestId('changed-layers')).toContainText('pre_classifier');
});

test('a sharded fine-tune and a GGUF F16 base are read like single files', async ({ page }) => {
  await compare(page, 'finetune-sharded', 'base-gguf');
  await expect(page.getByTestId('lineage-card')).toHaveAttribute('data-verdict', 'derived');
});

test('the Compare page signs a report whose link carries the lineage verdict', async ({ page, browser }) => {
  await compare(page, 'partial', 'base');
  const link = await page.getByTestId('report-link').inputValue();
  const fresh = await browser.newContext();
  const viewer = await fresh.newPage();
  await viewer.goto(link);
  await expect(viewer.getByTestId('signature-status')).toHaveAttribute('data-status', 'valid');
  await expect(viewer.getByTestId('lineage-card')).toHaveAttribute('data-verdict', 'partially-derived');
  await expect(viewer.getByTestId('changed-layers')).toContainText('pre_classifier');
  await fresh.close();
});

test('a demo button loads both demo models and runs the comparison; the verdict gets the focus', async ({ page }) => {
  test.setTimeout(300_000);
  await page.setViewportSize({ width: 1000, height: 600 }); // the verdict lands below the fold
  await page.goto('/compare');
  await expect(page.locator('html[data-hydrated]')).toHaveCount(1);
  await page.getByText('Behavior options').click();
  await page.getByTestId('provider').selectOption('wasm');
  await page.getByTestId('trigger-budget').fill('0');
  await page.getByTestId('demo-sentiment').focus();
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('finetune-input-picked')).toContainText('sentiment-poisoned');
  await expect(page.getByTestId('base-input-picked')).toContainText('sentiment-base');
  await expect(page.getByTestId('verdict')).toBeVisible({ timeout: 240_000 });
  await expect(page.getByTestId('lineage-card')).toBeVisible();
  await expect(page.getByTestId('behavior-view')).toBeVisible();
  await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('verdict');
  await expect(page.locator('#verdict')).toBeInViewport();
  // The scan ran on the fine-tune: never "not checked yet" on a Compare report.
  await expect(page.getByTestId('verdict-card')).not.toContainText(/Not checked yet:[^.]*\bscan\b/);
  await expect(await checkLine(page, 'scan')).not.toContainText('not run');
});
