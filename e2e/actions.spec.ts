import { type Download, type Page } from '@playwright/test';
import { test, expect } from './fixtures';
import AxeBuilder from '@axe-core/playwright';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { VerifyPage } from './pages/verify-page';
import { RegistryPage } from './pages/registry-page';
import { ReportViewerPage } from './pages/report-viewer';
import { makeModelFolder } from './fixtures';
import { parseReport } from '../core/report/parse-report';

const cleanups: (() => void)[] = [];
test.afterEach(() => {
  for (const fn of cleanups.splice(0)) fn();
});

/**
 * A folder whose pickles run os.system when loaded (`copies` of one): the scan's critical MG-SCAN-001 on each
 * makes the verdict Fail.
 */
function makeMaliciousFolder(copies = 1): string {
  const root = mkdtempSync(join(tmpdir(), 'mg-e2e-actions-'));
  cleanups.push(() => rmSync(root, { recursive: true, force: true }));
  const dir = join(root, 'suspicious-model');
  mkdirSync(dir);
  writeFileSync(join(dir, 'config.json'), '{"model_type":"test"}\n');
  for (let i = 0; i < copies; i++) {
    const name = i === 0 ? 't26-os-system.pkl' : `t26-os-system-${i}.pkl`;
    copyFileSync('test/fixtures/scan/malicious/t26-os-system.pkl', join(dir, name));
  }
  return dir;
}

async function verifyMalicious(page: Page, copies = 1): Promise<Download[]> {
  const verify = new VerifyPage(page);
  await verify.open();
  // Every download of the test, in order: a Cancel that downloaded anything would show up before the real one.
  const downloads: Download[] = [];
  page.on('download', (d) => downloads.push(d));
  await verify.pickFolder(makeMaliciousFolder(copies));
  await verify.waitForReport();
  await expect(verify.verdict()).toHaveText('Fail');
  return downloads;
}

/** Every axe violation (any impact) inside the open dialog. */
async function dialogViolations(page: Page): Promise<string[]> {
  const { violations } = await new AxeBuilder({ page })
    .include('dialog[open]')
    .withTags(['wcag2a', 'wcag2aa'])
    .analyze();
  return violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

test('on Fail, saving and signing are secondary actions and the page says why', async ({ page }) => {
  await verifyMalicious(page);
  await expect(page.getByTestId('registry-save')).toHaveClass(/btn-secondary/);
  await expect(page.getByTestId('registry-save')).not.toHaveClass(/btn-primary/);
  await expect(page.getByTestId('sign-folder')).toHaveClass(/btn-secondary/);
  await expect(page.getByTestId('save-warning')).toContainText('failed verification');
  await expect(page.getByTestId('sign-warning')).toContainText('failed verification');
});

test('signing a failed model asks first, naming its critical finding; Cancel and Escape download nothing', async ({
  page,
}) => {
  const downloads = await verifyMalicious(page);
  const dialog = page.getByRole('dialog', { name: 'Sign a model that did not pass?' });
  await page.getByTestId('sign-folder').click();
  await expect(dialog).toBeVisible();
  await expect(dialog.locator('[data-testid=confirm-problem][data-code="MG-SCAN-001"]')).toContainText(
    'This file would run a command or code when loaded in t26-os-system.pkl',
  );
  await expect(dialog).toContainText('your key vouches for these files');
  await expect(dialog.getByRole('button', { name: 'Cancel' })).toBeFocused();
  expect(await dialogViolations(page)).toEqual([]);

  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await expect(dialog).toBeHidden();
  await page.getByTestId('sign-folder').click();
  await expect(dialog).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();
  await expect(page.getByTestId('sign-done')).toHaveCount(0);

  await page.getByTestId('sign-folder').click();
  const download = page.waitForEvent('download');
  await dialog.getByRole('button', { name: 'Sign it anyway, I accept the risk' }).click();
  await download;
  expect(downloads.map((d) => d.suggestedFilename())).toEqual(['model.sig']);
  const done = page.getByTestId('sign-done');
  await expect(done).toContainText('FAILED verification');
  await expect(done).not.toContainText('Put it in the model folder');
});

test('saving a failed model asks first, naming its critical finding; Cancel saves nothing', async ({ page }) => {
  await verifyMalicious(page);
  const dialog = page.getByRole('dialog', { name: 'Save a model that did not pass?' });
  await page.getByTestId('registry-version').fill('1.0');
  await page.getByTestId('registry-save').click();
  await expect(dialog).toBeVisible();
  await expect(dialog.locator('[data-testid=confirm-problem][data-code="MG-SCAN-001"]')).toContainText(
    't26-os-system.pkl',
  );
  await expect(dialog.getByRole('button', { name: 'Cancel' })).toBeFocused();
  expect(await dialogViolations(page)).toEqual([]);

  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByTestId('registry-saved')).toHaveCount(0);
  await expect(page.getByTestId('registry-save')).toBeEnabled();

  await page.getByTestId('registry-save').click();
  await dialog.getByRole('button', { name: 'Save it anyway, I accept the risk' }).click();
  await expect(page.getByTestId('registry-saved')).toContainText('Saved suspicious-model 1.0');
  const registry = new RegistryPage(page);
  await registry.open();
  await expect(registry.entries()).toHaveCount(1);
  await expect(registry.entry('suspicious-model', '1.0').getByTestId('registry-verdict')).toHaveText('Fail');
});

test('a long list of problems is cut to eight, with how many more the page lists', async ({ page }) => {
  // Nine critical findings (one per pickle) and the missing model card (high): ten in all.
  await verifyMalicious(page, 9);
  await page.getByTestId('sign-folder').click();
  const dialog = page.getByRole('dialog', { name: 'Sign a model that did not pass?' });
  await expect(dialog.getByTestId('confirm-problem')).toHaveCount(8);
  await expect(dialog).toContainText('…and 2 more listed under Findings on the page.');
  expect(await dialogViolations(page)).toEqual([]);
});

test('on Review signing asks too, naming the findings a person should look at', async ({ page }) => {
  const { dir, cleanup } = makeModelFolder();
  cleanups.push(cleanup);
  rmSync(join(dir, 'README.md')); // no model card: a high provenance finding, so Review
  const verify = new VerifyPage(page);
  await verify.open();
  await verify.pickFolder(dir);
  await verify.waitForReport();
  await expect(verify.verdict()).toHaveText('Review');
  await expect(page.getByTestId('registry-save')).toHaveClass(/btn-secondary/);
  await expect(page.getByTestId('sign-warning')).toContainText('needs review');

  await page.getByTestId('sign-folder').click();
  const dialog = page.getByRole('dialog', { name: 'Sign a model that did not pass?' });
  await expect(dialog).toContainText('a person should look at these first');
  await expect(dialog.locator('[data-testid=confirm-problem][data-code="MG-PROV-016"]')).toContainText(
    'No model card was found',
  );
  const download = page.waitForEvent('download');
  await dialog.getByRole('button', { name: 'Sign it, I reviewed these problems' }).click();
  expect((await download).suggestedFilename()).toBe('model.sig');
  await expect(page.getByTestId('sign-done')).toContainText('only once a person has reviewed');
});

test('on Pass nothing is asked: saving is the primary action and signing downloads model.sig at once', async ({
  page,
}) => {
  const verify = new VerifyPage(page);
  await verify.tryDemo();
  await expect(verify.verdict()).toHaveText('Pass');
  await expect(page.getByTestId('registry-save')).toHaveClass(/btn-primary/);
  await expect(page.getByTestId('save-warning')).toHaveCount(0);

  const download = page.waitForEvent('download');
  await page.getByTestId('sign-folder').click();
  expect((await download).suggestedFilename()).toBe('model.sig');
  await expect(page.getByTestId('sign-done')).toHaveText('model.sig downloaded. Put it in the model folder.');

  await page.getByTestId('registry-version').fill('1.0');
  await page.getByTestId('registry-save').click();
  await expect(page.getByTestId('registry-saved')).toContainText('Saved tiny-sentiment 1.0');
  await expect(page.locator('dialog[open]')).toHaveCount(0);
});

async function downloadedText(page: Page, testId: string): Promise<{ name: string; text: string }> {
  const download = page.waitForEvent('download');
  await page.getByTestId(testId).click();
  const file = await download;
  return { name: file.suggestedFilename(), text: readFileSync((await file.path())!, 'utf8') };
}

test('the report downloads as JSON that parses as a Report and as SARIF 2.1.0 with one result per finding', async ({
  page,
}) => {
  const verify = new VerifyPage(page);
  await verify.tryDemo();

  const json = await downloadedText(page, 'download-report-json');
  expect(json.name).toBe('tiny-sentiment.modelgate.json');
  const parsed = parseReport(JSON.parse(json.text));
  if (!parsed.ok) throw new Error(parsed.reason);
  expect(parsed.report.subject.name).toBe('tiny-sentiment');
  expect(parsed.report.verdict).toBe('pass');
  await expect(page.getByTestId('finding')).toHaveCount(parsed.report.findings.length);

  const sarif = await downloadedText(page, 'download-sarif');
  expect(sarif.name).toBe('tiny-sentiment.sarif');
  const log = JSON.parse(sarif.text);
  expect(log.version).toBe('2.1.0');
  expect(log.runs[0].tool.driver.name).toBe(parsed.report.tool.name);
  expect(log.runs[0].results).toHaveLength(parsed.report.findings.length);
  expect(log.runs[0].results.map((r: { ruleId: string }) => r.ruleId)).toEqual(
    parsed.report.findings.map((f) => f.code),
  );

  // The link viewer offers the report as the link carries it, and says so.
  const link = await verify.reportLink();
  const viewer = new ReportViewerPage(page);
  await viewer.open(link);
  await expect(page.getByTestId('download-report-json')).toHaveText('Download report (JSON, as the link carries it)');
  const shared = await downloadedText(page, 'download-report-json');
  const fromLink = parseReport(JSON.parse(shared.text));
  expect(fromLink.ok && fromLink.report.subject.name).toBe('tiny-sentiment');
});
