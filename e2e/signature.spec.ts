import { test, expect, type Page } from './fixtures';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { VerifyPage } from './pages/verify-page';

const vectors = join(process.cwd(), 'test', 'fixtures', 'oms', 'model-transparency');
const keyPem = () => readFileSync(join(vectors, 'keys/signing-key-pub.pem'), 'utf8');
const caPem = () => readFileSync(join(vectors, 'keys/ca-cert.pem'), 'utf8');

async function verifyFolder(page: Page, dir: string, trust: { key?: string; ca?: string; ignore?: string }) {
  const verify = new VerifyPage(page);
  await verify.open();
  await page.getByTestId('verify-options').locator('summary').click();
  if (trust.key) await page.getByTestId('opt-public-key').fill(trust.key);
  if (trust.ca) await page.getByTestId('opt-ca').fill(trust.ca);
  if (trust.ignore) await page.getByTestId('opt-ignore-paths').fill(trust.ignore);
  await verify.pickFolder(dir);
  await verify.waitForReport();
  await page.getByRole('button', { name: 'Show details' }).click();
  return verify;
}

// Real OMS signatures from model_signing releases (test/fixtures/oms, labels.json), checked in the browser.
for (const [name, folder, trust, expected] of [
  ['v1.1.0 private key', 'v1.1.0-elliptic-key', 'key', 'passed'],
  ['v1.1.0 certificate chain', 'v1.1.0-certificate', 'ca', 'passed'],
  ['v1.0.1 certificate chain, without its ignore path', 'v1.0.1-certificate', 'ca', 'failed'],
  ['a key signature checked against the certificate model', 'v1.1.0-certificate', 'key', 'failed'],
] as const) {
  test(`OMS vector in the browser: ${name} → signature ${expected}`, async ({ page }) => {
    await verifyFolder(page, join(vectors, folder), trust === 'key' ? { key: keyPem() } : { ca: caPem() });
    await expect(page.getByTestId('check-list')).toContainText(`Publisher signature — ${expected}`);
  });
}

test('OMS vector in the browser: v1.0.1 certificate chain with its ignore path → signature passed', async ({
  page,
}) => {
  // labels.json: mt-v1.0.1-certificate was signed with `ignore-me` left out (model_signing --ignore-paths).
  await verifyFolder(page, join(vectors, 'v1.0.1-certificate'), { ca: caPem(), ignore: 'ignore-me' });
  await expect(page.getByTestId('check-list')).toContainText('Publisher signature — passed');
});

test('OMS vector in the browser: v1.1.0 Sigstore keyless, right identity → passed; wrong identity → failed', async ({
  page,
}) => {
  const vector = join(vectors, 'v1.1.0-sigstore');
  const trustedRoot = join(vectors, '..', 'sigstore-trust', 'trusted_root.production.json');
  for (const [identity, expected] of [
    ['stefanb@us.ibm.com', 'passed'],
    ['someone-else@example.com', 'failed'],
  ] as const) {
    const verify = new VerifyPage(page);
    await verify.open();
    await page.getByTestId('verify-options').locator('summary').click();
    await page.getByTestId('opt-trusted-root').setInputFiles(trustedRoot);
    await page.getByTestId('opt-identity').fill(identity);
    await page.getByTestId('opt-issuer').fill('https://sigstore.verify.ibm.com/oauth2');
    await verify.pickFolder(vector);
    await verify.waitForReport();
    await page.getByRole('button', { name: 'Show details' }).click();
    await expect(page.getByTestId('check-list')).toContainText(`Publisher signature — ${expected}`);
  }
});

test('a folder signed in the browser verifies with the CLI, and a flipped byte fails naming the file', async ({
  page,
}) => {
  const root = mkdtempSync(join(tmpdir(), 'mg-sign-'));
  try {
    const dir = join(root, 'tiny-sentiment');
    cpSync(join(process.cwd(), 'public/demo/tiny-sentiment'), dir, { recursive: true });
    const verify = new VerifyPage(page);
    await verify.open();
    await verify.pickFolder(dir);
    await verify.waitForReport();
    const download = page.waitForEvent('download');
    await page.getByTestId('sign-folder').click();
    await (await download).saveAs(join(dir, 'model.sig'));
    await page.goto('/keys');
    const pem = (await page.getByTestId('own-public-key').textContent())!;
    writeFileSync(join(root, 'key.pem'), pem);

    const cli = (args: string[]) => spawnSync(process.execPath, ['cli/bin.mjs', ...args], { encoding: 'utf8' });
    const ok = cli(['verify', dir, '--key', join(root, 'key.pem'), '--json']);
    expect(ok.status, ok.stderr).toBe(0);
    expect(JSON.parse(ok.stdout).checks.find((c: { id: string }) => c.id === 'signature').status).toBe('pass');

    // And in the browser, with the same public key.
    await verifyFolder(page, dir, { key: pem });
    await expect(page.getByTestId('check-list')).toContainText('Publisher signature — passed');

    const weights = join(dir, 'model.safetensors');
    const bytes = readFileSync(weights);
    bytes[100] = bytes[100]! ^ 1;
    writeFileSync(weights, bytes);
    const bad = cli(['verify', dir, '--key', join(root, 'key.pem'), '--json']);
    expect(bad.status).toBe(2);
    expect(bad.stdout).toContain('model.safetensors');
    const browser = await verifyFolder(page, dir, { key: pem });
    await expect(browser.verdict()).toHaveText('Fail');
    await expect(page.getByTestId('findings')).toContainText('model.safetensors');
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
