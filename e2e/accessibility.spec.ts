import { test, expect } from './fixtures';
import AxeBuilder from '@axe-core/playwright';

// Non-engineers doing triage use this page: no serious or critical WCAG violations on any screen.
for (const [name, path, ready] of [
  ['Verify', '/', 'drop-zone'],
  ['Keys', '/keys', 'own-fingerprint'],
  ['Report viewer', '/r#v1.AAAA.AAAAAAAAAAA', 'signature-status'],
] as const) {
  test(`${name} page has no serious accessibility violations`, async ({ page }) => {
    await page.goto(path);
    await expect(page.getByTestId(ready)).toBeVisible();
    const { violations } = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa']).analyze();
    const serious = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
    expect(serious.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
  });
}

test('the verdict screen after the demo has no serious accessibility violations', async ({ page }) => {
  await page.goto('/');
  await page.getByTestId('try-demo').click();
  await expect(page.getByTestId('verdict')).toBeVisible();
  const { violations } = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa']).analyze();
  const serious = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(serious.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
});

test('the Compare page with behavior results (chart, tables, drill-down) has no serious accessibility violations', async ({
  page,
}) => {
  await page.goto('/compare');
  await expect(page.locator('html[data-hydrated]')).toHaveCount(1);
  // The demo button runs at once, with the options set before it.
  await page.getByText('Behavior options').click();
  await page.getByTestId('provider').selectOption('wasm');
  await page.getByTestId('demo-sentiment').click();
  await expect(page.getByTestId('finetune-input-picked')).toContainText('sentiment-poisoned');
  await expect(page.getByTestId('behavior-view')).toBeVisible({ timeout: 120_000 });
  await page.getByText(/^negative-clean:/).click();
  const { violations } = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa']).analyze();
  const serious = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(serious.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
});
