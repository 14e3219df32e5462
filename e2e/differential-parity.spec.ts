import { test, expect } from './fixtures';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { VerifyPage } from './pages/verify-page';

// The portal's scan worker and `modelgate scan` run the same core: on a sample of the differential corpus
// (files labelled by the real Python loaders), every file gets the same verdict from both, and every file
// whose payload ran under a loader is malicious in both.

interface Case {
  id: string;
  name: string;
  class: number;
  b64: string;
  loaders: Record<string, { ran: boolean }>;
}

/** Every 40th case of each class: deterministic, all classes, small enough for one page. */
function sample(): Case[] {
  const lines = readFileSync(join(process.cwd(), 'test/fixtures/differential/cases.jsonl'), 'utf8').split('\n');
  const cases = lines.filter((l) => l.trim()).map((l) => JSON.parse(l) as Case);
  const seen = new Map<number, number>();
  return cases.filter((c) => {
    const n = seen.get(c.class) ?? 0;
    seen.set(c.class, n + 1);
    return n % 40 === 0;
  });
}

let root = '';
test.beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'mg-differential-'));
});
test.afterAll(() => rmSync(root, { recursive: true, force: true }));

test('portal and CLI give every sampled differential case the same verdict; payloads that ran are malicious', async ({
  page,
}) => {
  test.setTimeout(300_000);
  const cases = sample();
  const dir = join(root, 'corpus');
  for (const c of cases) {
    // One folder per case keeps each file's own name (the name decides which template carriers are read).
    mkdirSync(join(dir, c.id), { recursive: true });
    writeFileSync(join(dir, c.id, c.name), Buffer.from(c.b64, 'base64'));
  }
  const cli = spawnSync(process.execPath, ['cli/bin.mjs', 'scan', dir, '--json'], {
    encoding: 'utf8',
    maxBuffer: 64 << 20,
  });
  const report = JSON.parse(cli.stdout) as { subject: { files: { path: string; scan: { verdict: string } }[] } };
  const fromCli = new Map(report.subject.files.map((f) => [f.path, f.scan.verdict]));

  const verify = new VerifyPage(page);
  await verify.open();
  await verify.pickFolder(dir);
  await verify.waitForReport();
  await page
    .getByRole('button', { name: /Show all/ })
    .click({ timeout: 1000 })
    .catch(() => undefined);
  const rows = (await page
    .locator('[data-testid=file-row]')
    .evaluateAll((items) =>
      items.map((r) => [
        r.getAttribute('data-path'),
        r.querySelector('[data-testid=file-scan]')?.getAttribute('data-verdict'),
      ]),
    )) as [string, string][];
  const fromPortal = new Map(rows);

  expect(cases.length).toBeGreaterThan(40);
  const differ = cases
    .map((c) => `${c.id}/${c.name}`)
    .filter((path) => fromCli.get(path) !== fromPortal.get(path))
    .map((path) => `${path}: CLI ${fromCli.get(path)}, portal ${fromPortal.get(path)}`);
  expect(differ).toEqual([]);
  const ranButNotMalicious = cases
    .filter((c) => Object.values(c.loaders).some((l) => l.ran))
    .map((c) => `${c.id}/${c.name}`)
    .filter((path) => fromPortal.get(path) !== 'malicious');
  expect(ranButNotMalicious).toEqual([]);
});
