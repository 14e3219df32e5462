import { test, expect } from './fixtures';
import { VerifyPage } from './pages/verify-page';
import { ReportViewerPage } from './pages/report-viewer';

test('the keys page shows a stable fingerprint and a PEM public key', async ({ page }) => {
  await page.goto('/keys');
  const fp = page.getByTestId('own-fingerprint');
  await expect(fp).toHaveAttribute('data-fingerprint', /^[0-9a-f]{64}$/);
  const first = await fp.getAttribute('data-fingerprint');
  await expect(page.getByTestId('own-public-key')).toContainText('-----BEGIN PUBLIC KEY-----');
  await page.reload();
  await expect(page.getByTestId('own-fingerprint')).toHaveAttribute('data-fingerprint', first!);
});

test('a signer added by PEM is trusted by the viewer, and removing it makes it unknown again', async ({
  page,
  browser,
}) => {
  // Make a report in one browser…
  const author = await browser.newContext();
  const authorPage = await author.newPage();
  const verify = new VerifyPage(authorPage);
  await verify.tryDemo();
  const link = await verify.reportLink();
  await authorPage.goto('/keys');
  const pem = (await authorPage.getByTestId('own-public-key').textContent())!;
  const fingerprint = (await authorPage.getByTestId('own-fingerprint').getAttribute('data-fingerprint'))!;
  await author.close();

  // …and trust its key in another.
  await page.goto('/keys');
  await page.getByTestId('signer-pem').fill('not a key');
  await page.getByTestId('add-signer').click();
  await expect(page.getByTestId('signer-error')).toContainText(/PEM|public key/i);
  await page.getByTestId('signer-label').fill('Release team');
  await page.getByTestId('signer-pem').fill(pem);
  await page.getByTestId('add-signer').click();
  await expect(page.getByTestId('trusted-signer')).toHaveAttribute('data-fingerprint', fingerprint);

  const viewer = new ReportViewerPage(page);
  await viewer.open(link);
  await expect(viewer.status()).toHaveAttribute('data-trusted', 'true');
  await expect(viewer.status()).toHaveAttribute('data-signer', 'trusted');
  await expect(page.getByTestId('signer-headline')).toContainText('Signed by Release team');

  await page.goto('/keys');
  await page.getByRole('button', { name: 'Remove' }).click();
  await expect(page.getByTestId('trusted-signer')).toHaveCount(0);
  await viewer.open(link);
  await expect(viewer.status()).toHaveAttribute('data-trusted', 'false');
  // Trusting straight from the report works too, after comparing the fingerprint and naming the signer.
  await page.getByTestId('trust-signer').click();
  await page.getByTestId('trust-label').fill('Release team');
  await page.getByTestId('trust-compared').check();
  await page.getByTestId('trust-confirm').click();
  await expect(viewer.status()).toHaveAttribute('data-trusted', 'true');
  await expect(page.getByTestId('signer-headline')).toContainText('Release team');
});
