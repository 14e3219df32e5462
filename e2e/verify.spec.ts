import type { Request } from '@playwright/test';
import { test, expect, makeModelFolder, sha256sum } from './fixtures';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { VerifyPage } from './pages/verify-page';
import { ReportViewerPage } from './pages/report-viewer';

const cleanups: (() => void)[] = [];
const onTestEnd = (fn: () => void) => cleanups.push(fn);
test.afterEach(() => {
  for (const fn of cleanups.splice(0)) fn();
});

test('the portal is cross-origin isolated and sends a strict CSP', async ({ page }) => {
  const response = await page.goto('/');
  expect(await page.evaluate(() => self.crossOriginIsolated)).toBe(true);
  const csp = response?.headers()['content-security-policy'] ?? '';
  expect(csp).toMatch(/script-src 'self' 'wasm-unsafe-eval' 'nonce-[^']+'/);
  const scriptSrc = csp.split(';').find((d) => d.trim().startsWith('script-src')) ?? '';
  expect(scriptSrc).not.toContain("'unsafe-inline'"); // inline script stays forbidden
  expect(scriptSrc).not.toContain("'unsafe-eval'");
  const connect = (policy: string) =>
    policy
      .split(';')
      .find((d) => d.trim().startsWith('connect-src'))
      ?.trim();
  // Only this origin, and blob: (object URLs of dropped files, for onnxruntime-web's external weights).
  expect(connect(csp)).toBe("connect-src 'self' blob:");
  // The inference worker, where untrusted models run, takes the CSP of its own response: the same limit.
  const worker = await page.request.get('/workers/infer.worker.js');
  expect(connect(worker.headers()['content-security-policy'] ?? '')).toBe("connect-src 'self' blob:");
});

test('a picked folder is hashed in workers, digests equal sha256sum, and no byte leaves the browser', async ({
  page,
  baseURL,
}) => {
  const { dir, files, cleanup } = makeModelFolder();
  onTestEnd(cleanup);
  const expected = sha256sum(dir, files);
  const requests: Request[] = [];
  const verify = new VerifyPage(page);
  await verify.open();
  page.on('request', (r) => requests.push(r));

  await verify.pickFolder(dir);
  await verify.waitForReport();

  // Everything is clean but empty.txt: an empty file is a finding (could not verify), so Review.
  await expect(verify.verdict()).toHaveText('Review');
  await expect(page.locator('[data-testid="finding"][data-code="MG-SCAN-905"]')).toContainText('empty.txt');
  const shown = await verify.digests();
  expect(new Map([...shown].sort())).toEqual(new Map([...expected].sort()));
  // Watch every request made during the verification: same origin only, and none carries a body.
  const origin = new URL(baseURL!).origin;
  for (const r of requests) {
    expect(new URL(r.url()).origin, r.url()).toBe(origin);
    expect(r.postDataBuffer(), `${r.method()} ${r.url()} has a body`).toBeNull();
  }
  // The hash workers are started while the page is idle (prewarmHashPool), so their script may have loaded
  // before the requests above were watched: check that they run instead.
  expect(page.workers().some((w) => w.url().includes('/workers/hash.worker.js'))).toBe(true);
});

test('dropping files on the page verifies them with their names', async ({ page }) => {
  const verify = new VerifyPage(page);
  await verify.open();
  const dataTransfer = await page.evaluateHandle(() => {
    const dt = new DataTransfer();
    dt.items.add(new File(['abc'], 'abc.txt'));
    dt.items.add(new File([''], 'empty.bin'));
    return dt;
  });
  await page.getByTestId('drop-zone').dispatchEvent('drop', { dataTransfer });
  await verify.waitForReport();
  const digests = await verify.digests();
  expect(digests.get('abc.txt')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  expect(digests.get('empty.bin')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
});

test('the signed link opens in a fresh browser as the same report, signed by this browser', async ({
  page,
  browser,
}) => {
  const { dir, cleanup } = makeModelFolder();
  onTestEnd(cleanup);
  const verify = new VerifyPage(page);
  await verify.open();
  await verify.pickFolder(dir);
  await verify.waitForReport();
  const digests = await verify.digests();
  const link = await verify.reportLink();
  expect(link.length).toBeLessThan(8192);
  await page.goto('/keys');
  const signer = await page.getByTestId('own-fingerprint').getAttribute('data-fingerprint');

  const fresh = await browser.newContext(); // no shared storage: "another browser"
  const viewer = new ReportViewerPage(await fresh.newPage());
  await viewer.open(link);
  await expect(viewer.status()).toHaveAttribute('data-status', 'valid');
  await expect(viewer.status()).toHaveAttribute('data-trusted', 'false');
  await expect(viewer.page.getByTestId('signer-fingerprint')).toHaveText(signer!.match(/.{4}/g)!.join(' '));
  await expect(viewer.page.getByTestId('verdict')).toHaveText('Review');
  const shown = await new VerifyPage(viewer.page).digests();
  expect(shown).toEqual(digests);
  await fresh.close();
});

test('a link with any changed character shows invalid or malformed and no report', async ({ page }) => {
  const verify = new VerifyPage(page);
  await verify.tryDemo();
  const link = await verify.reportLink();
  const hashAt = link.indexOf('#') + 1;
  const fragment = link.slice(hashAt);
  // A spread of positions across the version, body and checksum parts of the fragment.
  const positions = [0, 3, 4, 10, Math.floor(fragment.length / 2), fragment.length - 14, fragment.length - 1];
  const viewer = new ReportViewerPage(page);
  for (const i of positions) {
    const c = fragment[i]!;
    const changed = link.slice(0, hashAt + i) + (c === 'A' ? 'B' : 'A') + link.slice(hashAt + i + 1);
    await viewer.open(changed);
    await expect(viewer.status(), `position ${i}`).toHaveAttribute('data-status', /^(invalid|malformed)$/);
    await expect(page.getByTestId('verdict')).toHaveCount(0);
    await expect(page.getByTestId('file-table')).toHaveCount(0);
  }
});

test('Try the demo verifies the bundled model', async ({ page }) => {
  const verify = new VerifyPage(page);
  await verify.tryDemo();
  await expect(verify.verdict()).toHaveText('Pass');
  await expect(page.getByTestId('hash-summary')).toContainText(
    /^Fingerprinted 5 files \(.+\) in [\d.]+ s.*; scanned 5 files in/,
  );
  const digests = await verify.digests();
  const demoDir = join(process.cwd(), 'public/demo/tiny-sentiment');
  const files = ['README.md', 'config.json', 'model.safetensors', 'onnx/model.onnx', 'tokenizer.json'];
  expect(digests).toEqual(sha256sum(demoDir, files));
});

test('Cancel stops a running verification and the report says it is incomplete', async ({ page }) => {
  const { dir, cleanup } = makeModelFolder();
  onTestEnd(cleanup);

  const big = join(dir, 'big.bin');
  writeFileSync(big, Buffer.alloc(1536 * 1024 * 1024, 7)); // long enough to still be running when we click
  const verify = new VerifyPage(page);
  await verify.open();
  await verify.pickFiles([big]);
  await expect(page.getByTestId('hashing-progress')).toBeVisible();
  await page.getByTestId('cancel').click();
  await verify.waitForReport();
  await expect(verify.verdict()).toHaveText('Review');
  // It says how far it got, and claims no rate for a run it did not finish.
  const summary = page.getByTestId('hash-summary');
  await expect(summary).toHaveAttribute('data-cancelled', 'true');
  await expect(summary).toContainText(
    /^Cancelled after fingerprinting 0 of 1 file \(.+ of 1\.50 GiB\); the report lists/,
  );
  await expect(summary).not.toContainText('MB/s');
  await expect(summary).not.toHaveAttribute('data-bytes-per-second');
  await expect(page.getByTestId('findings')).toContainText('MG-RPT-001');
  await expect(page.locator('[data-path="big.bin"]')).toContainText('could not verify');
});

test('a malicious pickle is reported as Fail with the call it would make, in the portal and in the link', async ({
  page,
  browser,
}) => {
  const fixtures = join(process.cwd(), 'test/fixtures/scan');
  const verify = new VerifyPage(page);
  await verify.open();
  await verify.pickFiles([
    join(fixtures, 'malicious/t11-raw-pickle-named.bin'),
    join(fixtures, 'benign/torch-state-dict-zip.pt'),
  ]);
  await verify.waitForReport();
  await expect(verify.verdict()).toHaveText('Fail');
  await expect(page.locator('[data-path="t11-raw-pickle-named.bin"] [data-testid=file-scan]')).toHaveAttribute(
    'data-verdict',
    'malicious',
  );
  await expect(page.locator('[data-path="torch-state-dict-zip.pt"] [data-testid=file-scan]')).toHaveAttribute(
    'data-verdict',
    'benign',
  );
  await expect(page.getByTestId('findings')).toContainText('would run');
  const fresh = await browser.newContext();
  const viewer = new ReportViewerPage(await fresh.newPage());
  await viewer.open(await verify.reportLink());
  await expect(viewer.status()).toHaveAttribute('data-status', 'valid');
  await expect(viewer.page.getByTestId('verdict')).toHaveText('Fail');
  await expect(viewer.page.getByTestId('findings')).toContainText('would run');
  await fresh.close();
});

test('Try the demo by keyboard: when the run ends, the verdict is scrolled into view and has the focus', async ({
  page,
}) => {
  await page.setViewportSize({ width: 1000, height: 600 }); // the verdict lands below the fold
  const verify = new VerifyPage(page);
  await verify.open();
  await page.getByTestId('try-demo').focus();
  await page.keyboard.press('Enter');
  await verify.waitForReport();
  await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('verdict');
  await expect(page.locator('#verdict')).toBeInViewport();
});
