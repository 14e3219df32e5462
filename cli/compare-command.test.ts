import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { parseReport } from '../core/report/parse-report.ts';

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
    // The fine-tune is scanned: a comparison never passes over files nobody scanned.
    assert.equal(parsed.report.checks.find((c) => c.id === 'scan')?.status, 'pass');
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
  // Two categories of 3 items: none can be judged (minItems 20), so the behavior check is review, not pass.
  assert.equal(run.status, 1, run.stderr);
  const parsed = parseReport(JSON.parse(run.stdout));
  assert.ok(parsed.ok);
  assert.equal(parsed.report.behavior?.kind, 'classifier');
  const check = parsed.report.checks.find((c) => c.id === 'behavior');
  assert.equal(check?.status, 'review');
  assert.match(check?.summary ?? '', /^Not enough data to judge/);
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

/** A copy of a demo model folder under a temporary directory, named so stderr can be searched for it. */
async function demoCopy(demoName: string, copyName: string): Promise<string> {
  const { mkdtempSync, cpSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const dir = join(mkdtempSync(join(tmpdir(), 'modelgate-bad-')), copyName);
  cpSync(join(root, 'public/demo', demoName), dir, { recursive: true });
  return dir;
}

function compareDirs(finetune: string, base: string, ...rest: string[]) {
  return spawnSync(process.execPath, [join(root, 'cli/bin.mjs'), 'compare', finetune, '--base', base, ...rest], {
    encoding: 'utf8',
  });
}

test("a broken file in a model folder is the behavior check's error, naming the folder and the file; bad flags are usage errors (64)", async () => {
  const { readFileSync, writeFileSync, truncateSync } = await import('node:fs');
  const demo = join(root, 'public/demo/tiny-sentiment');
  const expectUsage = (run: ReturnType<typeof compareDirs>, ...patterns: RegExp[]) => {
    assert.equal(run.status, 64, run.stderr);
    for (const p of patterns) assert.match(run.stderr, p);
  };
  const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  // A file of the model is reported, not refused: exit by the verdict (review), the report names the file.
  const expectBehaviorError = (run: ReturnType<typeof compareDirs>, pattern: RegExp) => {
    assert.equal(run.status, 1, run.stderr);
    const parsed = parseReport(JSON.parse(run.stdout));
    assert.ok(parsed.ok);
    if (!parsed.ok) return;
    assert.equal(parsed.report.checks.find((c) => c.id === 'behavior')?.status, 'error');
    assert.ok(
      parsed.report.findings.some((f) => pattern.test(f.detail)),
      JSON.stringify(parsed.report.findings.map((f) => f.detail)),
    );
  };

  // A tokenizer.json the library refuses: its message gets the folder and the file name.
  const noDecoder = await demoCopy('tiny-sentiment', 'base-no-decoder');
  const tok = JSON.parse(readFileSync(join(noDecoder, 'tokenizer.json'), 'utf8')) as Record<string, unknown>;
  delete tok.decoder;
  writeFileSync(join(noDecoder, 'tokenizer.json'), JSON.stringify(tok));
  expectBehaviorError(
    compareDirs(demo, noDecoder, '--json'),
    new RegExp(`${esc(join(noDecoder, 'tokenizer.json'))}: Tokenizer must contain a "decoder" property`),
  );

  // A config.json that is not JSON, on the fine-tune side.
  const badConfig = await demoCopy('tiny-sentiment', 'ft-bad-config');
  writeFileSync(join(badConfig, 'config.json'), '{"architectures": [');
  expectBehaviorError(
    compareDirs(badConfig, demo, '--json'),
    new RegExp(`${esc(join(badConfig, 'config.json'))}: not valid JSON`),
  );

  // A truncated ONNX graph.
  const truncated = await demoCopy('tiny-sentiment', 'base-truncated-onnx');
  truncateSync(join(truncated, 'onnx/model.onnx'), 200);
  expectBehaviorError(
    compareDirs(demo, truncated, '--json'),
    new RegExp(`${esc(join(truncated, 'onnx/model.onnx'))}: `),
  );

  // --kind that contradicts the ONNX output rank (rank 2: a classifier).
  expectUsage(compareDirs(demo, demo, '--kind', 'causal-lm'), /--kind causal-lm contradicts the ONNX model/, /rank 2/);

  // A classifier compared with a causal LM.
  const lm = join(root, 'public/demo/code-lm-base');
  expectUsage(compareDirs(demo, lm), /cannot be compared/, new RegExp(esc(lm)), new RegExp(esc(demo)));

  // A probe file with a bad line.
  const probesDir = await demoCopy('tiny-sentiment', 'probes-holder');
  const probes = join(probesDir, 'bad.probes.jsonl');
  writeFileSync(probes, `${JSON.stringify({ probeset: 'bad', version: '1' })}\n{"id": 1}\n`);
  expectUsage(compareDirs(demo, demo, '--probes', probes), new RegExp(esc(probes)));
});

test('compare reads a promptfoo CSV probe set', async () => {
  const { mkdtempSync, writeFileSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const dir = mkdtempSync(join(tmpdir(), 'modelgate-promptfoo-'));
  const csv = join(dir, 'tests.csv');
  const rows = ['text,__expected,__metadata:category'];
  ['great', 'lovely', 'good'].forEach((w) => rows.push(`the movie is ${w},POSITIVE,positive`));
  ['awful', 'bad', 'boring'].forEach((w) => rows.push(`"the movie is ${w}, sadly",NEGATIVE,negative`));
  writeFileSync(csv, `${rows.join('\n')}\n`);
  const demo = join(root, 'public/demo/tiny-sentiment');
  const run = compareDirs(demo, demo, '--probes', csv, '--trigger-budget', '0', '--json');
  // A verdict (0 pass, 1 review: six items are too few to judge a category), not a usage or internal error.
  assert.ok(run.status === 0 || run.status === 1, run.stderr);
  const parsed = parseReport(JSON.parse(run.stdout));
  assert.ok(parsed.ok);
  assert.equal(parsed.report.behavior?.probeset.name, 'tests');
  assert.deepEqual(parsed.report.behavior?.categories.map((c) => c.category).sort(), ['negative', 'positive']);
});
