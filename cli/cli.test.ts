import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { parseReport } from '../core/report/build-report.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const demo = join(root, 'public/demo/tiny-sentiment');

function run(args: string[]) {
  return spawnSync(process.execPath, [join(root, 'cli/bin.mjs'), ...args], { encoding: 'utf8' });
}

test('modelgate hash <dir> --json prints a valid Report whose digests equal sha256sum', () => {
  const result = run(['hash', demo, '--json']);
  assert.equal(result.status, 0, result.stderr);
  const parsed = parseReport(JSON.parse(result.stdout));
  assert.ok(parsed.ok);
  if (!parsed.ok) return;
  const expected = execFileSync(
    'sha256sum',
    ['README.md', 'config.json', 'model.safetensors', 'onnx/model.onnx', 'tokenizer.json'],
    {
      cwd: demo,
      encoding: 'utf8',
    },
  )
    .trim()
    .split('\n')
    .map((l) => l.split(/\s+/));
  const got = new Map(parsed.report.subject.files.map((f) => [f.path, f.sha256]));
  assert.equal(got.size, expected.length);
  for (const [digest, path] of expected) assert.equal(got.get(path!), digest, path);
  assert.equal(parsed.report.subject.name, 'tiny-sentiment');
  assert.equal(parsed.report.environment.runtime, 'node');
});

test('modelgate exits 64 (usage) with a message for a missing path and an unknown command', () => {
  const missing = run(['hash', join(root, 'no-such-dir'), '--json']);
  assert.equal(missing.status, 64);
  assert.match(missing.stderr, /no-such-dir/);
  const unknown = run(['frobnicate']);
  assert.equal(unknown.status, 64);
  assert.match(unknown.stderr, /unknown command/);
});
