import { test, expect, makeManyFiles } from './fixtures';
import { execSync } from 'node:child_process';
import { VerifyPage } from './pages/verify-page';
import { ReportViewerPage } from './pages/report-viewer';

test('a folder of 3000 files is verified, and its link stays short but pins every file', async ({ page, browser }) => {
  const { dir, cleanup } = makeManyFiles(3000);
  try {
    const verify = new VerifyPage(page);
    await verify.open();
    await verify.pickFolder(dir);
    await verify.waitForReport();
    await expect(verify.verdict()).toHaveText('Pass');
    await expect(page.getByTestId('hash-summary')).toContainText('Fingerprinted 3,000 files');
    await expect(page.getByTestId('hash-summary')).toContainText('scanned 3,000 files');
    await expect(page.getByRole('button', { name: 'Show all 3000 files' })).toBeVisible();
    const rootDigest = execSync(
      "find . -type f -printf '%P\\n' | LC_ALL=C sort | xargs -d '\\n' sha256sum | sha256sum | cut -d' ' -f1",
      { cwd: dir, encoding: 'utf8' },
    ).trim();
    await expect(page.getByTestId('root-digest')).toHaveText(rootDigest);

    const link = await verify.reportLink();
    expect(link.length).toBeLessThan(8192);
    const fresh = await browser.newContext();
    const viewer = new ReportViewerPage(await fresh.newPage());
    await viewer.open(link);
    await expect(viewer.status()).toHaveAttribute('data-status', 'valid');
    await expect(viewer.page.getByTestId('root-digest')).toHaveText(rootDigest);
    await expect(viewer.page.getByText('3000 fingerprinted files are not listed')).toBeVisible();
    await fresh.close();
  } finally {
    cleanup();
  }
});
