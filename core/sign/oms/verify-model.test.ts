import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { memorySource } from '../../io/byte-source.ts';
import { createSha256Node } from '../../hash/sha256-node.ts';
import { encodeBase64 } from '../../util/base64.ts';
import { pae } from '../dsse.ts';
import { derToP1363, p1363ToDer } from '../ecdsa-der.ts';
import { spkiToPem } from '../fingerprint.ts';
import { signModel } from './sign-model.ts';
import { verifyModel } from './verify-model.ts';
import { signatureCheck } from './signature-check.ts';
import { computeRootDigest } from './statement.ts';
import type { ModelInput } from './manifest-check.ts';
import type { OmsResult } from './result.ts';
import { VECTORS } from './vectors-node.ts';

const enc = new TextEncoder();
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

type Files = Record<string, Uint8Array>;

const MODEL: Files = {
  'config.json': enc.encode('{"a":1}\n'),
  'weights/a.bin': new Uint8Array(3000).map((_, i) => i % 251),
  'weights.bin': enc.encode('top-level weights'),
  'empty.txt': new Uint8Array(0),
  '.hidden/notes': enc.encode('dot dirs are signed too'),
};

function modelInput(files: Files): ModelInput {
  return {
    files: Object.entries(files).map(([path, bytes]) => ({
      path,
      size: bytes.length,
      source: memorySource(path, bytes, 1000),
    })),
    createHasher: createSha256Node,
  };
}

async function keyPair() {
  const keys = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign', 'verify']);
  const spki = new Uint8Array(await crypto.subtle.exportKey('spki', keys.publicKey));
  return { keys, spki, pem: spkiToPem(spki) };
}

async function signFiles(files: Files, key: Awaited<ReturnType<typeof keyPair>>) {
  return signModel({
    name: 'demo',
    files: Object.entries(files).map(([path, bytes]) => ({ path, sha256: sha(bytes) })),
    privateKey: key.keys.privateKey,
    publicKeySpki: key.spki,
  });
}

function without(files: Files, path: string): Files {
  return Object.fromEntries(Object.entries(files).filter(([p]) => p !== path));
}

function codes(result: OmsResult) {
  return result.problems.map((p) => `${p.code}${p.file ? ` ${p.file}` : ''}`).sort();
}

test('a folder signed with signModel verifies, and every failure names its file', async () => {
  const key = await keyPair();
  const signature = await signFiles(MODEL, key);
  const verify = (files: Files, options = {}) =>
    verifyModel({ signature, model: modelInput(files), trust: { method: 'key', publicKeyPem: key.pem }, options });

  const ok = await verify(MODEL);
  assert.equal(ok.status, 'valid', JSON.stringify(ok.problems));
  assert.equal(ok.manifest?.verified, 5);
  assert.deepEqual(signatureCheck(ok).check.status, 'pass');

  for (const [path, bytes] of Object.entries(MODEL)) {
    if (bytes.length === 0) continue;
    const flipped = bytes.slice();
    flipped[Math.floor(bytes.length / 2)]! ^= 0x01;
    const result = await verify({ ...MODEL, [path]: flipped });
    assert.equal(result.status, 'invalid');
    assert.deepEqual(codes(result), [`MG-SIG-006 ${path}`]);
    assert.equal(signatureCheck(result).check.status, 'fail');
    assert.equal(signatureCheck(result).findings[0]?.severity, 'critical');
  }

  const extra = await verify({ ...MODEL, 'added.py': enc.encode('print(1)') });
  assert.deepEqual(codes(extra), ['MG-SIG-008 added.py']);
  assert.equal(extra.status, 'invalid');
  const allowed = await verify({ ...MODEL, 'added.py': enc.encode('x') }, { ignoreUnsigned: true });
  assert.equal(allowed.status, 'valid');
  assert.ok(codes(allowed).includes('MG-SIG-009 added.py'));

  assert.deepEqual(codes(await verify(without(MODEL, 'weights.bin'))), ['MG-SIG-007 weights.bin']);
  assert.deepEqual(codes(await verify(without(MODEL, 'empty.txt'))), ['MG-SIG-007 empty.txt']);

  // Default ignores apply only at the model root (oms-format.md §1): sub/.git is part of the model.
  const rootGit = await verify({ ...MODEL, '.git/config': enc.encode('x'), '.gitattributes': enc.encode('y') });
  assert.equal(rootGit.status, 'valid');
  assert.deepEqual(codes(await verify({ ...MODEL, 'weights/.git/x': enc.encode('x') })), ['MG-SIG-008 weights/.git/x']);
  const ignored = await verify({ ...MODEL, 'logs/run.txt': enc.encode('x') }, { ignorePaths: ['logs'] });
  assert.equal(ignored.status, 'valid');
  // A rename is one file missing and one extra.
  const renamed = { ...without(MODEL, 'config.json'), 'config2.json': MODEL['config.json']! };
  assert.deepEqual(codes(await verify(renamed)), ['MG-SIG-007 config.json', 'MG-SIG-008 config2.json']);
});

test('signature, key and bundle tampering is caught before any file is trusted', async () => {
  const key = await keyPair();
  const signature = await signFiles(MODEL, key);
  const bundle = JSON.parse(new TextDecoder().decode(signature));
  const run = (sig: Uint8Array, pem = key.pem) =>
    verifyModel({ signature: sig, model: modelInput(MODEL), trust: { method: 'key', publicKeyPem: pem } });
  const withBundle = (mutate: (b: typeof bundle) => void) => {
    const copy = structuredClone(bundle);
    mutate(copy);
    return enc.encode(JSON.stringify(copy));
  };

  const other = await keyPair();
  assert.deepEqual(codes(await run(signature, other.pem)), ['MG-SIG-004']);
  const noHint = withBundle((b) => delete b.verificationMaterial.publicKey.hint);
  assert.deepEqual(codes(await run(noHint, other.pem)), ['MG-SIG-001']);

  const sigBytes = Buffer.from(bundle.dsseEnvelope.signatures[0].sig, 'base64');
  sigBytes[sigBytes.length - 3]! ^= 0x01;
  assert.deepEqual(
    codes(await run(withBundle((b) => (b.dsseEnvelope.signatures[0].sig = sigBytes.toString('base64'))))),
    ['MG-SIG-001'],
  );

  const payload = Buffer.from(bundle.dsseEnvelope.payload, 'base64').toString('utf8').replace('"demo"', '"demo2"');
  assert.deepEqual(
    codes(await run(withBundle((b) => (b.dsseEnvelope.payload = Buffer.from(payload).toString('base64'))))),
    ['MG-SIG-001'],
  );

  // Raw r‖s (P1363) instead of DER: the bundle format requires DER, so it must not verify.
  const rawRs = derToP1363(Buffer.from(bundle.dsseEnvelope.signatures[0].sig, 'base64'), 'P-256');
  const raw = withBundle((b) => (b.dsseEnvelope.signatures[0].sig = encodeBase64(rawRs)));
  assert.deepEqual(codes(await run(raw)), ['MG-SIG-001']);
  assert.deepEqual(codes(await run(withBundle((b) => (b.mediaType = 'application/json')))), ['MG-SIG-002']);
  assert.deepEqual(codes(await run(signature.subarray(0, 100))), ['MG-SIG-002']);
  assert.deepEqual(codes(await run(withBundle((b) => b.dsseEnvelope.signatures.push(b.dsseEnvelope.signatures[0])))), [
    'MG-SIG-002',
  ]);
});

/** Signs an arbitrary statement with the key method, for shapes signModel does not write (shards …). */
async function signStatement(statement: object, key: Awaited<ReturnType<typeof keyPair>>) {
  const payload = enc.encode(JSON.stringify(statement, null, 2));
  const raw = new Uint8Array(
    await crypto.subtle.sign(
      { name: 'ECDSA', hash: 'SHA-256' },
      key.keys.privateKey,
      pae('application/vnd.in-toto+json', payload),
    ),
  );
  return enc.encode(
    JSON.stringify({
      mediaType: 'application/vnd.dev.sigstore.bundle.v0.3+json',
      verificationMaterial: { publicKey: { hint: sha(enc.encode(key.pem)) }, tlogEntries: [] },
      dsseEnvelope: {
        payload: encodeBase64(payload),
        payloadType: 'application/vnd.in-toto+json',
        signatures: [{ sig: encodeBase64(p1363ToDer(raw, 'P-256')), keyid: '' }],
      },
    }),
  );
}

async function statementFor(resources: { name: string; algorithm: string; digest: string }[], serialization: object) {
  return {
    _type: 'https://in-toto.io/Statement/v1',
    subject: [{ name: 'm', digest: { sha256: await computeRootDigest(resources) } }],
    predicateType: 'https://model_signing/signature/v1.0',
    predicate: { resources, serialization },
  };
}

test('shards: byte ranges are hashed, both algorithm spellings accepted, empty files only warn', async () => {
  const key = await keyPair();
  const data = new Uint8Array(20).map((_, i) => i);
  const files: Files = { 'w.bin': data, 'x:y.bin': enc.encode('colon in name') };
  for (const algorithm of ['sha256-sharded-8', 'sha256']) {
    const shard = (path: string, bytes: Uint8Array, s: number, e: number) => ({
      name: `${path}:${s}:${e}`,
      algorithm,
      digest: sha(bytes.subarray(s, e)),
    });
    const resources = [
      shard('w.bin', data, 0, 8),
      shard('w.bin', data, 8, 16),
      shard('w.bin', data, 16, 20),
      shard('x:y.bin', files['x:y.bin']!, 0, 8),
      shard('x:y.bin', files['x:y.bin']!, 8, 13),
    ];
    const statement = await statementFor(resources, {
      method: 'shards',
      hash_type: 'sha256',
      shard_size: 8.0,
      allow_symlinks: false,
    });
    const signature = await signStatement(statement, key);
    const verify = (f: Files) =>
      verifyModel({ signature, model: modelInput(f), trust: { method: 'key', publicKeyPem: key.pem } });
    assert.equal((await verify(files)).status, 'valid', algorithm);
    const bad = data.slice();
    bad[9]! ^= 0x80;
    const modified = await verify({ ...files, 'w.bin': bad });
    assert.deepEqual(codes(modified), ['MG-SIG-006 w.bin']);
    assert.equal(modified.problems[0]?.evidence?.range, '8:16');
    const withEmpty = await verify({ ...files, 'new-empty': new Uint8Array(0) });
    assert.equal(withEmpty.status, 'valid');
    assert.deepEqual(
      codes(withEmpty).filter((c) => c !== 'MG-SIG-015'),
      ['MG-SIG-014 new-empty'],
    );
    assert.deepEqual(codes(await verify({ ...files, 'w.bin': data.subarray(0, 19) })), ['MG-SIG-006 w.bin']);
  }
});

test('statements that model_signing would refuse are rejected', async () => {
  const key = await keyPair();
  const d = sha(enc.encode('x'));
  const ser = { method: 'files', hash_type: 'sha256', allow_symlinks: false };
  const cases: [string, object][] = [
    ['../ resource', await statementFor([{ name: '../etc/passwd', algorithm: 'sha256', digest: d }], ser)],
    ['absolute', await statementFor([{ name: '/x', algorithm: 'sha256', digest: d }], ser)],
    [
      'duplicate',
      await statementFor(
        [
          { name: 'a', algorithm: 'sha256', digest: d },
          { name: 'a', algorithm: 'sha256', digest: d },
        ],
        ser,
      ),
    ],
    [
      'root digest',
      {
        ...(await statementFor([{ name: 'a', algorithm: 'sha256', digest: d }], ser)),
        subject: [{ name: 'm', digest: { sha256: d } }],
      },
    ],
    [
      'two subjects',
      {
        ...(await statementFor([], ser)),
        subject: [
          { name: 'a', digest: { sha256: d } },
          { name: 'b', digest: { sha256: d } },
        ],
      },
    ],
    ['predicateType', { ...(await statementFor([], ser)), predicateType: 'https://example.com/other' }],
    ['_type', { ...(await statementFor([], ser)), _type: 'https://in-toto.io/Statement/v0.1' }],
  ];
  for (const [name, statement] of cases) {
    const result = await verifyModel({
      signature: await signStatement(statement, key),
      model: modelInput({ a: enc.encode('x') }),
      trust: { method: 'key', publicKeyPem: key.pem },
    });
    assert.deepEqual(codes(result), ['MG-SIG-003'], name);
    assert.equal(result.stage, 'statement', name);
  }
});

test('vector failures give the labelled reason (not just "fail")', async () => {
  const pem = readFileSync(join(VECTORS, 'model-transparency/keys/signing-key-pub.pem'), 'utf8');
  const { modelInputFromPath } = await import('./model-input-node.ts');
  const { model } = await modelInputFromPath(join(VECTORS, 'model-transparency/v1.1.0-certificate'));
  const signature = new Uint8Array(readFileSync(join(VECTORS, 'model-transparency/v1.1.0-elliptic-key/model.sig')));
  const result = await verifyModel({
    signature,
    model,
    trust: { method: 'key', publicKeyPem: pem },
    options: { signaturePath: 'model.sig' },
  });
  assert.deepEqual(codes(result), ['MG-SIG-006 signme-1']);
  const wrongPredicate = new Uint8Array(
    readFileSync(join(VECTORS, 'oms-spec/test-vectors/v1.0/invalid-payload/wrong-predicate.bundle.json')),
  );
  const edited = await verifyModel({ signature: wrongPredicate, model, trust: { method: 'key', publicKeyPem: pem } });
  assert.deepEqual(codes(edited), ['MG-SIG-001']);
});
