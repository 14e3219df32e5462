import AxeBuilder from '@axe-core/playwright';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, expect, expectNoSidewaysScroll, type Page } from './fixtures';
import { VerifyPage } from './pages/verify-page';

// Names built to deceive or to break the layout: a right-to-left override that makes "config<RLO>nosj.json"
// read "confignib.json"-style, a 300-character name with no break opportunity, and spaces at both ends.
const RLO_NAME = 'config\u202Enosj.json';
const LONG_NAME = `${'w'.repeat(292)}.weights`;
const SPACED_NAME = '  spaced name.txt  ';
// A malicious pickle whose name hides its extension: the scan finding must name it escaped too.
const PICKLE_NAME = 'weights\u202Elkp.bin';
// A model card whose declared base and dataset carry the same override.
const CARD = [
  '---',
  'license: apache-2.0',
  'base_model: acme/base\u202Eledom',
  'datasets:',
  '  - acme/data\u202Eatad',
  '---',
  '# A card with hostile names',
  '',
].join('\n');

async function dropHostileNames(page: Page) {
  const verify = new VerifyPage(page);
  await verify.open();
  await page.getByTestId('file-input').setInputFiles([
    { name: 'config.json', mimeType: 'application/json', buffer: Buffer.from('{"model_type":"test"}\n') },
    { name: RLO_NAME, mimeType: 'application/json', buffer: Buffer.from('{}\n') },
    { name: LONG_NAME, mimeType: 'application/octet-stream', buffer: Buffer.from('not a weight file\n') },
    { name: SPACED_NAME, mimeType: 'text/plain', buffer: Buffer.from('hello\n') },
    {
      name: PICKLE_NAME,
      mimeType: 'application/octet-stream',
      buffer: readFileSync('test/fixtures/scan/malicious/t02-proto0-raw.cfg'),
    },
    { name: 'README.md', mimeType: 'text/markdown', buffer: Buffer.from(CARD) },
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
  // The report is rendered whole once the verdict shows: read it once, and check it with soft assertions so
  // one run names every component that shows a name raw, not only the first.
  const tableText = await page.getByTestId('file-table').innerText();
  expect.soft(tableText).toContain('U+202E');
  // No text a reader sees holds the override itself (attributes may: they are not displayed).
  expect.soft(tableText, 'file table').not.toContain('\u202E');
  // Two marked spaces before the name and two after it.
  const spaced = row(page, SPACED_NAME).getByTestId('file-path');
  const marks = await spaced.locator('mark').allInnerTexts();
  expect.soft(marks.map((m) => m.includes('U+0020'))).toEqual([true, true, true, true]);
  expect.soft(await spaced.innerText()).toContain('spaced name.txt');
  expect.soft(await row(page, LONG_NAME).count()).toBe(1);
  // The finding that names the pickle, and the card's base and dataset, show the override escaped.
  const findingFiles = await page.getByTestId('finding-file').allInnerTexts();
  expect.soft(findingFiles.filter((f) => f.includes('weights') && f.includes('U+202E'))).not.toEqual([]);
  for (const text of findingFiles) expect.soft(text, 'finding file').not.toContain('\u202E');
  const provenance = await page.getByTestId('provenance').innerText();
  expect.soft(await page.getByTestId('provenance-base').innerText()).toContain('U+202E');
  expect.soft(await page.getByTestId('provenance-dataset').innerText()).toContain('U+202E');
  expect.soft(provenance, 'provenance').not.toContain('\u202E');
  await expectNoSidewaysScroll(page);
});

test('a folder picked on the Compare page is named with its hidden characters shown', async ({ page }) => {
  const root = mkdtempSync(join(tmpdir(), 'mg-e2e-safe-'));
  const dir = join(root, 'base\u202Eledom');
  mkdirSync(dir);
  writeFileSync(join(dir, 'config.json'), '{}\n');
  try {
    await page.goto('/compare');
    await expect(page.locator('html[data-hydrated]')).toHaveCount(1);
    await page.getByTestId('base-input').setInputFiles(dir);
    const picked = page.getByTestId('base-input-picked');
    await expect(picked).toContainText('U+202E');
    expect(await picked.innerText()).not.toContain('\u202E');
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
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
    const ring = await skip.evaluate((el) => {
      const style = getComputedStyle(el);
      return { style: style.outlineStyle, width: style.outlineWidth };
    });
    expect.soft(ring.style).not.toBe('none');
    expect.soft(parseFloat(ring.width)).toBeGreaterThanOrEqual(2);
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
