import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { assembleReport } from '../verify/assemble-report.ts';
import { toSarif, pathToUri, SARIF_LEVEL } from './sarif.ts';
import type { Finding } from '../report/schema.ts';

// ajv-formats is CommonJS; its default export arrives as the function or as { default }.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ??
  addFormatsModule) as typeof addFormatsModule;

/** The official OASIS SARIF 2.1.0 schema (draft-07), see test/fixtures/schemas/README.md. */
function sarifValidator() {
  const schema = JSON.parse(
    readFileSync(new URL('../../test/fixtures/schemas/sarif-schema-2.1.0.json', import.meta.url), 'utf8'),
  ) as object;
  // strict: false because the schema is third-party (it has defaults that do not match their types).
  const ajv = new Ajv({ allErrors: true, strict: false });
  addFormats(ajv);
  return ajv.compile(schema);
}

const digest = 'b'.repeat(64);

async function sampleReport() {
  const findings: Finding[] = [
    {
      code: 'MG-SCAN-001',
      severity: 'critical',
      file: 'weights/model.bin',
      title: 'Code runs when this file is loaded',
      detail: 'posix.system at offset 12',
      remedy: 'Do not load it.',
    },
    { code: 'MG-SIG-006', severity: 'critical', file: 'dir with space/ä.json', title: 'Digest mismatch', detail: 'x' },
    { code: 'MG-RPT-001', severity: 'medium', title: 'Verification was cancelled', detail: '1 of 3 files' },
  ];
  return assembleReport({
    name: 'demo',
    environment: { runtime: 'node' },
    createdAt: new Date('2026-01-02T03:04:05Z'),
    outcomes: [
      { path: 'weights/model.bin', size: 10, sha256: digest },
      { path: 'dir with space/ä.json', size: 3, sha256: digest },
      { path: 'unread.bin', size: 5, error: { kind: 'unreadable', message: 'EACCES' } },
    ],
    folderFindings: findings,
  });
}

test('toSarif writes a SARIF 2.1.0 log that the official schema accepts', async () => {
  const report = await sampleReport();
  const log = toSarif(report, { uriPrefix: 'models/demo/', informationUri: 'https://example.org/modelgate' });
  const validate = sarifValidator();
  assert.ok(validate(log), JSON.stringify(validate.errors, null, 2));
  const run = log.runs[0];
  assert.equal(log.version, '2.1.0');
  assert.equal(run.tool.driver.name, 'modelgate');
  assert.equal(run.tool.driver.version, report.tool.version);
  // One rule per code used, in first-use order, described from the catalog.
  const codes = [...new Set(report.findings.map((f) => f.code))];
  assert.deepEqual(
    run.tool.driver.rules.map((r) => r.id),
    codes,
  );
  const int003 = run.tool.driver.rules.find((r) => r.id === 'MG-INT-003')!;
  assert.equal(int003.shortDescription.text, 'No published manifest to compare against');
  assert.match(int003.fullDescription.text, /fingerprinted/);
  assert.equal(int003.defaultConfiguration.level, 'note');
  assert.equal(int003.helpUri, 'https://example.org/modelgate#finding-codes');
  // One result per finding, level from severity, location when the finding names a file.
  assert.equal(run.results.length, report.findings.length);
  const scan = run.results.find((r) => r.ruleId === 'MG-SCAN-001')!;
  assert.equal(scan.level, 'error');
  assert.equal(run.tool.driver.rules[scan.ruleIndex]!.id, 'MG-SCAN-001');
  assert.match(
    scan.message.text,
    /^Code runs when this file is loaded\. posix\.system at offset 12 Remedy: Do not load it\.$/,
  );
  assert.equal(scan.locations?.[0]?.physicalLocation.artifactLocation.uri, 'models/demo/weights/model.bin');
  const spaced = run.results.find((r) => r.ruleId === 'MG-SIG-006')!;
  assert.equal(
    spaced.locations?.[0]?.physicalLocation.artifactLocation.uri,
    'models/demo/dir%20with%20space/%C3%A4.json',
  );
  const cancelled = run.results.find((r) => r.ruleId === 'MG-RPT-001')!;
  assert.equal(cancelled.level, 'warning');
  // Artifacts carry the SHA-256 of every hashed file; the unreadable one has none.
  assert.deepEqual(
    run.artifacts.map((a) => [a.location.uri, a.hashes?.['sha-256']]),
    [
      ['models/demo/dir%20with%20space/%C3%A4.json', digest],
      ['models/demo/unread.bin', undefined],
      ['models/demo/weights/model.bin', digest],
    ],
  );
  assert.equal(scan.locations?.[0]?.physicalLocation.artifactLocation.index, 2);
  // The integrity check errored (a file was unreadable), so the run did not complete successfully.
  assert.equal(run.invocations[0]!.executionSuccessful, false);
  assert.equal(run.properties.verdict, report.verdict);
});

test('fingerprints are stable across runs and differ between findings', async () => {
  const a = toSarif(await sampleReport());
  const b = toSarif({ ...(await sampleReport()), createdAt: '2030-01-01T00:00:00.000Z' });
  const fp = (log: typeof a) => log.runs[0].results.map((r) => r.partialFingerprints['modelgateFinding/v1']);
  assert.deepEqual(fp(a), fp(b));
  assert.equal(new Set(fp(a)).size, fp(a).length);
});

test('a log without informationUri and without findings is still valid', async () => {
  const report = await assembleReport({
    name: 'x',
    environment: { runtime: 'node' },
    outcomes: [{ path: 'a', size: 1, sha256: digest }],
  });
  const log = toSarif({ ...report, findings: [] });
  const validate = sarifValidator();
  assert.ok(validate(log), JSON.stringify(validate.errors));
  assert.equal(log.runs[0].tool.driver.informationUri, undefined);
  assert.equal(log.runs[0].invocations[0]!.executionSuccessful, true);
});

test('the schema rejects broken SARIF', async () => {
  const validate = sarifValidator();
  const good = toSarif(await sampleReport());
  assert.ok(validate(good));
  const badLevel = structuredClone(good) as unknown as { runs: { results: { level: string }[] }[] };
  badLevel.runs[0]!.results[0]!.level = 'fatal';
  assert.equal(validate(badLevel), false);
  const noVersion: Record<string, unknown> = { ...good };
  delete noVersion.version;
  assert.equal(validate(noVersion), false);
  const noMessage = structuredClone(good) as unknown as { runs: { results: Record<string, unknown>[] }[] };
  delete noMessage.runs[0]!.results[0]!.message;
  assert.equal(validate(noMessage), false);
  const badUri = structuredClone(good) as unknown as { runs: { artifacts: { location: { uri: string } }[] }[] };
  badUri.runs[0]!.artifacts[0]!.location.uri = 'has space';
  assert.equal(validate(badUri), false);
  const extra = structuredClone(good) as unknown as { runs: Record<string, unknown>[] };
  extra.runs[0]!.verdict = 'pass';
  assert.equal(validate(extra), false);
});

test('severity maps to SARIF levels, and paths become relative URI references', () => {
  assert.deepEqual(SARIF_LEVEL, { critical: 'error', high: 'error', medium: 'warning', low: 'note', info: 'note' });
  assert.equal(pathToUri('a b/c#d?.bin'), 'a%20b/c%23d%3F.bin');
  assert.equal(pathToUri('x.bin', 'm/'), 'm/x.bin');
});

test('every result has a location: a finding about the whole model points at README.md, config.json or the first file', async () => {
  // GitHub code scanning rejects a SARIF file with a result that has no location (codeql-action#1738, #2459).
  const whole: Finding = { code: 'MG-RPT-001', severity: 'medium', title: 'Verification was cancelled', detail: 'x' };
  const withFiles = async (paths: string[]) =>
    assembleReport({
      name: 'demo',
      environment: { runtime: 'node' },
      outcomes: paths.map((path) => ({ path, size: 1, sha256: digest })),
      folderFindings: [whole],
    });
  const validate = sarifValidator();
  const cases: [string[], string][] = [
    [['weights/model.bin', 'config.json', 'README.md'], 'models/demo/README.md'],
    [['weights/model.bin', 'config.json'], 'models/demo/config.json'],
    [['weights/model.bin', 'a.bin'], 'models/demo/a.bin'],
  ];
  for (const [paths, uri] of cases) {
    const report = await withFiles(paths);
    const log = toSarif(report, { uriPrefix: 'models/demo/' });
    assert.ok(validate(log), JSON.stringify(validate.errors, null, 2));
    const results = log.runs[0].results;
    assert.equal(results.length, report.findings.length);
    for (const r of results) assert.ok(r.locations.length >= 1, `${r.ruleId} has no location`);
    const cancelled = results.find((r) => r.ruleId === 'MG-RPT-001')!;
    const location = cancelled.locations[0]!.physicalLocation.artifactLocation;
    assert.equal(location.uri, uri);
    assert.equal(log.runs[0].artifacts[location.index!]!.location.uri, uri);
    assert.match(cancelled.message.text, /^This finding concerns the whole model/);
  }
  // The sample report: every finding, with a file or not, has a location, and the log stays valid.
  const log = toSarif(await sampleReport());
  assert.ok(validate(log), JSON.stringify(validate.errors, null, 2));
  for (const r of log.runs[0].results) assert.ok(r.locations.length >= 1, `${r.ruleId} has no location`);
  // A finding with a file keeps its message as it was.
  assert.doesNotMatch(log.runs[0].results.find((r) => r.ruleId === 'MG-SCAN-001')!.message.text, /whole model/);
});
