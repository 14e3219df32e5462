import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildReport } from './build-report.ts';
import { applyPolicy, parsePolicy, PolicyError } from './policy.ts';
import type { FileScan } from './scan-check.ts';

const digest = 'c'.repeat(64);

/** A report whose scan check is in review because of one suspicious (medium) finding. */
function suspiciousReport() {
  const scans: FileScan[] = [
    {
      path: 'model.pkl',
      outcome: {
        verdict: 'suspicious',
        format: 'pickle',
        findings: [{ code: 'MG-SCAN-002', severity: 'medium', title: 'Unknown import', detail: 'foo.bar' }],
      } as FileScan['outcome'],
    },
  ];
  return buildReport({
    name: 'demo',
    environment: { runtime: 'node' },
    outcomes: [{ path: 'model.pkl', size: 4, sha256: digest }],
    scans,
  });
}

test('parsePolicy accepts the documented fields and names the file in every error', () => {
  assert.deepEqual(parsePolicy('{}', 'p.json'), {});
  assert.deepEqual(
    parsePolicy('{"severity":{"MG-INT-003":"low"},"failOn":"review","ignore":["MG-SCAN-244"]}', 'p.json'),
    { severity: { 'MG-INT-003': 'low' }, failOn: 'review', ignore: ['MG-SCAN-244'] },
  );
  const bad = (text: string, pattern: RegExp) =>
    assert.throws(
      () => parsePolicy(text, 'ci/policy.json'),
      (e: unknown) => e instanceof PolicyError && /^ci\/policy\.json: /.test(e.message) && pattern.test(e.message),
    );
  bad('{', /not valid JSON/);
  bad('{"failOn":"warn"}', /failOn/);
  bad('{"severity":{"MG-INT-003":"severe"}}', /severity\.MG-INT-003/);
  bad('{"severity":{"INT-003":"low"}}', /finding code/);
  bad('{"ignore":"MG-INT-003"}', /ignore/);
  bad('{"failon":"review"}', /failon|unrecognized/i);
  bad('[]', /top level|object/);
});

test('the default policy changes nothing', async () => {
  const report = await suspiciousReport();
  const outcome = applyPolicy(report, {});
  assert.deepEqual(outcome.report, report);
  assert.equal(outcome.exitVerdict, 'review');
  assert.equal(outcome.ignored, 0);
  assert.equal(outcome.overridden, 0);
});

test('failOn review turns a review into a failing exit, without changing the report verdict', async () => {
  const outcome = applyPolicy(await suspiciousReport(), { failOn: 'review' });
  assert.equal(outcome.report.verdict, 'review');
  assert.equal(outcome.exitVerdict, 'fail');
  const pass = applyPolicy(await suspiciousReport(), { failOn: 'review', ignore: ['MG-SCAN-002'] });
  assert.equal(pass.exitVerdict, 'pass');
});

test('ignore and severity overrides recompute the check that the findings decided, and the verdict', async () => {
  const ignored = applyPolicy(await suspiciousReport(), { ignore: ['MG-SCAN-002'] });
  assert.equal(ignored.ignored, 1);
  assert.ok(!ignored.report.findings.some((f) => f.code === 'MG-SCAN-002'));
  assert.equal(ignored.report.checks.find((c) => c.id === 'scan')?.status, 'pass');
  assert.equal(ignored.report.verdict, 'pass');

  const lowered = applyPolicy(await suspiciousReport(), { severity: { 'MG-SCAN-002': 'low' } });
  assert.equal(lowered.overridden, 1);
  assert.equal(lowered.report.findings.find((f) => f.code === 'MG-SCAN-002')?.severity, 'low');
  assert.equal(lowered.report.verdict, 'pass');

  const raised = applyPolicy(await suspiciousReport(), { severity: { 'MG-SCAN-002': 'critical' } });
  assert.equal(raised.report.verdict, 'fail');
  assert.equal(raised.report.checks.find((c) => c.id === 'scan')?.status, 'fail');

  // Raising an info finding of a passing check fails the verdict through the finding itself.
  const strict = applyPolicy(await suspiciousReport(), { severity: { 'MG-INT-003': 'high' } });
  assert.equal(strict.report.verdict, 'review');
});

test('a check in error keeps its status: a policy cannot hide that a file was not read', async () => {
  const report = await buildReport({
    name: 'demo',
    environment: { runtime: 'node' },
    outcomes: [{ path: 'x', size: 1, error: { kind: 'unreadable', message: 'EACCES' } }],
  });
  const outcome = applyPolicy(report, { ignore: ['MG-INT-001'] });
  assert.equal(outcome.report.checks.find((c) => c.id === 'integrity')?.status, 'error');
  assert.equal(outcome.report.verdict, 'review');
});
