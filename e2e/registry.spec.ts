import { test, expect } from './fixtures';
import AxeBuilder from '@axe-core/playwright';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { VerifyPage } from './pages/verify-page';
import { RegistryPage } from './pages/registry-page';

const cleanups: (() => void)[] = [];
test.afterEach(() => {
  for (const fn of cleanups.splice(0)) fn();
});

/** A copy of the demo model in a folder of the same name, with one byte of README.md changed. */
function modifiedDemo(): string {
  const root = mkdtempSync(join(tmpdir(), 'mg-e2e-registry-'));
  cleanups.push(() => rmSync(root, { recursive: true, force: true }));
  const dir = join(root, 'tiny-sentiment');
  cpSync(join(process.cwd(), 'public/demo/tiny-sentiment'), dir, { recursive: true });
  const readme = readFileSync(join(dir, 'README.md'));
  readme[readme.length - 2] = readme[readme.length - 2] === 0x41 ? 0x42 : 0x41;
  writeFileSync(join(dir, 'README.md'), readme);
  return root;
}

test('a saved model is kept, compared on re-verification, exported and imported without duplicates', async ({
  page,
}) => {
  test.setTimeout(240_000);
  const verify = new VerifyPage(page);
  const registry = new RegistryPage(page);

  // 1. Verify the demo and save it as version 1.0.
  await verify.tryDemo();
  await expect(page.getByTestId('registry-comparison')).toHaveCount(0);
  await expect(page.getByLabel('Model name')).toHaveValue('tiny-sentiment');
  await page.getByLabel('Version').fill('1.0');
  await page.getByTestId('registry-save').click();
  await expect(page.getByTestId('registry-saved')).toContainText('Saved tiny-sentiment 1.0');

  // 2. It survives a reload.
  await page.reload();
  await registry.open();
  await expect(registry.entries()).toHaveCount(1);
  await expect(registry.entry('tiny-sentiment', '1.0').getByTestId('registry-verdict')).toHaveText('Pass');
  const { violations } = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa']).analyze();
  const serious = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(serious.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);

  // 3. A copy with one byte changed, under the same name: the changed file is a finding.
  const root = modifiedDemo();
  await verify.open();
  await verify.pickFolder(join(root, 'tiny-sentiment'));
  await verify.waitForReport();
  await expect(page.getByTestId('registry-comparison')).toContainText('Compared with saved version 1.0');
  await expect(page.getByTestId('registry-comparison')).toHaveAttribute('data-changed', '1');
  const findings = page.getByTestId('findings');
  await expect(findings.locator('li', { hasText: 'MG-INT-101' })).toContainText('README.md');
  await expect(findings).not.toContainText('MG-INT-102');
  await expect(verify.verdict()).toHaveText('Review');

  // 4. Export, then import the export: everything is identical, nothing is duplicated.
  await registry.open();
  const exported = await registry.export();
  const json = JSON.parse(readFileSync(exported, 'utf8'));
  expect(json.format).toBe('modelgate.registry');
  expect(json.version).toBe(1);
  expect(json.entries).toHaveLength(1);
  await registry.import(exported);
  await expect(registry.importResult()).toHaveAttribute('data-added', '0');
  await expect(registry.importResult()).toHaveAttribute('data-identical', '1');
  await expect(registry.importResult()).toHaveAttribute('data-conflicts', '0');
  await expect(registry.entries()).toHaveCount(1);

  // 5. An import whose entry has the same id but other content is a conflict, never a silent overwrite.
  json.entries[0].files[0].sha256 = 'f'.repeat(64);
  const conflicting = join(root, 'conflicting.json');
  writeFileSync(conflicting, JSON.stringify(json));
  await registry.import(conflicting);
  await expect(registry.importResult()).toHaveAttribute('data-conflicts', '1');
  await expect(page.getByTestId('registry-conflict')).toHaveCount(1);
  await page.getByTestId('registry-conflict-keep').click();
  await expect(page.getByTestId('registry-conflicts-resolved')).toContainText('kept the saved entry');
  await expect(registry.entries()).toHaveCount(1);
  const kept = JSON.parse(readFileSync(await registry.export(), 'utf8'));
  expect(kept.entries[0].files[0].sha256).not.toBe('f'.repeat(64));

  // 6. A file that is not a registry export is refused with a message.
  writeFileSync(join(root, 'other.json'), '{"hello": 1}');
  await page.getByTestId('registry-import').setInputFiles(join(root, 'other.json'));
  await expect(page.getByTestId('registry-error')).toContainText('not a ModelGate registry export');

  // 7. Delete asks first.
  await page.getByTestId('registry-delete').click();
  await page.getByTestId('registry-delete-confirm').click();
  await expect(page.getByTestId('registry-empty')).toBeVisible();
});

test('a saved entry opens to its report and signed link; two versions of one name are diffed', async ({ page }) => {
  test.setTimeout(240_000);
  const verify = new VerifyPage(page);
  const registry = new RegistryPage(page);
  const save = async (version: string, confirm = false) => {
    await page.getByTestId('registry-version').fill(version);
    await page.getByTestId('registry-save').click();
    // Saving a model that did not pass asks first (e2e/actions.spec.ts tests the dialog itself).
    if (confirm) await page.getByTestId('confirm-save-accept').click();
    await expect(page.getByTestId('registry-saved')).toContainText(`Saved tiny-sentiment ${version}`);
  };
  await verify.tryDemo();
  await save('1.0');
  const root = modifiedDemo();
  await verify.open();
  await verify.pickFolder(join(root, 'tiny-sentiment'));
  await verify.waitForReport();
  await save('1.1', true);

  await registry.open();
  // The verdict is a word on its colour.
  const first = registry.entry('tiny-sentiment', '1.0').getByTestId('registry-verdict');
  await expect(first).toHaveText('Pass');
  await expect(first).toHaveAttribute('data-verdict', 'pass');
  await expect(first).toHaveClass(/emerald/);
  const second = registry.entry('tiny-sentiment', '1.1').getByTestId('registry-verdict');
  await expect(second).toHaveText('Review');
  await expect(second).toHaveClass(/amber/);

  // Opening 1.0 shows its saved report and its signed link, and moves focus there.
  await registry.entry('tiny-sentiment', '1.0').getByTestId('registry-open').click();
  const opened = page.getByTestId('registry-opened');
  await expect(opened).toHaveAttribute('data-version', '1.0');
  await expect(page.locator('#registry-opened-heading')).toBeFocused();
  await expect(opened.getByTestId('verdict')).toHaveText('Pass');
  await expect(opened.locator('[data-testid=file-row][data-path="README.md"]')).toHaveCount(1);
  const link = await opened.getByTestId('report-link').inputValue();
  expect(link).toMatch(/\/r#v1\./);

  // Diffed with 1.1: the one changed file, from the version saved first to the later one.
  // The other versions, newest first: 1.1 is the only one.
  await opened.getByTestId('registry-diff-with').selectOption({ index: 1 });
  const diff = opened.getByTestId('registry-comparison');
  await expect(diff).toContainText('From version 1.0');
  await expect(diff).toContainText('to version 1.1');
  await expect(diff).toHaveAttribute('data-changed', '1');
  await expect(diff).toHaveAttribute('data-added', '0');
  await expect(diff).toHaveAttribute('data-removed', '0');
  await expect(diff.getByTestId('version-diff-file')).toHaveCount(1);
  await expect(diff.getByTestId('version-diff-file')).toHaveAttribute('data-path', 'README.md');
  await expect(diff.getByTestId('version-diff-file')).toHaveAttribute('data-change', 'changed');
  const { violations } = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa']).analyze();
  const serious = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(serious.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);

  // The saved link opens in the viewer as the same signed report.
  await page.goto(link);
  await expect(page.getByTestId('signature-status')).toHaveAttribute('data-status', 'valid');
  await expect(page.getByTestId('verdict')).toHaveText('Pass');
});

test('a version 1 database keeps its records when the portal upgrades it to add the registry', async ({ page }) => {
  await page.goto('/icon.svg'); // same origin, no portal script: the database is ours to make at version 1
  await page.evaluate(
    () =>
      new Promise<void>((resolve, reject) => {
        const open = indexedDB.open('modelgate', 1);
        open.onupgradeneeded = () => {
          open.result.createObjectStore('keys', { keyPath: 'id' });
          open.result.createObjectStore('trustedSigners', { keyPath: 'fingerprint' });
        };
        open.onsuccess = () => {
          const tx = open.result.transaction('trustedSigners', 'readwrite');
          tx.objectStore('trustedSigners').put({
            fingerprint: 'f'.repeat(64),
            publicKeyPem: 'x',
            label: 'old',
            addedAt: '',
          });
          tx.oncomplete = () => (open.result.close(), resolve());
          tx.onerror = () => reject(tx.error);
        };
        open.onerror = () => reject(open.error);
      }),
  );
  const registry = new RegistryPage(page);
  await registry.open();
  await expect(page.getByTestId('registry-empty')).toBeVisible();
  const after = await page.evaluate(
    () =>
      new Promise<{ version: number; stores: string[]; signers: number }>((resolve, reject) => {
        const open = indexedDB.open('modelgate');
        open.onsuccess = () => {
          const db = open.result;
          const count = db.transaction('trustedSigners').objectStore('trustedSigners').count();
          count.onsuccess = () => {
            resolve({ version: db.version, stores: [...db.objectStoreNames].sort(), signers: count.result });
            db.close();
          };
        };
        open.onerror = () => reject(open.error);
      }),
  );
  expect(after).toEqual({ version: 2, stores: ['keys', 'registry', 'trustedSigners'], signers: 1 });
});
