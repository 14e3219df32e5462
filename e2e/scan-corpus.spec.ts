import { test, expect } from './fixtures';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { VerifyPage } from './pages/verify-page';

const corpus = join(process.cwd(), 'test/fixtures/scan');
const { files } = JSON.parse(readFileSync(join(corpus, 'labels.json'), 'utf8')) as {
  files: { path: string; expect: string | string[] }[];
};

test('the browser scan worker gives every corpus file its expected verdict (the same engine as the CLI)', async ({
  page,
}) => {
  test.setTimeout(300_000);
  const verify = new VerifyPage(page);
  await verify.open();
  await verify.pickFolder(corpus);
  await verify.waitForReport();
  await expect(verify.verdict()).toHaveText('Fail');
  const verdicts = await verify.scanVerdicts();
  const wrong = files
    .filter((f) => ![f.expect].flat().includes(verdicts.get(f.path) ?? 'missing'))
    .map((f) => `${f.path}: expected ${[f.expect].flat().join('|')}, got ${verdicts.get(f.path) ?? 'missing'}`);
  expect(wrong).toEqual([]);
});
