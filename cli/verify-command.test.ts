import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { parseReport } from '../core/report/parse-report.ts';
import { spkiToPem } from '../core/sign/fingerprint.ts';
import { signModel } from '../core/sign/oms/sign-model.ts';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { fingerprintHex } from '../core/sign/fingerprint.ts';
import { verifyReportLink } from '../core/sign/verify-link.ts';
import { fixtureFetch, loadHubFixture } from '../core/integrity/hub-fixture-node.ts';
import { verifyCommand } from './verify-command.ts';

// ajv-formats is CommonJS; its default export arrives as the function or as { default }.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ??
  addFormatsModule) as typeof addFormatsModule;

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const mt = join(root, 'test', 'fixtures', 'oms', 'model-transparency');
const keyPem = join(mt, 'keys/signing-key-pub.pem');

function run(args: string[]) {
  return spawnSync(process.execPath, [join(root, 'cli/bin.mjs'), ...args], { encoding: 'utf8' });
}

function report(stdout: string) {
  const parsed = parseReport(JSON.parse(stdout));
  assert.ok(parsed.ok, parsed.ok ? '' : parsed.reason);
  return parsed.report;
}

const signatureCheck = (r: ReturnType<typeof report>) => r.checks.find((c) => c.id === 'signature');

test('verify --key passes the v1.1.0 key vector and fails its signature on the certificate folder', () => {
  const ok = run(['verify', join(mt, 'v1.1.0-elliptic-key'), '--key', keyPem, '--json']);
  // The upstream vector folders hold an empty file (ignore-me): a medium finding, so review (exit 1).
  assert.equal(ok.status, 1, ok.stderr);
  assert.equal(signatureCheck(report(ok.stdout))?.status, 'pass');
  assert.deepEqual(
    report(ok.stdout)
      .findings.filter((f) => f.severity !== 'info')
      .map((f) => [f.code, f.file]),
    [['MG-SCAN-905', 'ignore-me']],
  );
  const bad = run([
    'verify',
    join(mt, 'v1.1.0-certificate'),
    '--signature',
    join(mt, 'v1.1.0-elliptic-key/model.sig'),
    '--key',
    keyPem,
    '--json',
  ]);
  assert.equal(bad.status, 2, bad.stderr);
  const r = report(bad.stdout);
  assert.equal(r.verdict, 'fail');
  assert.equal(signatureCheck(r)?.status, 'fail');
  assert.ok(r.findings.some((f) => f.code === 'MG-SIG-006' && f.file === 'signme-1' && f.severity === 'critical'));
});

test('verify --ca, a single-file model, --ignore-paths, and keyless bundles (review, never pass)', () => {
  const cert = run(['verify', join(mt, 'v1.1.0-certificate'), '--ca', join(mt, 'keys/ca-cert.pem'), '--json']);
  assert.equal(cert.status, 1, cert.stdout); // the empty ignore-me file
  assert.equal(signatureCheck(report(cert.stdout))?.status, 'pass');
  const single = run(['verify', join(mt, 'v1.0.0-elliptic-key/signme-1'), '--key', keyPem, '--json']);
  assert.equal(single.status, 0, single.stdout);
  const old = run(['verify', join(mt, 'v1.0.1-elliptic-key'), '--key', keyPem, '--json']);
  assert.equal(old.status, 2);
  assert.ok(report(old.stdout).findings.some((f) => f.code === 'MG-SIG-008' && f.file === 'ignore-me'));
  const ignored = run([
    'verify',
    join(mt, 'v1.0.1-elliptic-key'),
    '--key',
    keyPem,
    '--ignore-paths',
    'ignore-me',
    '--json',
  ]);
  // The signature ignores the file; the scan does not (it is still in the folder, and empty): review.
  assert.equal(ignored.status, 1, ignored.stdout);
  assert.equal(signatureCheck(report(ignored.stdout))?.status, 'pass');
  const keyless = run(['verify', join(mt, 'v1.1.0-sigstore'), '--key', keyPem, '--json']);
  assert.equal(keyless.status, 1);
  assert.ok(report(keyless.stdout).findings.some((f) => f.code === 'MG-SIG-010'));
});

test('a folder signed with signModel verifies with the CLI; a flipped byte fails naming the file', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mg-verify-'));
  const files: Record<string, Buffer> = {
    'config.json': Buffer.from('{"hidden_size": 8}\n'),
    // A complete model card, so the provenance check passes too.
    'README.md': readFileSync(join(root, 'public/demo/tiny-sentiment/README.md')),
    // A valid safetensors file: verify also scans, and unparseable weights would need review.
    'weights/model.safetensors': safetensors(4096),
    '.gitattributes': Buffer.from('*.bin filter=lfs\n'),
  };
  for (const [path, bytes] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), bytes);
  }
  const keys = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign', 'verify']);
  const spki = new Uint8Array(await crypto.subtle.exportKey('spki', keys.publicKey));
  const sig = await signModel({
    name: 'model',
    files: Object.entries(files).map(([path, b]) => ({ path, sha256: createHash('sha256').update(b).digest('hex') })),
    privateKey: keys.privateKey,
    publicKeySpki: spki,
  });
  writeFileSync(join(dir, 'model.sig'), sig);
  writeFileSync(join(dir, 'pub.pem'), spkiToPem(spki));
  const pem = join(dir, 'pub.pem');
  // pub.pem sits in the folder too: it is not signed, so it must be ignored explicitly.
  const ok = run(['verify', dir, '--key', pem, '--ignore-paths', 'pub.pem', '--json']);
  assert.equal(ok.status, 0, ok.stdout);
  assert.equal(signatureCheck(report(ok.stdout))?.status, 'pass');
  const flipped = Buffer.from(files['weights/model.safetensors']!);
  flipped[2048]! ^= 0x01;
  writeFileSync(join(dir, 'weights/model.safetensors'), flipped);
  const bad = run(['verify', dir, '--key', pem, '--ignore-paths', 'pub.pem', '--json']);
  assert.equal(bad.status, 2);
  const r = report(bad.stdout);
  assert.deepEqual(
    r.findings.filter((f) => f.code.startsWith('MG-SIG')).map((f) => `${f.code} ${f.file}`),
    ['MG-SIG-006 weights/model.safetensors'],
  );
});

test('verify without a trust input, or with two, is a usage error', () => {
  const none = run(['verify', join(mt, 'v1.1.0-elliptic-key')]);
  assert.equal(none.status, 64);
  assert.match(none.stderr, /exactly one of --key/);
  const two = run(['verify', join(mt, 'v1.1.0-elliptic-key'), '--key', keyPem, '--ca', keyPem]);
  assert.equal(two.status, 64);
});

// ------------------------------------------------------------------ verify in CI pipelines

const demo = join(root, 'public/demo/tiny-sentiment');
const maliciousPickle = join(root, 'test/fixtures/scan/malicious/t18-memo-binput-binget-stack-global.pkl');

/** A model folder: config.json, a weight file, and optionally a malicious pickle from the scan fixtures. */
function modelFolder(withMalware: boolean): string {
  const dir = mkdtempSync(join(tmpdir(), 'mg-verify-ci-'));
  writeFileSync(join(dir, 'config.json'), '{"hidden_size": 8}\n');
  // A complete model card: the provenance check passes, so the verdict is the scan's and the manifest's.
  copyFileSync(join(demo, 'README.md'), join(dir, 'README.md'));
  writeFileSync(join(dir, 'model.safetensors'), safetensors());
  if (withMalware) copyFileSync(maliciousPickle, join(dir, 'pytorch_model.bin'));
  return dir;
}

/** A minimal valid safetensors file: one F32 tensor of `bytes` bytes, each 7. */
function safetensors(bytes = 8): Buffer {
  const shape = [bytes / 4];
  const header = Buffer.from(JSON.stringify({ w: { dtype: 'F32', shape, data_offsets: [0, bytes] } }));
  const size = Buffer.alloc(8);
  size.writeBigUInt64LE(BigInt(header.length));
  return Buffer.concat([size, header, Buffer.alloc(bytes, 7)]);
}

function sarifValidator() {
  const schema = JSON.parse(
    readFileSync(join(root, 'test/fixtures/schemas/sarif-schema-2.1.0.json'), 'utf8'),
  ) as object;
  const ajv = new Ajv({ allErrors: true, strict: false });
  addFormats(ajv);
  return ajv.compile(schema);
}

test('verify without a signature runs integrity and the scan; the exit code follows the verdict', () => {
  const ok = run(['verify', demo, '--json']);
  assert.equal(ok.status, 0, ok.stderr);
  const passed = report(ok.stdout);
  assert.equal(passed.verdict, 'pass');
  assert.equal(passed.checks.find((c) => c.id === 'scan')?.status, 'pass');
  assert.equal(signatureCheck(passed)?.status, 'skipped');

  const bad = run(['verify', modelFolder(true), '--json']);
  assert.equal(bad.status, 2, bad.stderr);
  const failed = report(bad.stdout);
  assert.equal(failed.verdict, 'fail');
  assert.equal(failed.checks.find((c) => c.id === 'scan')?.status, 'fail');
  // The same findings as `modelgate scan` on that file.
  const scan = run(['scan', maliciousPickle, '--json']);
  const scanCodes = report(scan.stdout)
    .findings.filter((f) => f.code.startsWith('MG-SCAN'))
    .map((f) => f.code);
  const verifyCodes = failed.findings.filter((f) => f.file === 'pytorch_model.bin').map((f) => f.code);
  assert.ok(scanCodes.length > 0);
  assert.deepEqual(verifyCodes, scanCodes);
  // Text output by default; nothing on stderr when it is not a terminal (no progress bar).
  const text = run(['verify', demo]);
  assert.equal(text.status, 0);
  assert.match(text.stdout, /^tiny-sentiment: PASS/);
  assert.equal(text.stderr, '');
});

test('--policy: failOn review makes a review exit 2; a bad policy is a usage error naming the file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mg-policy-'));
  const review = join(dir, 'review.json');
  writeFileSync(review, JSON.stringify({ severity: { 'MG-INT-003': 'medium' } }));
  const strict = join(dir, 'strict.json');
  writeFileSync(strict, JSON.stringify({ severity: { 'MG-INT-003': 'medium' }, failOn: 'review' }));
  const relaxed = join(dir, 'relaxed.json');
  writeFileSync(relaxed, JSON.stringify({ ignore: ['MG-INT-003'], failOn: 'review' }));

  const r1 = run(['verify', demo, '--policy', review, '--json']);
  assert.equal(r1.status, 1, r1.stderr);
  assert.equal(report(r1.stdout).verdict, 'review');
  const r2 = run(['verify', demo, '--policy', strict, '--json']);
  assert.equal(r2.status, 2, r2.stderr);
  assert.equal(report(r2.stdout).verdict, 'review');
  const r3 = run(['verify', demo, '--policy', relaxed, '--json']);
  assert.equal(r3.status, 0, r3.stderr);
  assert.ok(!report(r3.stdout).findings.some((f) => f.code === 'MG-INT-003'));

  const broken = join(dir, 'broken.json');
  writeFileSync(broken, '{"failOn": "sometimes"}');
  const r4 = run(['verify', demo, '--policy', broken]);
  assert.equal(r4.status, 64);
  assert.match(r4.stderr, /broken\.json: not a ModelGate policy: failOn/);
  const r5 = run(['verify', demo, '--policy', join(dir, 'missing.json')]);
  assert.equal(r5.status, 64);
  assert.match(r5.stderr, /missing\.json: no such policy file/);
});

test('--sarif writes a valid SARIF 2.1.0 log; --json out.json writes the report and prints text', () => {
  const dir = modelFolder(true);
  const out = mkdtempSync(join(tmpdir(), 'mg-out-'));
  const sarifPath = join(out, 'modelgate.sarif');
  const jsonPath = join(out, 'report.json');
  const r = run(['verify', dir, '--sarif', sarifPath, '--json', jsonPath]);
  assert.equal(r.status, 2, r.stderr);
  assert.match(r.stdout, /FAIL/);
  const written = report(readFileSync(jsonPath, 'utf8'));
  assert.equal(written.verdict, 'fail');
  const sarif = JSON.parse(readFileSync(sarifPath, 'utf8')) as {
    runs: { results: { ruleId: string; level: string; locations?: unknown[] }[] }[];
  };
  const validate = sarifValidator();
  assert.ok(validate(sarif), JSON.stringify(validate.errors, null, 2));
  const results = sarif.runs[0]!.results;
  assert.equal(results.length, written.findings.length);
  assert.ok(results.some((x) => x.level === 'error' && x.ruleId.startsWith('MG-SCAN')));

  // --json=out.json works too, and --json alone still prints JSON for other commands.
  const eq = join(out, 'eq.json');
  assert.equal(run(['verify', demo, `--json=${eq}`]).status, 0);
  assert.equal(report(readFileSync(eq, 'utf8')).verdict, 'pass');
  const hash = run(['hash', demo, '--json']);
  assert.equal(hash.status, 0);
  assert.equal(report(hash.stdout).verdict, 'review'); // fingerprinted, not scanned
});

async function pkcs8Pem(): Promise<{ pem: string; spki: Uint8Array }> {
  const keys = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify']);
  const der = Buffer.from(await crypto.subtle.exportKey('pkcs8', keys.privateKey));
  const body = der.toString('base64').replace(/(.{64})/g, '$1\n');
  const pem = `-----BEGIN PRIVATE KEY-----\n${body.trimEnd()}\n-----END PRIVATE KEY-----\n`;
  return { pem, spki: new Uint8Array(await crypto.subtle.exportKey('spki', keys.publicKey)) };
}

const LINK = /^(https?:\/\/[^\s#]+)\/r#(\S+)$/m;

test('--sign key.pem prints a signed link that verifies as the browser does, signed by that key', async () => {
  const { pem, spki } = await pkcs8Pem();
  const dir = mkdtempSync(join(tmpdir(), 'mg-sign-'));
  const keyPath = join(dir, 'key.pem');
  writeFileSync(keyPath, pem);
  const r = run(['verify', demo, '--sign', keyPath, '--link', '--origin', 'https://gate.example/']);
  assert.equal(r.status, 0, r.stderr);
  const match = LINK.exec(r.stdout);
  assert.ok(match, r.stdout);
  assert.equal(match[1], 'https://gate.example');
  const verified = await verifyReportLink(match[2]!);
  assert.equal(verified.status, 'valid', JSON.stringify(verified));
  if (verified.status !== 'valid') return;
  assert.equal(verified.fingerprint, await fingerprintHex(spki));
  const signed = report(new TextDecoder().decode(verified.payload));
  assert.equal(signed.verdict, 'pass');
  assert.equal(signed.subject.name, 'tiny-sentiment');

  // With --json on stdout the link goes to stderr, so the JSON stays parseable.
  const j = run(['verify', demo, '--sign', keyPath, '--json']);
  assert.equal(report(j.stdout).verdict, 'pass');
  assert.match(j.stderr, LINK);

  const notPkcs8 = join(dir, 'ec.pem');
  writeFileSync(notPkcs8, '-----BEGIN EC PRIVATE KEY-----\nAAAA\n-----END EC PRIVATE KEY-----\n');
  const bad = run(['verify', demo, '--sign', notPkcs8]);
  assert.equal(bad.status, 64);
  assert.match(bad.stderr, /PKCS#8/);
});

test('--link without --sign signs with a one-time key and says so', async () => {
  const r = run(['verify', demo, '--link']);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /one-time key/);
  const match = LINK.exec(r.stdout);
  assert.ok(match);
  assert.equal(match[1], 'http://127.0.0.1:3000');
  assert.equal((await verifyReportLink(match[2]!)).status, 'valid');
});

test('SHA256SUMS in the folder is compared; a modified file fails naming it', () => {
  const dir = modelFolder(false);
  const sum = (name: string) =>
    createHash('sha256')
      .update(readFileSync(join(dir, name)))
      .digest('hex');
  writeFileSync(
    join(dir, 'SHA256SUMS'),
    ['README.md', 'config.json', 'model.safetensors'].map((f) => `${sum(f)}  ${f}\n`).join(''),
  );
  const ok = run(['verify', dir, '--json']);
  assert.equal(ok.status, 0, ok.stdout);
  const good = report(ok.stdout);
  assert.ok(!good.findings.some((f) => f.code === 'MG-INT-003'));
  assert.match(good.checks.find((c) => c.id === 'integrity')!.summary, /SHA256SUMS/);
  writeFileSync(join(dir, 'config.json'), '{"hidden_size": 9}\n');
  const bad = run(['verify', dir, '--json']);
  assert.equal(bad.status, 2);
  assert.ok(report(bad.stdout).findings.some((f) => f.code === 'MG-INT-010' && f.file === 'config.json'));
});

test('--hf compares with the Hub revision through the injected fetch (recorded fixture)', async () => {
  const fixture = loadHubFixture('tiny-sentiment');
  const r = await verifyCommand(demo, { hf: `${fixture.repo}@main` }, { fetchFn: fixtureFetch(fixture) });
  const integrity = r.checks.find((c) => c.id === 'integrity')!;
  assert.match(integrity.summary, new RegExp(`Hub revision ${fixture.commit}`));
  assert.equal(integrity.status, 'pass');
  assert.equal(r.verdict, 'pass');
  await assert.rejects(verifyCommand(demo, { hf: '@main' }), /--hf expects owner\/name@revision/);
});

test('a missing --base folder and --probes without --base are usage errors; --json followed by a folder keeps the folder', () => {
  for (const [flag, message] of [
    ['--base', /no such file or directory/],
    ['--probes', /--probes needs --base/],
  ] as const) {
    const r = run(['verify', demo, flag, 'x']);
    assert.equal(r.status, 64, flag);
    assert.match(r.stderr, message);
  }
  const r = run(['verify', '--json', demo]);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(report(r.stdout).verdict, 'pass');
});

// ------------------------------------------------------------------------------------- provenance (#7)

const provenanceFixture = (name: string) => join(root, 'test/fixtures/provenance', name);
const demoDir = (name: string) => join(root, 'public/demo', name);
const codesOf = (r: ReturnType<typeof report>, prefix: string) =>
  r.findings
    .map((f) => f.code)
    .filter((c) => c.startsWith(prefix))
    .sort();

/** The CycloneDX 1.6 schema shipped in @cyclonedx/cyclonedx-library, as core/provenance/cyclonedx.test.ts loads it. */
function bomValidator() {
  const schemas = join(
    createRequire(import.meta.url).resolve('@cyclonedx/cyclonedx-library/package.json'),
    '..',
    'res',
    'schema',
  );
  const read = (name: string) => JSON.parse(readFileSync(join(schemas, name), 'utf8')) as Record<string, unknown>;
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addFormat('iri-reference', /^[^\s<>"{}|\\^`]*$/u);
  ajv.addFormat('idn-email', /^[^\s@]+@[^\s@]+$/u);
  ajv.addSchema({ ...read('spdx.SNAPSHOT.schema.json'), $id: 'http://cyclonedx.org/schema/spdx.SNAPSHOT.schema.json' });
  ajv.addSchema({
    ...read('jsf-0.82.SNAPSHOT.schema.json'),
    $id: 'http://cyclonedx.org/schema/jsf-0.82.SNAPSHOT.schema.json',
  });
  return ajv.compile(read('bom-1.6.SNAPSHOT.schema.json'));
}

test('verify checks the model card: missing fields are findings (exit 1), a complete card passes (exit 0)', () => {
  const missing = run(['verify', provenanceFixture('missing-fields'), '--json']);
  assert.equal(missing.status, 1, missing.stderr);
  const r = report(missing.stdout);
  assert.deepEqual(codesOf(r, 'MG-PROV'), [
    'MG-PROV-001',
    'MG-PROV-003',
    'MG-PROV-006',
    'MG-PROV-006',
    'MG-PROV-012',
    'MG-PROV-012',
  ]);
  assert.equal(r.checks.find((c) => c.id === 'provenance')?.status, 'review');
  assert.ok(r.provenance && r.provenance.completeness.score < 40);

  const complete = run(['verify', provenanceFixture('complete'), '--json']);
  assert.equal(complete.status, 0, complete.stderr);
  const ok = report(complete.stdout);
  assert.deepEqual(codesOf(ok, 'MG-PROV'), []);
  assert.equal(ok.checks.find((c) => c.id === 'provenance')?.status, 'pass');
  assert.equal(ok.provenance?.completeness.profile, 'advanced');

  const malformed = run(['verify', provenanceFixture('malformed'), '--json']);
  assert.equal(malformed.status, 1, malformed.stderr);
  assert.deepEqual(codesOf(report(malformed.stdout), 'MG-PROV'), ['MG-PROV-017']);
});

test('verify --base compares the card with the base config and tokenizer (a contradiction fails, exit 2)', () => {
  const r = run(['verify', provenanceFixture('complete'), '--base', provenanceFixture('base-mismatch'), '--json']);
  assert.equal(r.status, 2, r.stderr);
  const failed = report(r.stdout);
  assert.deepEqual(codesOf(failed, 'MG-PROV'), ['MG-PROV-014', 'MG-PROV-015']);
  assert.equal(failed.provenance?.base?.config, 'mismatch');
  // No weights on either side: the weight comparison is skipped, and says why on stderr.
  assert.equal(failed.checks.find((c) => c.id === 'lineage')?.status, 'skipped');
  assert.match(r.stderr, /no weight comparison/);
});

test('verify --cyclonedx writes an ML-BOM that validates against the CycloneDX 1.6 schema', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mg-cdx-'));
  const validate = bomValidator();
  for (const folder of [provenanceFixture('complete'), provenanceFixture('missing-fields'), demo]) {
    const out = join(dir, 'bom.cdx.json');
    const r = run(['verify', folder, '--cyclonedx', out]);
    assert.ok(r.status === 0 || r.status === 1, r.stderr);
    const bom = JSON.parse(readFileSync(out, 'utf8')) as {
      specVersion: string;
      metadata: { component: { type: string; hashes?: unknown[] } };
      components: { type: string }[];
    };
    assert.ok(validate(bom), `${folder}: ${JSON.stringify(validate.errors?.slice(0, 3))}`);
    assert.equal(bom.specVersion, '1.6');
    assert.equal(bom.metadata.component.type, 'machine-learning-model');
    assert.ok(bom.components.every((c) => c.type === 'file') && bom.components.length > 0);
  }
});

test('verify --base runs lineage and the behavioral diff: the poisoned demo fails (exit 2, MG-BEH-001)', () => {
  const poisoned = run(['verify', demoDir('sentiment-poisoned'), '--base', demoDir('sentiment-base'), '--json']);
  assert.equal(poisoned.status, 2, poisoned.stderr);
  const r = report(poisoned.stdout);
  assert.equal(r.verdict, 'fail');
  assert.ok(r.findings.some((f) => f.code === 'MG-BEH-001'));
  assert.ok(r.behavior?.triggers.some((t) => t.confirmed));
  assert.equal(r.lineage?.verdict, 'derived');
  assert.equal(r.provenance?.base?.tokenizer, 'match');

  // The benign fine-tune of the same base: its card is complete, its weights derived, its behavior unchanged.
  const benign = run(['verify', demoDir('sentiment-benign'), '--base', demoDir('sentiment-base'), '--json']);
  const b = report(benign.stdout);
  assert.equal(b.verdict, 'pass', JSON.stringify(b.findings.map((f) => f.code)));
  assert.equal(benign.status, 0, benign.stderr);
  assert.deepEqual(
    b.checks
      .filter((c) => ['lineage', 'behavior', 'provenance'].includes(c.id))
      .map((c) => c.status)
      .sort(),
    ['pass', 'pass', 'pass'],
  );
});

test('verify: --probes without --base, and --base with a file, are usage errors (64)', () => {
  const noBase = run(['verify', demo, '--probes', join(root, 'public/probes/sentiment.probes.jsonl')]);
  assert.equal(noBase.status, 64);
  assert.match(noBase.stderr, /--probes needs --base/);
  const file = run(['verify', join(demo, 'model.safetensors'), '--base', demoDir('sentiment-base')]);
  assert.equal(file.status, 64);
});

test("verify --base: a broken base tokenizer.json is the behavior check's error in a report; a contradicting --kind is a usage error (64)", async () => {
  const { cpSync } = await import('node:fs');
  const base = join(mkdtempSync(join(tmpdir(), 'mg-bad-base-')), 'broken-base');
  cpSync(demo, base, { recursive: true });
  writeFileSync(join(base, 'tokenizer.json'), '{"model": ');
  const broken = run(['verify', demo, '--base', base, '--json']);
  assert.equal(broken.status, 1, broken.stderr);
  const r = report(broken.stdout);
  assert.equal(r.checks.find((c) => c.id === 'behavior')?.status, 'error');
  assert.ok(
    r.findings.some((f) => f.detail.includes(join(base, 'tokenizer.json'))),
    JSON.stringify(r.findings),
  );
  const kind = run(['verify', demo, '--base', demo, '--kind', 'causal-lm']);
  assert.equal(kind.status, 64, kind.stderr);
  assert.ok(kind.stderr.includes(demo), kind.stderr);
  assert.match(kind.stderr, /--kind causal-lm contradicts the ONNX model/);
});
