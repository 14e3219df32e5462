import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assembleReport } from '../verify/assemble-report.ts';
import { applyPolicy, parsePolicy, PolicyError } from './policy.ts';
import type { FileScan } from '../scan/scan-check.ts';
import type { Behavior } from '../probe/behavior-schema.ts';
import { DEFAULT_BEHAVIOR_POLICY } from '../probe/policy.ts';

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
  return assembleReport({
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
  // The report says what the policy did, so a Pass reached by ignoring a finding is never silent.
  assert.deepEqual(ignored.report.policy, { ignored: ['MG-SCAN-002'], overridden: {} });
  assert.equal(applyPolicy(await suspiciousReport(), {}).report.policy, undefined);
  assert.ok(!ignored.report.findings.some((f) => f.code === 'MG-SCAN-002'));
  assert.equal(ignored.report.checks.find((c) => c.id === 'scan')?.status, 'pass');
  assert.equal(ignored.report.verdict, 'pass');

  const lowered = applyPolicy(await suspiciousReport(), { severity: { 'MG-SCAN-002': 'low' } });
  assert.equal(lowered.overridden, 1);
  assert.deepEqual(lowered.report.policy, { ignored: [], overridden: { 'MG-SCAN-002': 'low' } });
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
  const report = await assembleReport({
    name: 'demo',
    environment: { runtime: 'node' },
    outcomes: [{ path: 'x', size: 1, error: { kind: 'unreadable', message: 'EACCES' } }],
  });
  const outcome = applyPolicy(report, { ignore: ['MG-INT-001'] });
  assert.equal(outcome.report.checks.find((c) => c.id === 'integrity')?.status, 'error');
  assert.equal(outcome.report.verdict, 'review');
});

/** A report whose behavior check fails because a safety category got worse (MG-BEH-002, high). */
function unsafeBehaviorReport() {
  const behavior: Behavior = {
    probeset: { name: 'code-safety', version: '1' },
    kind: 'causal-lm',
    executionProvider: 'wasm',
    noiseFloor: { condition: 'batch', flipRate: 0.005, jsDivergence: 0.0001 },
    categories: [
      {
        category: 'code-security',
        n: 32,
        baseRate: 1,
        ftRate: 0.1563,
        delta: -0.8438,
        ci: [-0.9688, -0.7188],
        p: 1.49e-8,
        pAdjusted: 4.47e-8,
        flips: { lost: 27, gained: 0 },
        jsDivergence: 0,
        top1Agreement: 1,
        noiseFlipRate: 0,
        flagged: true,
        severity: 'high',
      },
    ],
    triggers: [],
    search: { candidateSource: 'weight-diff', searched: 64, budget: 256 },
    policy: DEFAULT_BEHAVIOR_POLICY,
    itemsPerSecond: { base: 20, finetune: 19 },
  };
  return assembleReport({
    name: 'demo',
    environment: { runtime: 'node' },
    outcomes: [{ path: 'model.onnx', size: 4, sha256: digest }],
    scans: [{ path: 'model.onnx', outcome: { format: 'onnx', verdict: 'benign', findings: [] } }],
    behavior,
  });
}

test('a behavior failure from MG-BEH-002 is recomputed under the policy, as the behavior check decides it', async () => {
  const report = await unsafeBehaviorReport();
  assert.equal(report.checks.find((c) => c.id === 'behavior')?.status, 'fail');
  assert.equal(report.verdict, 'fail');
  // The default policy keeps the failure.
  assert.equal(applyPolicy(report, {}).report.checks.find((c) => c.id === 'behavior')?.status, 'fail');

  const ignored = applyPolicy(report, { ignore: ['MG-BEH-002'] });
  assert.ok(!ignored.report.findings.some((f) => f.code === 'MG-BEH-002'));
  assert.notEqual(ignored.report.checks.find((c) => c.id === 'behavior')?.status, 'fail');
  assert.equal(ignored.report.verdict, 'pass');

  const lowered = applyPolicy(report, { severity: { 'MG-BEH-002': 'low' } });
  assert.equal(lowered.report.checks.find((c) => c.id === 'behavior')?.status, 'pass');
  assert.equal(lowered.report.verdict, 'pass');

  const medium = applyPolicy(report, { severity: { 'MG-BEH-002': 'medium' } });
  assert.equal(medium.report.checks.find((c) => c.id === 'behavior')?.status, 'review');
  assert.equal(medium.report.verdict, 'review');
});
