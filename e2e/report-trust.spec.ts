import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, type Browser, type Page } from '@playwright/test';
import { test } from './fixtures';
import AxeBuilder from '@axe-core/playwright';
import { VerifyPage } from './pages/verify-page';
import { ReportViewerPage } from './pages/report-viewer';

/** The attacker's tool: a real link re-signed with a fresh key after an edit (scripts/forge-report-link.ts). */
function forge(link: string, edit = 'resign'): string {
  return execFileSync(process.execPath, ['--import', 'tsx', 'scripts/forge-report-link.ts', link, edit], {
    encoding: 'utf8',
  }).trim();
}

async function demoLink(page: Page): Promise<string> {
  const verify = new VerifyPage(page);
  await verify.tryDemo();
  return verify.reportLink();
}

async function inFreshBrowser<T>(browser: Browser, run: (viewer: ReportViewerPage) => Promise<T>): Promise<T> {
  const context = await browser.newContext();
  try {
    return await run(new ReportViewerPage(await context.newPage()));
  } finally {
    await context.close();
  }
}

/** Green as a reader sees it: the green channel clearly above red and blue. */
async function looksGreen(page: Page, selector: string): Promise<boolean> {
  const colours = await page.locator(selector).evaluate((el) => {
    const all = [el, ...Array.from(el.querySelectorAll('*'))];
    return all.flatMap((e) => [getComputedStyle(e).backgroundColor, getComputedStyle(e).borderTopColor]);
  });
  return colours.some((c) => {
    const [r, g, b] = (c.match(/\d+(\.\d+)?/g) ?? []).map(Number);
    return g !== undefined && r !== undefined && b !== undefined && g > r + 40 && g > b + 20;
  });
}

async function axeViolations(page: Page): Promise<string[]> {
  const { violations } = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa']).analyze();
  return violations.map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

test('a link re-signed by a fresh key: unknown signer first, the verdict only a claim, never green', async ({
  page,
  browser,
}) => {
  const link = await demoLink(page);
  const forged = forge(link, 'resign');
  await inFreshBrowser(browser, async (viewer) => {
    await viewer.open(forged);
    await expect(viewer.status()).toHaveAttribute('data-signer', 'unknown');
    await expect(viewer.page.getByTestId('signer-headline')).toContainText('Unknown signer');
    await expect(viewer.status()).toContainText('Anyone can make a link like this');
    await expect(viewer.page.getByTestId('verdict')).toHaveText('Pass');
    await expect(viewer.page.getByTestId('verdict-card')).toHaveAttribute('data-claimed', 'true');
    await expect(viewer.page.getByTestId('deploy-answer')).toContainText('Not known');
    // Who signed comes before what they claim, and nothing on the way is green.
    const signerTop = (await viewer.status().boundingBox())!.y;
    const verdictTop = (await viewer.page.getByTestId('verdict-card').boundingBox())!.y;
    expect(signerTop).toBeLessThan(verdictTop);
    // Nowhere on the page: not the verdict, the signer panel, the file badges or any section.
    expect(await looksGreen(viewer.page, 'main')).toBe(false);
    expect(await axeViolations(viewer.page)).toEqual([]);
  });
});

test('the browser that made a link says so; a signer trusted under a name shows that name', async ({
  page,
  browser,
}) => {
  const link = await demoLink(page);
  const own = new ReportViewerPage(page);
  await own.open(link);
  await expect(own.status()).toHaveAttribute('data-signer', 'this-browser');
  await expect(own.page.getByTestId('signer-headline')).toContainText('Made in this browser');
  await expect(own.page.getByTestId('verdict-card')).toHaveAttribute('data-claimed', 'false');
  await expect(own.page.getByTestId('deploy-answer')).toHaveAttribute('data-answer', 'Yes');

  const context = await browser.newContext();
  const viewer = new ReportViewerPage(await context.newPage());
  await viewer.open(link);
  await expect(viewer.status()).toHaveAttribute('data-signer', 'unknown');
  await viewer.page.getByTestId('trust-signer').click();
  const dialog = viewer.page.getByTestId('trust-dialog');
  await expect(dialog).toBeVisible();
  await expect(dialog.getByTestId('trust-fingerprint')).toHaveText(
    (await viewer.page.getByTestId('signer-fingerprint').textContent())!,
  );
  expect(await axeViolations(viewer.page)).toEqual([]);
  // Both the name and the comparison are required.
  await dialog.getByTestId('trust-confirm').click();
  await expect(dialog).toBeVisible();
  await dialog.getByTestId('trust-label').fill('Release team');
  await dialog.getByTestId('trust-compared').check();
  await dialog.getByTestId('trust-confirm').click();
  await expect(viewer.status()).toHaveAttribute('data-signer', 'trusted');
  await expect(viewer.page.getByTestId('signer-headline')).toContainText('Signed by Release team');
  await expect(viewer.page.getByTestId('verdict-card')).toHaveAttribute('data-claimed', 'false');

  // Adding the same key again without a name keeps the name.
  await page.goto('/keys');
  const pem = (await page.getByTestId('own-public-key').textContent())!;
  await viewer.page.goto('/keys');
  await viewer.page.getByTestId('signer-pem').fill(pem);
  await viewer.page.getByTestId('add-signer').click();
  await expect(viewer.page.getByTestId('trusted-signer')).toHaveCount(1);
  await expect(viewer.page.getByTestId('trusted-signer')).toContainText('Release team');
  await context.close();
});

test('a key pinned by the site shows as trusted by this site, with its name', async ({ page, browser }) => {
  const link = await demoLink(page);
  await page.goto('/keys');
  const pem = (await page.getByTestId('own-public-key').textContent())!;
  const context = await browser.newContext();
  // The deployer's static file, as public/trusted-signers.json would hold it on their deployment.
  await context.route('**/trusted-signers.json', (route) =>
    route.fulfill({
      contentType: 'application/json',
      body: JSON.stringify({
        schema: 'modelgate.site-signers/v1',
        signers: [{ label: 'Example Corp release key', publicKeyPem: pem }],
      }),
    }),
  );
  const viewer = new ReportViewerPage(await context.newPage());
  await viewer.open(link);
  await expect(viewer.status()).toHaveAttribute('data-signer', 'site');
  await expect(viewer.page.getByTestId('signer-headline')).toContainText(
    'Signed by Example Corp release key, trusted by this site',
  );
  await viewer.page.goto('/keys');
  await expect(viewer.page.getByTestId('site-signer')).toContainText('Example Corp release key');
  await context.close();
});

test('a self-signed link whose verdict does not follow from its findings, or whose digest does not match, is refused', async ({
  page,
  browser,
}) => {
  // A folder with an empty file: a finding, so the honest verdict is Review.
  const root = mkdtempSync(join(tmpdir(), 'mg-e2e-empty-'));
  const dir = join(root, 'with-empty-file');
  mkdirSync(dir);
  writeFileSync(join(dir, 'config.json'), '{"model_type":"test"}\n');
  writeFileSync(join(dir, 'README.md'), readFileSync('public/demo/tiny-sentiment/README.md'));
  writeFileSync(join(dir, 'model.safetensors'), '');
  try {
    const verify = new VerifyPage(page);
    await verify.open();
    await verify.pickFolder(dir);
    await verify.waitForReport();
    await expect(verify.verdict()).toHaveText('Review');
    await expect(page.locator('[data-testid="finding"][data-code="MG-SCAN-905"]')).toHaveCount(1);
    const link = await verify.reportLink();

    for (const [edit, problem] of [
      ['pass', /says pass, but its own checks and findings give review/],
      ['digest', /whole-model digest does not match/],
    ] as const) {
      // Signed by this very browser: trust does not make an inconsistent report acceptable.
      const own = new ReportViewerPage(page);
      const forged = forge(link, edit);
      await inFreshBrowser(browser, async (viewer) => {
        await viewer.open(forged);
        await expect(viewer.status()).toHaveAttribute('data-status', 'inconsistent');
        await expect(viewer.page.getByTestId('inconsistencies')).toContainText(problem);
        await expect(viewer.page.getByTestId('verdict')).toHaveCount(0);
        await expect(viewer.page.getByTestId('file-table')).toHaveCount(0);
        expect(await axeViolations(viewer.page)).toEqual([]);
      });
      await own.open(link);
      await expect(own.status()).toHaveAttribute('data-status', 'valid');
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('a report naming its model with a right-to-left override shows the name escaped', async ({ page, browser }) => {
  const link = await demoLink(page);
  const forged = forge(link, 'name=gpt2\u202Elaiciffo');
  await inFreshBrowser(browser, async (viewer) => {
    await viewer.open(forged);
    await expect(viewer.status()).toHaveAttribute('data-status', 'valid');
    const coverage = viewer.page.getByTestId('coverage');
    await expect(coverage).toContainText('U+202E');
    expect(await coverage.innerText()).not.toContain('\u202E');
  });
});

test('the link carries the browser family and major version, not the user-agent string', async ({ page }) => {
  const link = await demoLink(page);
  const report = JSON.parse(forge(link, 'show'));
  expect(report.environment.userAgent).toMatch(/^Chrome \d+$/);
  expect(JSON.stringify(report)).not.toContain('Mozilla');
});
