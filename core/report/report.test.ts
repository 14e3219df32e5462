import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseReport } from './parse-report.ts';
import { assembleReport } from '../verify/assemble-report.ts';
import { decideVerdict } from './verdict.ts';
import type { Check, Finding } from './schema.ts';

const digest = 'a'.repeat(64);
const env = { runtime: 'node' as const };

function validReport() {
  return assembleReport({
    name: 'demo',
    environment: env,
    outcomes: [
      { path: 'b.bin', size: 2, sha256: digest },
      { path: 'a.json', size: 1, sha256: digest },
    ],
  });
}

test('a fully hashed model passes integrity, lists files sorted, and says which checks did not run', async () => {
  const report = await validReport();
  // Fingerprinted but not scanned: not a pass.
  assert.equal(report.verdict, 'review');
  assert.deepEqual(
    report.subject.files.map((f) => f.path),
    ['a.json', 'b.bin'],
  );
  assert.equal(report.checks.find((c) => c.id === 'integrity')?.status, 'pass');
  assert.equal(report.checks.find((c) => c.id === 'scan')?.status, 'skipped');
  assert.ok(report.findings.some((f) => f.code === 'MG-INT-003' && f.severity === 'info'));
});

test('a fingerprinted and scanned model with nothing found passes', async () => {
  const clean = { format: 'text', verdict: 'benign' as const, findings: [] };
  const report = await assembleReport({
    name: 'demo',
    environment: env,
    outcomes: [{ path: 'a.json', size: 1, sha256: digest }],
    scans: [{ path: 'a.json', outcome: clean }],
  });
  assert.equal(report.verdict, 'pass');
});

test('an unreadable file makes the integrity check error and the verdict review', async () => {
  const report = await assembleReport({
    name: 'demo',
    environment: env,
    outcomes: [
      { path: 'ok.bin', size: 2, sha256: digest },
      { path: 'bad.bin', size: 9, error: { kind: 'unreadable', message: 'NotReadableError' } },
    ],
  });
  assert.equal(report.verdict, 'review');
  assert.equal(report.checks.find((c) => c.id === 'integrity')?.status, 'error');
  const f = report.findings.find((x) => x.code === 'MG-INT-001');
  assert.equal(f?.file, 'bad.bin');
  assert.equal(report.subject.files.find((x) => x.path === 'bad.bin')?.scan?.verdict, 'unverified');
});

test('a cancelled run is reported as such, never as a pass', async () => {
  const report = await assembleReport({
    name: 'demo',
    environment: env,
    outcomes: [{ path: 'x', size: 1, error: { kind: 'cancelled', message: 'cancelled' } }],
  });
  assert.equal(report.verdict, 'review');
  assert.ok(report.findings.some((f) => f.code === 'MG-RPT-001'));
});

test('verdict rules: critical fails, high/medium reviews, a check in error reviews, info passes', async () => {
  const ok: Check = { id: 'integrity', status: 'pass', summary: '' };
  const scanned: Check = { id: 'scan', status: 'pass', summary: '' };
  const f = (severity: Finding['severity']): Finding => ({ code: 'MG-SCAN-001', severity, title: 't', detail: 'd' });
  assert.equal(decideVerdict([ok, scanned], [f('critical'), f('info')]), 'fail');
  assert.equal(decideVerdict([ok, scanned], [f('high')]), 'review');
  assert.equal(decideVerdict([ok, scanned], [f('medium')]), 'review');
  assert.equal(decideVerdict([ok, scanned], [f('low'), f('info')]), 'pass');
  assert.equal(decideVerdict([{ ...ok, status: 'error' }, scanned], []), 'review');
  assert.equal(decideVerdict([{ ...ok, status: 'fail' }, scanned], []), 'fail');
});

test('no pass without the malware scan and the fingerprints: skipped, missing or in error is review', () => {
  const pass = (id: Check['id']): Check => ({ id, status: 'pass', summary: '' });
  const skipped = (id: Check['id']): Check => ({ id, status: 'skipped', summary: '' });
  assert.equal(decideVerdict([pass('integrity'), pass('scan'), skipped('behavior')], []), 'pass');
  assert.equal(decideVerdict([pass('integrity'), skipped('scan')], []), 'review');
  assert.equal(decideVerdict([pass('integrity')], []), 'review');
  assert.equal(decideVerdict([skipped('integrity'), pass('scan')], []), 'review');
  assert.equal(decideVerdict([pass('scan'), pass('lineage'), pass('behavior')], []), 'review');
  // Still fail when a required check is missing and a finding is critical: the worse verdict wins.
  const critical: Finding = { code: 'MG-SCAN-001', severity: 'critical', title: 't', detail: 'd' };
  assert.equal(decideVerdict([pass('integrity')], [critical]), 'fail');
});

test('parseReport accepts a built report and its JSON round trip', async () => {
  const report = await validReport();
  const parsed = parseReport(JSON.parse(JSON.stringify(report)));
  assert.ok(parsed.ok);
  if (parsed.ok) assert.deepEqual(parsed.report, report);
});

test('parseReport rejects malformed reports with a reason naming the field', async () => {
  const base = JSON.parse(JSON.stringify(await validReport()));
  const cases: [string, (r: any) => void, RegExp][] = [
    ['wrong schema id', (r) => (r.schema = 'modelgate.report/v2'), /schema/],
    ['bad digest', (r) => (r.subject.files[0].sha256 = 'XYZ'), /subject\.files\.0\.sha256/],
    ['unknown verdict', (r) => (r.verdict = 'ok'), /verdict/],
    [
      'bad finding code',
      (r) => r.findings.push({ code: 'XX-1', severity: 'low', title: 't', detail: 'd' }),
      /findings/,
    ],
    ['negative size', (r) => (r.subject.files[0].size = -1), /size/],
    ['missing checks', (r) => delete r.checks, /checks/],
    ['bad date', (r) => (r.createdAt = 'yesterday'), /createdAt/],
  ];
  for (const [label, mutate, field] of cases) {
    const r = structuredClone(base);
    mutate(r);
    const parsed = parseReport(r);
    assert.equal(parsed.ok, false, label);
    if (!parsed.ok) assert.match(parsed.reason, field, label);
  }
  assert.equal(parseReport(null).ok, false);
  assert.equal(parseReport('report').ok, false);
});

test('the root digest is SHA-256 of the sorted sha256sum listing, and absent when a file is unhashed', async () => {
  const { createHash } = await import('node:crypto');
  const report = await validReport();
  const listing = `${digest}  a.json\n${digest}  b.bin\n`;
  assert.equal(report.subject.rootDigest, createHash('sha256').update(listing).digest('hex'));
  const partial = await assembleReport({
    name: 'p',
    environment: env,
    outcomes: [{ path: 'x', size: 1, error: { kind: 'unreadable', message: 'no' } }],
  });
  assert.equal(partial.subject.rootDigest, undefined);
});

test('a link report keeps all rows of a small model and states how many rows of a big one it left out', async () => {
  const { reportForLink } = await import('./link-report.ts');
  const small = await validReport();
  assert.deepEqual(reportForLink(small), small);
  const big = await assembleReport({
    name: 'sharded',
    environment: env,
    outcomes: Array.from({ length: 200 }, (_, i) => ({ path: `shard-${i}`, size: 1, sha256: digest })),
  });
  const linked = reportForLink(big, 64);
  assert.equal(linked.subject.files.length, 0);
  assert.equal(linked.subject.filesOmitted, 200);
  assert.equal(linked.subject.rootDigest, big.subject.rootDigest);
  assert.ok(parseReport(linked).ok);
});

test('a manifest comparison replaces "no manifest", and a modified file fails the report', async () => {
  const { compareWithManifest } = await import('../integrity/compare.ts');
  const { sha256Manifest } = await import('../integrity/sha256sums.ts');
  const manifest = sha256Manifest(`${digest}  a.json\n${'b'.repeat(64)}  b.bin\n`, 'SHA256SUMS');
  const outcomes = [
    { path: 'a.json', size: 1, sha256: digest },
    { path: 'b.bin', size: 2, sha256: digest },
  ];
  const comparison = compareWithManifest(outcomes, manifest);
  const report = await assembleReport({ name: 'm', environment: env, outcomes, manifest: comparison });
  assert.equal(report.verdict, 'fail');
  assert.equal(report.checks.find((c) => c.id === 'integrity')?.status, 'fail');
  assert.ok(!report.findings.some((f) => f.code === 'MG-INT-003'));
  assert.ok(report.findings.some((f) => f.file === 'b.bin' && f.severity === 'critical'));
});

test('a link keeps the lineage verdict and the most changed tensors of a big model', async () => {
  const { reportForLink, MAX_TENSORS_IN_LINK } = await import('./link-report.ts');
  const tensors = Array.from({ length: 300 }, (_, i) => ({ name: `layer.${i}`, relChange: i / 1000, cosine: 0.99 }));
  const report = await assembleReport({
    name: 'big',
    environment: env,
    outcomes: [{ path: 'a', size: 1, sha256: digest }],
    lineage: { verdict: 'derived', summary: 's', tensors, changedLayers: [] },
  });
  const linked = reportForLink(report);
  assert.equal(linked.lineage?.verdict, 'derived');
  assert.equal(linked.lineage?.tensors.length, MAX_TENSORS_IN_LINK);
  assert.equal(linked.lineage?.tensors[0]?.name, 'layer.299');
  assert.ok(parseReport(JSON.parse(JSON.stringify(linked))).ok);
});

test('the headline and the deploy answer follow the verdict and name the worst problem', async () => {
  const { verdictHeadline, deployAnswer } = await import('./verdict.ts');
  assert.equal(deployAnswer('pass'), 'Yes');
  assert.equal(deployAnswer('review'), 'Ask an engineer');
  assert.equal(deployAnswer('fail'), 'No');
  const checks: Check[] = [
    { id: 'integrity', status: 'pass', summary: '' },
    { id: 'scan', status: 'pass', summary: '' },
  ];
  assert.match(verdictHeadline({ verdict: 'pass', checks, findings: [] }), /malware/i);
  const critical: Finding = {
    code: 'MG-SCAN-001',
    severity: 'critical',
    title: 'Code runs on load',
    detail: '',
    file: 'x.bin',
  };
  assert.equal(
    verdictHeadline({ verdict: 'fail', checks, findings: [critical] }),
    'Do not use this model: code runs on load (x.bin).',
  );
  const noScan: Check[] = [checks[0]!, { id: 'scan', status: 'skipped', summary: '' }];
  assert.match(verdictHeadline({ verdict: 'review', checks: noScan, findings: [] }), /malware scan did not run/);
});

test('coverage counts the checks that ran and says how to run each other one', async () => {
  const { coverageOf } = await import('./coverage.ts');
  const report = await validReport();
  const coverage = coverageOf(report);
  assert.equal(coverage.total, 6);
  assert.equal(coverage.ran, 1);
  assert.deepEqual(coverage.notRun.map((c) => c.id).sort(), ['behavior', 'lineage', 'provenance', 'scan', 'signature']);
  assert.ok(coverage.notRun.every((c) => c.how.length > 20));
});

test('a file the scan never reached is could-not-verify with a finding: a partial scan never passes', async () => {
  const clean = { format: 'text', verdict: 'benign' as const, findings: [] };
  const report = await assembleReport({
    name: 'demo',
    environment: env,
    outcomes: [
      { path: 'a.json', size: 1, sha256: digest },
      { path: 'b.bin', size: 2, sha256: digest },
    ],
    scans: [{ path: 'a.json', outcome: clean }],
  });
  assert.equal(report.verdict, 'review');
  assert.equal(report.checks.find((c) => c.id === 'scan')?.status, 'review');
  assert.equal(report.subject.files.find((f) => f.path === 'b.bin')?.scan?.verdict, 'unverified');
  assert.deepEqual(
    report.findings.filter((f) => f.code === 'MG-SCAN-906').map((f) => f.file),
    ['b.bin'],
  );
});
