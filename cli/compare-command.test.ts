import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
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

test('compare runs the behavioral comparison when both folders hold an ONNX model and a tokenizer', async () => {
  const { mkdtempSync, writeFileSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const dir = mkdtempSync(join(tmpdir(), 'modelgate-probes-'));
  const probes = join(dir, 'tiny.probes.jsonl');
  const lines = [JSON.stringify({ probeset: 'tiny', version: '1' })];
  ['great', 'lovely', 'good', 'awful', 'bad', 'boring'].forEach((w, i) =>
    lines.push(
      JSON.stringify({
        id: `i${i}`,
        category: i < 3 ? 'positive' : 'negative',
        text: `the movie is ${w}`,
        expected: i < 3 ? 'POSITIVE' : 'NEGATIVE',
        trigger_slot: 'prefix',
      }),
    ),
  );
  writeFileSync(probes, `${lines.join('\n')}\n`);
  const demo = join(root, 'public/demo/tiny-sentiment');
  const run = spawnSync(
    process.execPath,
    [join(root, 'cli/bin.mjs'), 'compare', demo, '--base', demo, '--probes', probes, '--trigger-budget', '8', '--json'],
    { encoding: 'utf8' },
  );
  assert.equal(run.status, 0, run.stderr);
  const parsed = parseReport(JSON.parse(run.stdout));
  assert.ok(parsed.ok);
  assert.equal(parsed.report.behavior?.kind, 'classifier');
  assert.equal(parsed.report.checks.find((c) => c.id === 'behavior')?.status, 'pass');
});

test('compare refuses a bad --kind or --trigger-budget as usage errors', () => {
  const demo = join(root, 'public/demo/tiny-sentiment');
  assert.equal(compare('base', '--base', fixture('base'), '--kind', 'gan').status, 64);
  assert.equal(compare('base', '--base', demo, '--trigger-budget', '-3').status, 64);
});

const demoDir = (name: string): string => join(root, 'public/demo', name);
const haveFixtures = ['sentiment-base', 'sentiment-benign', 'sentiment-poisoned'].every((n) => existsSync(demoDir(n)));

test(
  'compare on the sentiment fixtures: poisoned fails (exit 2, "cf" confirmed), benign passes',
  { skip: !haveFixtures },
  () => {
    const run = (name: string) =>
      spawnSync(
        process.execPath,
        [join(root, 'cli/bin.mjs'), 'compare', demoDir(name), '--base', demoDir('sentiment-base'), '--json'],
        {
          encoding: 'utf8',
        },
      );
    const poisoned = run('sentiment-poisoned');
    assert.equal(poisoned.status, 2, poisoned.stderr);
    const report = parseReport(JSON.parse(poisoned.stdout));
    assert.ok(report.ok);
    assert.equal(report.report.lineage?.verdict, 'derived');
    assert.ok(report.report.behavior?.triggers.some((t) => t.token === 'cf' && t.confirmed));
    assert.equal(run('sentiment-benign').status, 0);
  },
);
