import { test, expect, type Page } from './fixtures';
import { spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { VerifyPage } from './pages/verify-page';
import { ReportViewerPage } from './pages/report-viewer';

// Issue #7: `modelgate verify` and the Verify page run the same checks with the same core code, so the
// CLI's JSON and the browser's report for the same folder agree on every finding code.

const DEMO = join(process.cwd(), 'public/demo/tiny-sentiment');

function cli(args: string[]) {
  return spawnSync(process.execPath, ['cli/bin.mjs', ...args], { encoding: 'utf8' });
}

interface CliReport {
  verdict: string;
  findings: { code: string }[];
  checks: { id: string; status: string }[];
}

function cliReport(dir: string): { status: number | null; report: CliReport } {
  const r = cli(['verify', dir, '--json']);
  expect(r.stderr).not.toMatch(/internal error|TypeError/);
  return { status: r.status, report: JSON.parse(r.stdout) as CliReport };
}

async function browserCodes(page: Page, dir: string): Promise<{ codes: string[]; verdict: string }> {
  const verify = new VerifyPage(page);
  await verify.open();
  await verify.pickFolder(dir);
  await verify.waitForReport();
  const codes = await page
    .getByTestId('finding')
    .evaluateAll((items) => items.map((li) => li.getAttribute('data-code') ?? ''));
  return { codes: codes.sort(), verdict: ((await verify.verdict().textContent()) ?? '').toLowerCase() };
}

const EXIT = { pass: 0, review: 1, fail: 2 } as Record<string, number>;

let root = '';
test.beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'mg-parity-'));
});
test.afterAll(() => rmSync(root, { recursive: true, force: true }));

test('the CLI and the Verify page report the same finding codes for the demo model', async ({ page }) => {
  const dir = join(root, 'tiny-sentiment');
  cpSync(DEMO, dir, { recursive: true });
  const { status, report } = cliReport(dir);
  expect(status).toBe(EXIT[report.verdict]);
  expect(report.checks.find((c) => c.id === 'provenance')?.status).toBe('pass');
  const browser = await browserCodes(page, dir);
  expect(browser.codes).toEqual(report.findings.map((f) => f.code).sort());
  expect(browser.verdict).toBe(report.verdict);
  await expect(page.getByTestId('provenance')).toHaveAttribute('data-status', 'pass');
  await expect(page.getByTestId('provenance-license')).toContainText('apache-2.0');
  await expect(page.getByTestId('provenance-dataset')).toHaveAttribute('data-dataset', 'modelgate/synthetic-sentiment');

  // The ML-BOM downloaded from the page lists the same files, with the same digests, as the CLI's.
  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Download CycloneDX ML-BOM' }).click();
  const file = await download;
  expect(file.suggestedFilename()).toBe('tiny-sentiment.cdx.json');
  const saved = join(root, 'browser.cdx.json');
  await file.saveAs(saved);
  const fromBrowser = JSON.parse(readFileSync(saved, 'utf8')) as Record<string, unknown>;
  const out = join(root, 'cli.cdx.json');
  expect(cli(['verify', dir, '--cyclonedx', out]).status).toBe(0);
  const fromCli = JSON.parse(readFileSync(out, 'utf8')) as Record<string, unknown>;
  expect(fromBrowser.specVersion).toBe('1.6');
  expect(fromBrowser.serialNumber).toBe(fromCli.serialNumber);
  expect(fromBrowser.components).toEqual(fromCli.components);
});

test('a folder with a card missing its license and a malicious pickle: same codes, fail in both', async ({ page }) => {
  const dir = join(root, 'bad-model');
  cpSync(DEMO, dir, { recursive: true });
  const card = readFileSync(join(DEMO, 'README.md'), 'utf8');
  writeFileSync(join(dir, 'README.md'), card.replace(/^license:.*\n/m, ''));
  copyFileSync(
    join(process.cwd(), 'test/fixtures/scan/malicious/t18-memo-binput-binget-stack-global.pkl'),
    join(dir, 'pytorch_model.bin'),
  );
  const { status, report } = cliReport(dir);
  expect(report.verdict).toBe('fail');
  expect(status).toBe(2);
  const codes = report.findings.map((f) => f.code).sort();
  expect(codes).toContain('MG-PROV-003');
  expect(codes.some((c) => c.startsWith('MG-SCAN-'))).toBe(true);
  const browser = await browserCodes(page, dir);
  expect(browser.codes).toEqual(codes);
  expect(browser.verdict).toBe('fail');
  await expect(page.getByTestId('provenance')).toHaveAttribute('data-status', 'review');
  await expect(page.getByTestId('provenance-license')).toHaveText('not declared');
});

test('a link printed by the CLI verifies in the browser', async ({ page, baseURL }) => {
  const r = cli(['verify', DEMO, '--link', '--origin', baseURL!]);
  expect(r.status, r.stderr).toBe(0);
  const link = /(https?:\/\/\S+\/r#\S+)/.exec(r.stdout)?.[1];
  expect(link, r.stdout).toBeTruthy();
  const viewer = new ReportViewerPage(page);
  await viewer.open(link!);
  await expect(viewer.status()).toHaveAttribute('data-status', 'valid');
  await expect(page.getByTestId('verdict')).toHaveText('Pass');
  // The provenance record travels in the link; the BOM download needs the full report, so it is not offered.
  await expect(page.getByTestId('provenance')).toBeVisible();
  await expect(page.getByTestId('download-cyclonedx')).toHaveCount(0);
});
