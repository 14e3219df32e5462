import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  realpathSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseReport } from '../core/report/parse-report.ts';
import type { Report } from '../core/report/schema.ts';
import { spkiToPem } from '../core/sign/fingerprint.ts';
import { signModel } from '../core/sign/oms/sign-model.ts';
import { scanLocalFile } from './folder-scan-node.ts';

// Folders are read fail-closed: links are followed and named, pipes, sockets and devices refused unopened,
// unreadable entries named, and the verdict and exit code reflect each of them.

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const maliciousPickle = join(root, 'test/fixtures/scan/malicious/t18-memo-binput-binget-stack-global.pkl');

/** Runs the CLI in a child process; a run that hangs is killed and fails the test instead of hanging it. */
function run(args: string[], timeoutMs = 60_000): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(root, 'cli/bin.mjs'), ...args]);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`modelgate ${args.join(' ')} did not finish in ${timeoutMs} ms`));
    }, timeoutMs);
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
  });
}

function report(stdout: string): Report {
  const parsed = parseReport(JSON.parse(stdout));
  assert.ok(parsed.ok, parsed.ok ? '' : parsed.reason);
  return parsed.report;
}

const codeAt = (r: Report, code: string) => r.findings.filter((f) => f.code === code).map((f) => f.file);

function tempModel(): { base: string; model: string } {
  const base = mkdtempSync(join(tmpdir(), 'mg-folder-'));
  const model = join(base, 'model');
  mkdirSync(model);
  writeFileSync(join(model, 'config.json'), '{"hidden_size": 8}\n');
  return { base, model };
}

test('scan and verify finish on a folder holding a FIFO: refused by name, scan could not run fully, exit 1', async () => {
  const { model } = tempModel();
  execFileSync('mkfifo', [join(model, 'pytorch_model.bin')]);
  for (const command of ['scan', 'verify']) {
    const r = await run([command, model, '--json']);
    assert.equal(r.status, 1, `${command}: ${r.stderr}`);
    const rep = report(r.stdout);
    assert.equal(rep.verdict, 'review');
    assert.deepEqual(codeAt(rep, 'MG-SCAN-917'), ['pytorch_model.bin'], command);
    assert.equal(rep.checks.find((c) => c.id === 'scan')?.status, 'review');
    assert.equal(rep.subject.files.find((f) => f.path === 'pytorch_model.bin')?.scan?.verdict, 'unverified');
  }
});

test('a FIFO named on the command line is refused, not opened', async () => {
  const { model } = tempModel();
  execFileSync('mkfifo', [join(model, 'pipe')]);
  const r = await run(['scan', join(model, 'pipe'), '--json']);
  assert.equal(r.status, 1, r.stderr);
  assert.deepEqual(codeAt(report(r.stdout), 'MG-SCAN-917'), ['pipe']);
});

test('pytorch_model.bin linking to a malicious pickle outside the folder: scanned as that file, named, fail', async () => {
  const { base, model } = tempModel();
  mkdirSync(join(base, 'elsewhere'));
  copyFileSync(maliciousPickle, join(base, 'elsewhere', 'payload.pkl'));
  symlinkSync('../elsewhere/payload.pkl', join(model, 'pytorch_model.bin'));
  const r = await run(['scan', model, '--json']);
  assert.equal(r.status, 2, r.stderr);
  const rep = report(r.stdout);
  assert.equal(rep.verdict, 'fail');
  assert.equal(rep.subject.files.find((f) => f.path === 'pytorch_model.bin')?.scan?.verdict, 'malicious');
  const link = rep.findings.find((f) => f.code === 'MG-SCAN-911');
  assert.equal(link?.file, 'pytorch_model.bin');
  assert.match(link?.detail ?? '', /\.\.\/elsewhere\/payload\.pkl/);
});

test('a harmless file linked from outside the folder still needs review (scan exit 1, verify review)', async () => {
  const { base, model } = tempModel();
  writeFileSync(join(base, 'notes.txt'), 'plain text\n');
  symlinkSync('../notes.txt', join(model, 'notes.txt'));
  const scan = await run(['scan', model, '--json']);
  assert.equal(scan.status, 1, scan.stderr);
  assert.equal(report(scan.stdout).subject.files.find((f) => f.path === 'notes.txt')?.scan?.verdict, 'suspicious');
  const verify = await run(['verify', model, '--json']);
  assert.equal(report(verify.stdout).verdict, 'review');
  assert.deepEqual(codeAt(report(verify.stdout), 'MG-SCAN-911'), ['notes.txt']);
});

/** `models--org--name/snapshots/<rev>/…` linking into `blobs/<sha256 or git sha1>`, as huggingface_hub writes it. */
function hfSnapshot(): { repo: string; snapshot: string; lfsBlob: string } {
  const base = mkdtempSync(join(tmpdir(), 'mg-hf-'));
  const repo = join(base, 'hub', 'models--org--name');
  const snapshot = join(repo, 'snapshots', '0123abc');
  mkdirSync(join(repo, 'blobs'), { recursive: true });
  mkdirSync(join(snapshot, 'onnx'), { recursive: true });
  const weights = Buffer.from('{"not": "a real weight file"}\n');
  const lfsBlob = createHash('sha256').update(weights).digest('hex');
  writeFileSync(join(repo, 'blobs', lfsBlob), weights);
  const config = Buffer.from('{"hidden_size": 8}\n');
  const gitBlob = createHash('sha1').update(`blob ${config.length}\0`).update(config).digest('hex');
  writeFileSync(join(repo, 'blobs', gitBlob), config);
  symlinkSync(`../../../blobs/${lfsBlob}`, join(snapshot, 'onnx', 'weights.json'));
  symlinkSync(`../../blobs/${gitBlob}`, join(snapshot, 'config.json'));
  return { repo, snapshot, lfsBlob };
}

test('a Hugging Face cache snapshot is a supported layout: links into its blobs are info notes, blobs match', async () => {
  const { snapshot } = hfSnapshot();
  const r = await run(['scan', snapshot, '--json']);
  assert.equal(r.status, 0, r.stdout);
  const rep = report(r.stdout);
  assert.equal(rep.verdict, 'pass');
  assert.deepEqual(codeAt(rep, 'MG-SCAN-912').sort(), ['config.json', 'onnx/weights.json']);
  assert.deepEqual(codeAt(rep, 'MG-SCAN-911'), []);
  assert.deepEqual(codeAt(rep, 'MG-SCAN-913'), []);
});

test('a Hugging Face cache blob whose content does not match its name is reported (SHA-256 and git SHA-1)', async () => {
  const { repo, snapshot, lfsBlob } = hfSnapshot();
  writeFileSync(join(repo, 'blobs', lfsBlob), '{"changed": true}\n');
  // The small file's blob rewritten in place: its git blob SHA-1 no longer matches its name.
  writeFileSync(realpathSync(join(snapshot, 'config.json')), '{"hidden_size": 9}\n');
  const r = await run(['scan', snapshot, '--json']);
  assert.equal(r.status, 1, r.stderr);
  const rep = report(r.stdout);
  assert.deepEqual(codeAt(rep, 'MG-SCAN-913').sort(), ['config.json', 'onnx/weights.json']);
  assert.equal(rep.verdict, 'review');
});

test('a file that vanished between listing and reading is "could not verify", naming the OS error', async () => {
  const { model } = tempModel();
  const diskPath = join(model, 'config.json');
  rmSync(diskPath);
  const scan = await scanLocalFile({ diskPath, modelPath: 'config.json', size: 19 });
  assert.equal(scan.outcome.verdict, 'unverified');
  assert.equal(scan.outcome.findings[0]?.code, 'MG-SCAN-918');
  assert.match(scan.outcome.findings[0]?.detail ?? '', /config\.json: ENOENT/);
});

test('a file whose read fails with EIO is named with the error (a link to /proc/self/mem)', async (t) => {
  if (!existsSync('/proc/self/mem')) {
    t.skip('no /proc/self/mem on this system');
    return;
  }
  const { model } = tempModel();
  symlinkSync('/proc/self/mem', join(model, 'weights.bin'));
  const r = await run(['scan', model, '--json']);
  const rep = report(r.stdout);
  assert.notEqual(r.status, 0);
  assert.equal(rep.verdict, 'review');
  const unreadable = rep.findings.find((f) => f.code === 'MG-INT-001' && f.file === 'weights.bin');
  assert.match(unreadable?.detail ?? '', /EIO|EACCES|EPERM/);
  assert.deepEqual(codeAt(rep, 'MG-SCAN-911'), ['weights.bin']);
});

test('OMS verify follows a signed link like model_signing with allow_symlinks, names it, and refuses a signed FIFO', async () => {
  const { model } = tempModel();
  const weights = Buffer.from('{"weights": [1, 2, 3]}\n');
  mkdirSync(join(model, 'blobs'));
  writeFileSync(join(model, 'blobs', 'w.json'), weights);
  symlinkSync('blobs/w.json', join(model, 'weights.json'));
  const sha = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');
  const keys = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign', 'verify']);
  const spki = new Uint8Array(await crypto.subtle.exportKey('spki', keys.publicKey));
  const signed = {
    'config.json': sha('{"hidden_size": 8}\n'),
    'blobs/w.json': sha(weights),
    'weights.json': sha(weights),
    'tokenizer.bin': sha('tokens'),
  };
  const sig = await signModel({
    name: 'model',
    files: Object.entries(signed).map(([path, sha256]) => ({ path, sha256 })),
    privateKey: keys.privateKey,
    publicKeySpki: spki,
  });
  const sigPath = join(dirname(model), 'model.sig');
  const pem = join(dirname(model), 'pub.pem');
  writeFileSync(sigPath, sig);
  writeFileSync(pem, spkiToPem(spki));
  writeFileSync(join(model, 'tokenizer.bin'), 'tokens');
  const ok = report((await run(['verify', model, '--signature', sigPath, '--key', pem, '--json'])).stdout);
  assert.equal(ok.checks.find((c) => c.id === 'signature')?.status, 'pass');
  assert.deepEqual(codeAt(ok, 'MG-SCAN-910'), ['weights.json']);
  // signModel records allow_symlinks false, as model_signing does by default: its verifier would refuse.
  assert.match(
    ok.findings.find((f) => f.code === 'MG-SCAN-920')?.detail ?? '',
    /allow_symlinks false; links followed: weights\.json$/,
  );
  // The signed tokenizer replaced by a FIFO: refused unopened, and the signature check says it is unreadable.
  rmSync(join(model, 'tokenizer.bin'));
  execFileSync('mkfifo', [join(model, 'tokenizer.bin')]);
  const r = await run(['verify', model, '--signature', sigPath, '--key', pem, '--json']);
  assert.equal(r.status, 2, r.stderr);
  const bad = report(r.stdout);
  assert.deepEqual(codeAt(bad, 'MG-SIG-016'), ['tokenizer.bin']);
  assert.deepEqual(codeAt(bad, 'MG-SCAN-917'), ['tokenizer.bin']);
});
