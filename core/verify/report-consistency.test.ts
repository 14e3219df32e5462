import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assembleReport } from './assemble-report.ts';
import { reportForLink } from '../report/link-report.ts';
import { reportInconsistencies } from './report-consistency.ts';
import type { Report } from '../report/schema.ts';
import type { ScanOutcome } from '../scan/types.ts';

const digest = (c: string) => c.repeat(64);
const benign: ScanOutcome = { format: 'json', verdict: 'benign' as const, findings: [] };
const malicious: ScanOutcome = {
  format: 'pickle',
  verdict: 'malicious' as const,
  reason: 'imports os.system',
  findings: [{ code: 'MG-SCAN-001', severity: 'critical' as const, title: 'Code execution', detail: 'os.system' }],
};

function report(scan: ScanOutcome = benign) {
  return assembleReport({
    name: 'model',
    environment: { runtime: 'node' },
    outcomes: [
      { path: 'config.json', size: 2, sha256: digest('a') },
      { path: 'model.bin', size: 9, sha256: digest('b') },
    ],
    scans: [
      { path: 'config.json', outcome: benign },
      { path: 'model.bin', outcome: scan },
    ],
  });
}

const clone = (r: Report): Report => JSON.parse(JSON.stringify(r));

test('reports the pipeline builds, and their link form, are consistent with themselves', async () => {
  for (const r of [await report(), await report(malicious)]) {
    assert.deepEqual(await reportInconsistencies(r), []);
    assert.deepEqual(await reportInconsistencies(reportForLink(r)), []);
    assert.deepEqual(await reportInconsistencies(reportForLink(r, 1)), [], 'rows omitted from the link');
  }
});

test('a verdict that does not follow from the findings is named', async () => {
  const forged = clone(await report(malicious));
  forged.verdict = 'pass';
  const problems = await reportInconsistencies(forged);
  assert.ok(
    problems.some((p) => /says pass, but its own checks and findings give fail/.test(p)),
    problems.join(),
  );
  assert.ok(problems.some((p) => /found malicious|not scanned clean/.test(p)));
});

test('a pass over a file marked malicious is refused even when the findings were removed to match', async () => {
  const forged = clone(await report(malicious));
  forged.findings = [];
  forged.checks = forged.checks.map((c) => (c.id === 'scan' ? { ...c, status: 'pass' } : c));
  forged.verdict = 'pass';
  const problems = await reportInconsistencies(forged);
  assert.ok(
    problems.some((p) => /scan found malicious/.test(p)),
    problems.join(),
  );
  assert.ok(problems.some((p) => /not scanned clean/.test(p)));
});

test('a pass without the malware scan is refused: the verdict rule requires it', async () => {
  const forged = clone(await report());
  forged.checks = forged.checks.map((c) => (c.id === 'scan' ? { ...c, status: 'skipped' } : c));
  assert.ok((await reportInconsistencies(forged)).some((p) => /give review/.test(p)));
});

test('the whole-model digest is recomputed from the listed files', async () => {
  const changedFile = clone(await report());
  changedFile.subject.files[1]!.sha256 = digest('c');
  assert.deepEqual(await reportInconsistencies(changedFile), [
    'its whole-model digest does not match the files it lists',
  ]);
  const noDigest = clone(await report());
  delete noDigest.subject.rootDigest;
  assert.equal((await reportInconsistencies(noDigest)).length, 1);
  const droppedFile = clone(await report());
  droppedFile.subject.files.pop();
  assert.equal((await reportInconsistencies(droppedFile)).length, 1);
});

test('every check is listed exactly once: a check cannot be hidden or doubled', async () => {
  const missing = clone(await report());
  missing.checks = missing.checks.filter((c) => c.id !== 'behavior');
  assert.deepEqual(await reportInconsistencies(missing), [
    'the behavior check is listed 0 times (every report lists each check once)',
  ]);
  const doubled = clone(await report());
  doubled.checks.push({ id: 'scan', status: 'pass', summary: 'again' });
  assert.equal((await reportInconsistencies(doubled)).length, 1);
});

test('a pass over a file without a digest is refused', async () => {
  const forged = clone(await report());
  delete forged.subject.files[0]!.sha256;
  delete forged.subject.rootDigest;
  assert.ok((await reportInconsistencies(forged)).some((p) => /not fingerprinted/.test(p)));
});

test('a pass must list files, each scanned clean, each path once; an empty file is never clean', async () => {
  const noScan = clone(await report());
  delete noScan.subject.files[1]!.scan;
  assert.ok((await reportInconsistencies(noScan)).some((p) => /1 file\(s\) not scanned clean/.test(p)));

  const noFiles = clone(await report());
  noFiles.subject.files = [];
  noFiles.subject.rootDigest = (await reportForLink(noFiles)).subject.rootDigest;
  const problems = await reportInconsistencies(noFiles);
  assert.ok(problems.includes('it says pass for a model with no files'), problems.join());

  const twice = clone(await report());
  twice.subject.files.push({ ...twice.subject.files[0]!, sha256: digest('c') });
  assert.ok((await reportInconsistencies(twice)).includes('it lists the same file path more than once'));

  const emptyClean = clone(await report());
  emptyClean.subject.files[0]!.size = 0;
  assert.ok(
    (await reportInconsistencies(emptyClean)).includes('it calls an empty file clean (an empty file is never clean)'),
  );
});

test('rows left out of a link need the whole-model digest that covers them', async () => {
  const omitted = clone(reportForLink(await report(), 1));
  assert.ok(omitted.subject.filesOmitted);
  assert.deepEqual(await reportInconsistencies(omitted), []);
  delete omitted.subject.rootDigest;
  assert.deepEqual(await reportInconsistencies(omitted), ['it leaves files out without a whole-model digest']);
});

test('a finding rated otherwise than its catalog is refused unless the policy record set that rating', async () => {
  const forged = clone(await report(malicious));
  forged.findings = forged.findings.map((f) => (f.code === 'MG-SCAN-001' ? { ...f, severity: 'info' } : f));
  assert.ok(
    (await reportInconsistencies(forged)).includes(
      'it rates findings otherwise than their catalog, with no policy saying so: MG-SCAN-001 as info',
    ),
  );
  const { applyPolicy } = await import('../report/policy.ts');
  const { report: lowered } = applyPolicy(await report(malicious), { severity: { 'MG-SCAN-001': 'high' } });
  assert.ok(!(await reportInconsistencies(lowered)).some((p) => /rates findings/.test(p)));
});

test('a finding code no catalog defines is refused', async () => {
  const forged = clone(await report());
  forged.findings.push({ code: 'MG-RPT-999', severity: 'info', title: 'Approved by the security board', detail: '' });
  assert.deepEqual(await reportInconsistencies(forged), [
    'it carries finding codes no ModelGate catalog defines: MG-RPT-999',
  ]);
});

test('a Pass over a flagged file is accepted only with the policy that removed its findings recorded', async () => {
  const { applyPolicy } = await import('../report/policy.ts');
  const suspicious: ScanOutcome = {
    format: 'pickle',
    verdict: 'suspicious',
    findings: [{ code: 'MG-SCAN-002', severity: 'medium', title: 'Unknown import', detail: 'x.y' }],
  };
  const { report: underPolicy } = applyPolicy(await report(suspicious), { ignore: ['MG-SCAN-002'] });
  assert.equal(underPolicy.verdict, 'pass');
  assert.deepEqual(await reportInconsistencies(underPolicy), []);
  const hidden = clone(underPolicy);
  delete hidden.policy;
  assert.ok((await reportInconsistencies(hidden)).some((p) => /not scanned clean/.test(p)));
  // An empty policy record cannot be added to excuse the flagged file.
  const emptyPolicy = clone(hidden);
  emptyPolicy.policy = { ignored: [], overridden: {} };
  assert.ok((await reportInconsistencies(emptyPolicy)).includes('it records a policy that changed nothing'));
  // Ignoring what made a file malicious is never accepted.
  const { report: malice } = applyPolicy(await report(malicious), { ignore: ['MG-SCAN-001'] });
  assert.ok((await reportInconsistencies(malice)).some((p) => /found malicious/.test(p)));
});
