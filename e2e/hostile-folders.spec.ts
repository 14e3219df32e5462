import { test, expect } from './fixtures';
import { join } from 'node:path';
import { VerifyPage } from './pages/verify-page';

// A folder with a malicious pickle and a file built to break a parser (test/fixtures/hostile/README.md)
// still yields a report on the Verify page: verdict Fail, the pickle found, the broken file named.
const HOSTILE = join(process.cwd(), 'test/fixtures/hostile');

for (const { folder, broken } of [
  { folder: 'long-license', broken: 'README.md' },
  { folder: 'deep-tokenizer', broken: 'tokenizer.json' },
]) {
  test(`a hostile ${folder} folder still gets a report: Fail, the pickle found, ${broken} named`, async ({ page }) => {
    const verify = new VerifyPage(page);
    await verify.open();
    await verify.pickFolder(join(HOSTILE, folder));
    await verify.waitForReport();
    await expect(verify.verdict()).toHaveText('Fail');
    const pickle = page.locator('[data-testid="finding"][data-code="MG-SCAN-001"]');
    await expect(pickle.first()).toContainText('pytorch_model.bin');
    const named = page.locator('[data-testid="finding"]').filter({ hasText: broken }).filter({ hasNotText: /^info/ });
    expect(await named.count()).toBeGreaterThan(0);
  });
}
