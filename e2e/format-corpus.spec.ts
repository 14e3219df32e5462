import { test, expect } from './fixtures';
import { join } from 'node:path';
import { readFormatLabels } from '../core/scan/format-corpus-node';
import { VerifyPage } from './pages/verify-page';

const corpus = join(process.cwd(), 'test/fixtures/formats');
const files = readFormatLabels(corpus);

test('the browser scan worker gives every model-format corpus file the verdict the CLI gives', async ({ page }) => {
  test.skip(files.length === 0, 'no model-format fixtures');
  test.setTimeout(300_000);
  const verify = new VerifyPage(page);
  await verify.open();
  await verify.pickFolder(corpus);
  await verify.waitForReport();
  const verdicts = await verify.scanVerdicts();
  const wrong = files
    .filter((f) => ![f.expect].flat().includes(verdicts.get(f.path) ?? 'missing'))
    .map((f) => `${f.path}: expected ${[f.expect].flat().join('|')}, got ${verdicts.get(f.path) ?? 'missing'}`);
  expect(wrong).toEqual([]);
});
