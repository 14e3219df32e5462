import { test, expect } from './fixtures';
import { VerifyPage } from './pages/verify-page';

test('printing a finished verification keeps the verdict, findings and files, without navigation or controls', async ({
  page,
}) => {
  const verify = new VerifyPage(page);
  await verify.tryDemo();
  // On screen the page has its controls.
  await expect(page.getByRole('navigation', { name: 'Main' })).toBeVisible();
  await expect(page.getByTestId('sign-folder')).toBeVisible();

  await page.emulateMedia({ media: 'print' });
  await expect(page.locator('nav')).toBeHidden();
  const buttons = page.locator('button');
  expect(await buttons.count()).toBeGreaterThan(0);
  for (const button of await buttons.all()) await expect(button).toBeHidden();
  for (const control of await page.locator('form, input, select, textarea').all()) await expect(control).toBeHidden();
  for (const testId of ['drop-zone', 'verify-options', 'runtime-panel', 'sign-section', 'save-section']) {
    await expect(page.getByTestId(testId)).toBeHidden();
  }
  await expect(page.getByTestId('report-downloads')).toBeHidden();
  await expect(page.getByText('Signed report link')).toBeHidden();
  await expect(page.getByText('Verifies tiny-sentiment, a small model bundled')).toBeHidden();

  // The verdict is a word in black, legible without the badge's background colour.
  await expect(verify.verdict()).toBeVisible();
  await expect(verify.verdict()).toHaveText('Pass');
  await expect(verify.verdict()).toHaveCSS('color', 'rgb(0, 0, 0)');
  await expect(page.getByRole('heading', { name: 'Findings' })).toBeVisible();
  await expect(page.getByTestId('file-row').first()).toBeVisible();
});
