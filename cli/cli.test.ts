import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { parseReport } from '../core/report/parse-report.ts';

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
  // Exit 0 says every file was read; the verdict still says nothing was scanned.
  assert.equal(parsed.report.verdict, 'review');
  assert.equal(parsed.report.checks.find((c) => c.id === 'scan')?.status, 'skipped');
});

test('modelgate exits 64 (usage) with a message for a missing path and an unknown command', () => {
  const missing = run(['hash', join(root, 'no-such-dir'), '--json']);
  assert.equal(missing.status, 64);
  assert.match(missing.stderr, /no-such-dir/);
  const unknown = run(['frobnicate']);
  assert.equal(unknown.status, 64);
  assert.match(unknown.stderr, /unknown command/);
});

test('modelgate scan exits 2 on a malicious file and names the call it would make', () => {
  const file = join(root, 'test/fixtures/scan/malicious/t11-raw-pickle-named.bin');
  const result = run(['scan', file, '--json']);
  assert.equal(result.status, 2, result.stderr);
  const parsed = parseReport(JSON.parse(result.stdout));
  assert.ok(parsed.ok);
  if (!parsed.ok) return;
  assert.equal(parsed.report.verdict, 'fail');
  assert.equal(parsed.report.subject.files[0]?.scan?.verdict, 'malicious');
  assert.ok(parsed.report.findings.some((f) => f.severity === 'critical' && /would run/.test(f.detail)));
});

test('modelgate scan exits 0 on the benign demo model and 1 on content it cannot verify', () => {
  const benign = run(['scan', demo, '--json']);
  assert.equal(benign.status, 0, benign.stderr);
  const report = JSON.parse(benign.stdout);
  assert.equal(report.checks.find((c: { id: string }) => c.id === 'scan').status, 'pass');
  const sevenZip = run(['scan', join(root, 'test/fixtures/scan/malicious/t07-7z-archive.7z')]);
  assert.equal(sevenZip.status, 1);
  assert.match(sevenZip.stdout, /could not be verified/);
});

test('modelgate scan exits 2 on a file it cannot parse (invalid), whatever the report verdict says', () => {
  // Invalid weights cannot be loaded as what they claim to be: CI must stop on them like on a malicious file.
  const file = join(root, 'test/fixtures/scan/invalid/t38-safetensors-truncated.safetensors');
  const result = run(['scan', file, '--json']);
  assert.equal(result.status, 2, result.stderr);
  const parsed = parseReport(JSON.parse(result.stdout));
  assert.ok(parsed.ok);
  if (!parsed.ok) return;
  assert.equal(parsed.report.subject.files[0]?.scan?.verdict, 'invalid');
});

test('modelgate scan walks folders recursively and reports each file', () => {
  const result = run(['scan', join(root, 'test/fixtures/scan/benign'), '--json']);
  const report = JSON.parse(result.stdout);
  assert.ok(report.subject.files.length >= 20);
  assert.ok(report.subject.files.every((f: { scan?: { verdict: string } }) => f.scan));
});
