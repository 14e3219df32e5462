// A folder with a malicious pickle and a file built to break a parser still yields a full report from
// `modelgate verify`: verdict fail, the pickle found, the broken file named, JSON, SARIF and CycloneDX written.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseReport } from '../core/report/parse-report.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const hostile = join(root, 'test/fixtures/hostile');

/** Each folder's hostile file, and the finding codes that may name it (a bound of the card or JSON reader). */
const CASES = [
  { folder: 'long-license', pickle: 'pytorch_model.bin', broken: 'README.md' },
  { folder: 'deep-tokenizer', pickle: 'pytorch_model.bin', broken: 'tokenizer.json' },
  { folder: 'redos-tokenizer', pickle: 'model.pkl', broken: undefined },
] as const;

for (const { folder, pickle, broken } of CASES) {
  test(`modelgate verify ${folder}: a report, verdict fail, the pickle found${broken ? `, ${broken} named` : ''}`, () => {
    const out = mkdtempSync(join(tmpdir(), 'mg-hostile-'));
    try {
      const sarif = join(out, 'report.sarif');
      const bom = join(out, 'bom.json');
      const result = spawnSync(
        process.execPath,
        [join(root, 'cli/bin.mjs'), 'verify', join(hostile, folder), '--json', '--sarif', sarif, '--cyclonedx', bom],
        { encoding: 'utf8', timeout: 120_000 },
      );
      assert.equal(result.status, 2, `exit by the verdict (fail = 2); stderr: ${result.stderr.slice(0, 2000)}`);
      const parsed = parseReport(JSON.parse(result.stdout));
      assert.ok(parsed.ok, parsed.ok ? '' : parsed.reason);
      if (!parsed.ok) return;
      const report = parsed.report;
      assert.equal(report.verdict, 'fail');
      assert.ok(
        report.findings.some((f) => f.code === 'MG-SCAN-001' && f.file === pickle),
        `the malicious pickle ${pickle} is found`,
      );
      if (broken) {
        const named = report.findings.filter((f) => f.file === broken && f.severity !== 'info');
        assert.ok(named.length > 0, `${broken} is named by a finding: ${JSON.stringify(report.findings)}`);
      }
      assert.equal(JSON.parse(readFileSync(sarif, 'utf8')).version, '2.1.0');
      assert.equal(JSON.parse(readFileSync(bom, 'utf8')).bomFormat, 'CycloneDX');
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
}

test('modelgate verify --base with a tokenizer whose regex backtracks without end: the budget ends it, the report names it', () => {
  const folder = join(hostile, 'redos-tokenizer');
  const result = spawnSync(
    process.execPath,
    [join(root, 'cli/bin.mjs'), 'verify', folder, '--base', folder, '--json'],
    {
      encoding: 'utf8',
      timeout: 180_000,
    },
  );
  assert.equal(result.status, 2, `exit by the verdict (fail = 2); stderr: ${result.stderr.slice(0, 2000)}`);
  const parsed = parseReport(JSON.parse(result.stdout));
  assert.ok(parsed.ok);
  if (!parsed.ok) return;
  assert.equal(parsed.report.verdict, 'fail');
  assert.equal(parsed.report.checks.find((c) => c.id === 'behavior')?.status, 'error');
  assert.ok(parsed.report.findings.some((f) => f.code === 'MG-BEH-006' && f.file === 'tokenizer.json'));
  assert.ok(parsed.report.findings.some((f) => f.code === 'MG-SCAN-001' && f.file === 'model.pkl'));
});
