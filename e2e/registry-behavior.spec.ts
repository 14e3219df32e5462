import { test, expect, type Page } from './fixtures';
import { cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 *  with 's statistics: a model saved with its behavioral baseline (Compare page), then a
 * later version under the same name — here the poisoned code LM — drifts from it on code-security only, and
 * its changed files are findings.
 */
const demo = (name: string) => join(process.cwd(), 'public/demo', name);

/** The demo model copied into a folder called `my-code-lm`, so that both versions carry one name. */
function asMyModel(source: string): string {
  const folder = join(mkdtempSync(join(tmpdir(), 'mg-drift-')), 'my-code-lm');
  cpSync(demo(source), folder, { recursive: true });
  return folder;
}

async function compare(page: Page, finetune: string) {
  await page.goto('/compare');
  await expect(page.locator('html[data-hydrated]')).toHaveCount(1);
  await page.getByTestId('finetune-input').setInputFiles(finetune);
  await page.getByTestId('base-input').setInputFiles(demo('code-lm-base'));
  await page.getByText('Behavior options').click();
  await page.getByTestId('provider').selectOption('wasm');
  await page.getByTestId('trigger-budget').fill('0');
  await page.getByTestId('run-compare').click();
  await expect(page.getByTestId('behavior-view')).toBeVisible({ timeout: 120_000 });
}

test('a saved behavioral baseline catches drift in a later version of the same model', async ({ page }) => {
  test.setTimeout(240_000);
  await compare(page, asMyModel('code-lm-benign'));
  await page.getByTestId('registry-version').fill('1.0');
  await page.getByTestId('registry-save').click();
  // The trigger scan was turned off (budget 0), so the run is Review, and saving it asks first.
  await page.getByTestId('confirm-save-accept').click();
  await expect(page.getByTestId('registry-saved')).toContainText('my-code-lm 1.0');

  await compare(page, asMyModel('code-lm-poisoned'));
  await expect(page.getByTestId('registry-comparison')).toContainText('saved version 1.0');
  const drift = page.getByTestId('behavior-drift');
  await expect(drift).toBeVisible();
  await expect(drift.getByTestId('flagged-category')).toHaveCount(1);
  await expect(drift.getByTestId('flagged-category')).toHaveAttribute('data-category', 'code-security');
  // The weights changed too: the registry comparison names the changed files as findings.
  await expect(page.getByText('Since the saved version:').first()).toBeVisible();
});
