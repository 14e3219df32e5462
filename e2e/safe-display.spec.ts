import AxeBuilder from '@axe-core/playwright';
import { test, expect, expectNoSidewaysScroll, type Page } from './fixtures';
import { VerifyPage } from './pages/verify-page';

// Names built to deceive or to break the layout: a right-to-left override that makes "config<RLO>nosj.json"
// read "confignib.json"-style, a 300-character name with no break opportunity, and spaces at both ends.
const RLO_NAME = 'config\u202Enosj.json';
const LONG_NAME = `${'w'.repeat(292)}.weights`;
const SPACED_NAME = '  spaced name.txt  ';

async function dropHostileNames(page: Page) {
  const verify = new VerifyPage(page);
  await verify.open();
  await page.getByTestId('file-input').setInputFiles([
    { name: 'config.json', mimeType: 'application/json', buffer: Buffer.from('{"model_type":"test"}\n') },
    { name: RLO_NAME, mimeType: 'application/json', buffer: Buffer.from('{}\n') },
    { name: LONG_NAME, mimeType: 'application/octet-stream', buffer: Buffer.from('not a weight file\n') },
    { name: SPACED_NAME, mimeType: 'text/plain', buffer: Buffer.from('hello\n') },
  ]);
  await verify.waitForReport();
  return verify;
}

const row = (page: Page, path: string) => page.locator(`[data-testid="file-row"][data-path="${path}"]`);

test('hostile file names are shown as they are: RLO escaped, end spaces marked, no sideways scroll', async ({
  page,
}) => {
  expect(LONG_NAME).toHaveLength(300);
  await dropHostileNames(page);
  const table = page.getByTestId('file-table');
  await expect(table).toContainText('U+202E');
  // No text a reader sees in the table holds the override itself (attributes may: they are not displayed).
  expect(await table.innerText()).not.toContain('\u202E');
  // Two marked spaces before the name and two after it.
  const spaced = row(page, SPACED_NAME).getByTestId('file-path');
  await expect(spaced.locator('mark')).toHaveCount(4);
  await expect(spaced.locator('mark').first()).toContainText('U+0020');
  await expect(spaced).toContainText('spaced name.txt');
  await expect(row(page, LONG_NAME)).toHaveCount(1);
  await expectNoSidewaysScroll(page);
});

test('on a phone each file is a stacked block: the digest has a full-width line and takes at most two lines', async ({
  page,
}) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await dropHostileNames(page);
  const file = row(page, 'config.json');
  const digest = file.getByTestId('file-sha256');
  await expect(digest).toHaveText(/^[0-9a-f]{64}$/);
  const [rowBox, digestBox, pathBox] = await Promise.all([
    file.boundingBox(),
    digest.boundingBox(),
    file.getByTestId('file-path').boundingBox(),
  ]);
  const lineHeight = await digest.evaluate((el) => parseFloat(getComputedStyle(el).lineHeight));
  // The digest sits below the path, not beside it, and wraps to two lines at most.
  expect(digestBox!.y).toBeGreaterThan(pathBox!.y + pathBox!.height - 1);
  expect(digestBox!.width).toBeGreaterThan(rowBox!.width * 0.6);
  expect(digestBox!.height).toBeLessThanOrEqual(lineHeight * 2 + 1);
  // Copying still copies the whole digest.
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
  await file.getByRole('button', { name: /^Copy SHA-256 of/ }).click();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(await digest.textContent());
});

test('the report with hostile names has no accessibility violations', async ({ page }) => {
  await dropHostileNames(page);
  const { violations } = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'])
    .analyze();
  expect(violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
});

for (const path of ['/', '/compare', '/registry', '/keys', '/r#v1.AAAA.AAAAAAAAAAA']) {
  test(`on ${path} the first Tab focuses the skip link, with a 2 px ring, and Enter moves focus to the main content`, async ({
    page,
  }) => {
    await page.goto(path);
    await expect(page.locator('html[data-hydrated]')).toHaveCount(1);
    await page.keyboard.press('Tab');
    const skip = page.getByRole('link', { name: 'Skip to main content' });
    await expect(skip).toBeFocused();
    await expect(skip).toBeInViewport();
    const ring = await skip.evaluate((el) => getComputedStyle(el));
    expect(ring.outlineStyle).not.toBe('none');
    expect(parseFloat(ring.outlineWidth)).toBeGreaterThanOrEqual(2);
    await page.keyboard.press('Enter');
    await expect(page.locator('main#main')).toBeFocused();
    // The report viewer reads its report from the fragment: skipping must not replace it.
    expect(new URL(page.url()).hash).toBe(new URL(path, 'http://x').hash);
  });
}

test('every control the keyboard reaches on the Verify page shows a focus ring of at least 2 px', async ({ page }) => {
  await new VerifyPage(page).open();
  const seen: string[] = [];
  for (let i = 0; i < 12; i++) {
    await page.keyboard.press('Tab');
    const focused = await page.evaluate(() => {
      const el = document.activeElement as HTMLElement | null;
      if (!el || el === document.body) return null;
      const style = getComputedStyle(el);
      return { name: el.textContent?.trim() || el.tagName, style: style.outlineStyle, width: style.outlineWidth };
    });
    if (!focused) break;
    seen.push(focused.name);
    expect(focused.style, `outline of "${focused.name}"`).not.toBe('none');
    expect(parseFloat(focused.width), `outline of "${focused.name}"`).toBeGreaterThanOrEqual(2);
  }
  expect(seen.length).toBeGreaterThan(5);
});

test('the runtime panel speaks plainly first; engine and adapter details are behind "Details"', async ({ page }) => {
  await new VerifyPage(page).open();
  const panel = page.getByTestId('runtime-panel');
  await expect(panel.getByTestId('runtime-summary')).toHaveText(
    /^(Behavior checks can use this computer's graphics chip\.|Behavior checks will run on the processor, slower\.)$/,
  );
  await expect(panel.getByTestId('webgpu-status')).toBeHidden();
  await expect(panel.getByTestId('isolation-status')).toBeHidden();
  expect(await panel.innerText()).not.toMatch(/WebGPU|WASM|adapter|swiftshader|cross-origin/i);
  await panel.getByText('Details', { exact: true }).click();
  await expect(panel.getByTestId('webgpu-status')).toBeVisible();
  await expect(panel.getByTestId('isolation-status')).toBeVisible();
});
