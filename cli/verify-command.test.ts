import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseReport } from '../core/report/build-report.ts';
import { spkiToPem } from '../core/sign/fingerprint.ts';
import { signModel } from '../core/sign/oms/sign-model.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const mt = join(root, '..', 'shared', 'vectors', 'oms', 'model-transparency');
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
  assert.equal(ok.status, 0, ok.stderr);
  assert.equal(signatureCheck(report(ok.stdout))?.status, 'pass');
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
  assert.equal(cert.status, 0, cert.stdout);
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
  assert.equal(ignored.status, 0, ignored.stdout);
  const keyless = run(['verify', join(mt, 'v1.1.0-sigstore'), '--key', keyPem, '--json']);
  assert.equal(keyless.status, 1);
  assert.ok(report(keyless.stdout).findings.some((f) => f.code === 'MG-SIG-010'));
});

test('a folder signed with signModel verifies with the CLI; a flipped byte fails naming the file', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mg-verify-'));
  const files: Record<string, Buffer> = {
    'config.json': Buffer.from('{"hidden_size": 8}\n'),
    'weights/model.safetensors': Buffer.alloc(4096, 7),
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
