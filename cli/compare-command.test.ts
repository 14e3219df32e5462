import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { parseReport } from '../core/report/build-report.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const fixture = (name: string): string => join(root, 'test/fixtures/lineage', name);

function compare(finetune: string, ...rest: string[]) {
  return spawnSync(process.execPath, [join(root, 'cli/bin.mjs'), 'compare', fixture(finetune), ...rest], {
    encoding: 'utf8',
  });
}

const cases: [string, string, number][] = [
  ['finetune-sharded', 'derived', 0],
  ['partial', 'partially-derived', 1],
  ['other-seed', 'unrelated', 2],
];

for (const [name, verdict, code] of cases) {
  test(`compare ${name} --base base --json: lineage ${verdict}, exit ${code}`, () => {
    const run = compare(name, '--base', fixture('base'), '--json');
    assert.equal(run.status, code, run.stderr);
    const parsed = parseReport(JSON.parse(run.stdout));
    assert.ok(parsed.ok);
    assert.equal(parsed.report.lineage?.verdict, verdict);
    assert.equal(parsed.report.checks.find((c) => c.id === 'lineage')?.status, ['pass', 'review', 'fail'][code]);
  });
}

test('compare without --base is a usage error', () => {
  assert.equal(compare('finetune').status, 64);
});
