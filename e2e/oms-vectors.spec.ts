import { test, expect } from './fixtures';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { VerifyPage } from './pages/verify-page';
import type { LabelCase as Case } from '../core/sign/oms/vectors-node';

// Every OMS vector of test/fixtures/oms/labels.json whose model is a folder, through the portal's UI
// (the signature worker runs the same core as the CLI). Single-file models (resource name ".") are a CLI
// feature: the portal verifies folders.
const root = join(process.cwd(), 'test', 'fixtures', 'oms');
const { cases } = JSON.parse(readFileSync(join(root, 'labels.json'), 'utf8')) as { cases: Case[] };

for (const c of cases.filter((x) => statSync(join(root, x.model_path)).isDirectory())) {
  test(`OMS vector ${c.id} in the browser → ${c.expected}`, async ({ page }) => {
    const verify = new VerifyPage(page);
    await verify.open();
    await page.getByTestId('verify-options').locator('summary').click();
    if (c.method === 'key')
      await page.getByTestId('opt-public-key').fill(readFileSync(join(root, c.public_key!), 'utf8'));
    if (c.method === 'certificate') {
      const pems = c.ca_certs!.map((p) => readFileSync(join(root, p), 'utf8')).join('\n');
      await page.getByTestId('opt-ca').fill(pems);
    }
    if (c.method === 'sigstore') {
      await page.getByTestId('opt-trusted-root').setInputFiles(join(root, c.trusted_root!));
      await page.getByTestId('opt-identity').fill(c.identity!);
      await page.getByTestId('opt-issuer').fill(c.oidc_issuer!);
    }
    if (c.signature !== `${c.model_path}/model.sig`) {
      await page.getByTestId('opt-signature-file').setInputFiles(join(root, c.signature));
    }
    if (c.options.extra_ignore_paths.length) {
      await page.getByTestId('opt-ignore-paths').fill(c.options.extra_ignore_paths.join('\n'));
    }
    await verify.pickFolder(join(root, c.model_path));
    await verify.waitForReport();
    await page.getByRole('button', { name: 'Show details' }).click();
    await expect(page.getByTestId('check-list')).toContainText(
      `Publisher signature — ${c.expected === 'pass' ? 'passed' : 'failed'}`,
    );
  });
}
