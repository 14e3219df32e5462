// Sigstore keyless verification against the real v1.1.0 vector, and what must make it fail. Cases
// that need a consistent but altered Rekor entry re-sign it with a test "Rekor" key put in the root.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pae } from '../dsse.ts';
import { p1363ToDer } from '../ecdsa-der.ts';
import { decodeBase64, encodeBase64 } from '../../util/base64.ts';
import { sha256, sha256Hex, toHex, utf8 } from '../../util/bytes.ts';
import { modelInputFromPath } from './model-input-node.ts';
import type { OmsResult } from './result.ts';
import { verifyModel } from './verify-model.ts';
import { VECTORS } from './vectors-node.ts';

const MODEL = join(VECTORS, 'model-transparency', 'v1.1.0-sigstore');
const ROOT = join(VECTORS, 'sigstore-trust', 'trusted_root.production.json');
const IDENTITY = 'stefanb@us.ibm.com';
const ISSUER = 'https://sigstore.verify.ibm.com/oauth2';

type Json = any;

const load = (path: string): Json => JSON.parse(readFileSync(path, 'utf8'));

async function verify(
  bundle: Json,
  options: { root?: Json; identity?: string; issuer?: string } = {},
): Promise<OmsResult> {
  const { model } = await modelInputFromPath(MODEL);
  return verifyModel({
    signature: utf8.encode(JSON.stringify(bundle)),
    model,
    trust: {
      method: 'sigstore',
      trustedRootJson: JSON.stringify(options.root ?? load(ROOT)),
      identity: options.identity ?? IDENTITY,
      issuer: options.issuer ?? ISSUER,
    },
    options: { signaturePath: 'model.sig' },
  });
}

function assertInvalid(result: OmsResult, code: string, pattern: RegExp): void {
  assert.equal(result.status, 'invalid', JSON.stringify(result.problems));
  assert.ok(
    result.problems.some((p) => p.code === code && pattern.test(p.detail)),
    JSON.stringify(result.problems),
  );
}

const original = (): Json => load(join(MODEL, 'model.sig'));
const entryOf = (bundle: Json): Json => bundle.verificationMaterial.tlogEntries[0];

/** A stand-in Rekor: re-signs the SET of the (edited) entry and replaces the root's tlogs with its key. */
async function fakeRekor(bundle: Json, edit: { integratedTime?: number; body?: (b: Json) => void }) {
  const keys = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign', 'verify']);
  const spki = new Uint8Array(await crypto.subtle.exportKey('spki', keys.publicKey));
  const logId = await sha256(spki);
  const entry = entryOf(bundle);
  if (edit.body) {
    const body = JSON.parse(new TextDecoder().decode(decodeBase64(entry.canonicalizedBody)));
    edit.body(body);
    entry.canonicalizedBody = encodeBase64(utf8.encode(JSON.stringify(body)));
  }
  if (edit.integratedTime !== undefined) entry.integratedTime = String(edit.integratedTime);
  entry.logId.keyId = encodeBase64(logId);
  // A one-entry tree: the root is the leaf hash, the path empty, the checkpoint signed by the fake key.
  const body = decodeBase64(entry.canonicalizedBody);
  const rootHash = encodeBase64(await sha256(new Uint8Array([0, ...body])));
  const note = `rekor.test - 1\n1\n${rootHash}\n`;
  const noteSig = new Uint8Array(
    await crypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, keys.privateKey, utf8.encode(note)),
  );
  const signed = encodeBase64(new Uint8Array([...logId.subarray(0, 4), ...p1363ToDer(noteSig, 'P-256')]));
  entry.inclusionProof = {
    logIndex: '0',
    rootHash,
    treeSize: '1',
    hashes: [],
    checkpoint: { envelope: `${note}\n— rekor.test ${signed}\n` },
  };
  const set =
    `{"body":"${entry.canonicalizedBody}","integratedTime":${entry.integratedTime},` +
    `"logID":"${toHex(logId)}","logIndex":${entry.logIndex}}`;
  const sig = new Uint8Array(
    await crypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, keys.privateKey, utf8.encode(set)),
  );
  entry.inclusionPromise.signedEntryTimestamp = encodeBase64(p1363ToDer(sig, 'P-256'));
  const root = load(ROOT);
  root.tlogs = [
    {
      baseUrl: 'https://rekor.test',
      hashAlgorithm: 'SHA2_256',
      publicKey: {
        rawBytes: encodeBase64(spki),
        keyDetails: 'PKIX_ECDSA_P256_SHA_256',
        validFor: { start: '2021-01-01T00:00:00Z' },
      },
      logId: { keyId: encodeBase64(logId) },
    },
  ];
  return root;
}

test('keyless: the real v1.1.0 signature verifies (chain, SCT, identity, SET, inclusion proof, checkpoint)', async () => {
  const result = await verify(original());
  assert.equal(result.status, 'valid', JSON.stringify(result.problems));
  assert.match(result.signer ?? '', /stefanb@us\.ibm\.com/);
});

test('keyless: another identity or issuer is refused', async () => {
  assertInvalid(
    await verify(original(), { identity: 'someone@example.com' }),
    'MG-SIG-013',
    /not someone@example\.com/,
  );
  assertInvalid(
    await verify(original(), { issuer: 'https://accounts.google.com' }),
    'MG-SIG-013',
    /not https:\/\/accounts/,
  );
});

test('keyless: a tampered SET, integratedTime, entry body or inclusion proof is refused', async () => {
  const set = original();
  const sig = decodeBase64(entryOf(set).inclusionPromise.signedEntryTimestamp);
  sig[sig.length - 3]! ^= 1;
  entryOf(set).inclusionPromise.signedEntryTimestamp = encodeBase64(sig);
  assertInvalid(await verify(set), 'MG-SIG-013', /signed entry timestamp does not verify/);

  const time = original();
  entryOf(time).integratedTime = String(Number(entryOf(time).integratedTime) + 1);
  assertInvalid(await verify(time), 'MG-SIG-013', /signed entry timestamp does not verify/);

  const body = original();
  const parsed = JSON.parse(new TextDecoder().decode(decodeBase64(entryOf(body).canonicalizedBody)));
  parsed.spec.payloadHash.value = await sha256Hex(utf8.encode('another payload'));
  entryOf(body).canonicalizedBody = encodeBase64(utf8.encode(JSON.stringify(parsed)));
  assertInvalid(await verify(body), 'MG-SIG-013', /another payload/);

  const proof = original();
  const hash = decodeBase64(entryOf(proof).inclusionProof.hashes[0]);
  hash[0]! ^= 1;
  entryOf(proof).inclusionProof.hashes[0] = encodeBase64(hash);
  assertInvalid(await verify(proof), 'MG-SIG-013', /inclusion proof/);

  const checkpoint = original();
  entryOf(checkpoint).inclusionProof.checkpoint.envelope = entryOf(
    checkpoint,
  ).inclusionProof.checkpoint.envelope.replace(/\n(\d+)\n/, (_: string, n: string) => `\n${Number(n) + 1}\n`);
  assertInvalid(await verify(checkpoint), 'MG-SIG-013', /checkpoint/);
});

test('keyless: an entry signed by a log the trusted root does not list is refused', async () => {
  const bundle = original();
  await fakeRekor(bundle, {});
  assertInvalid(await verify(bundle), 'MG-SIG-013', /log the trusted root does not list/);
});

test('keyless: a re-signed but unchanged entry still verifies (the fake Rekor harness is sound)', async () => {
  const bundle = original();
  const root = await fakeRekor(bundle, {});
  const result = await verify(bundle, { root });
  assert.equal(result.status, 'valid', JSON.stringify(result.problems));
});

test('keyless: an integratedTime outside the leaf validity is refused even with a valid SET', async () => {
  const bundle = original();
  const later = Number(entryOf(bundle).integratedTime) + 3600;
  const root = await fakeRekor(bundle, { integratedTime: later });
  assertInvalid(await verify(bundle, { root }), 'MG-SIG-013', /outside the certificate's validity/);
});

test('keyless: a leaf that does not chain to the trusted root is refused', async () => {
  const root = load(ROOT);
  const other = readFileSync(join(VECTORS, 'model-transparency', 'keys', 'ca-cert.pem'), 'utf8');
  const der = other.replace(/-----[^-]+-----|\s/g, '');
  for (const ca of root.certificateAuthorities) ca.certChain.certificates = [{ rawBytes: der }];
  assertInvalid(await verify(original(), { root }), 'MG-SIG-013', /does not chain to a Fulcio CA/);
});

test('keyless: a signature by a different key is refused, even when Rekor logged it', async () => {
  const bundle = original();
  const keys = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign', 'verify']);
  const env = bundle.dsseEnvelope;
  const p1363 = new Uint8Array(
    await crypto.subtle.sign(
      { name: 'ECDSA', hash: 'SHA-256' },
      keys.privateKey,
      pae(env.payloadType, decodeBase64(env.payload)),
    ),
  );
  env.signatures[0].sig = encodeBase64(p1363ToDer(p1363, 'P-256'));
  // Rekor as it stands records the real signature: the entry no longer matches.
  assertInvalid(await verify(structuredClone(bundle)), 'MG-SIG-013', /another signature/);
  // A log that recorded the forged signature (with the real certificate) still cannot make it verify.
  const root = await fakeRekor(bundle, {
    body: (b) => {
      b.spec.signatures[0].signature = env.signatures[0].sig;
    },
  });
  assertInvalid(await verify(bundle, { root }), 'MG-SIG-001', /does not verify/);
});

test('keyless: no SCT from a trusted CT log, or no inclusion proof, is refused; no SET is not verifiable', async () => {
  const root = load(ROOT);
  root.ctlogs = [];
  assertInvalid(await verify(original(), { root }), 'MG-SIG-013', /no embedded SCT verifies/);

  const noProof = original();
  delete entryOf(noProof).inclusionProof;
  assertInvalid(await verify(noProof), 'MG-SIG-013', /without an inclusion proof/);

  const noSet = original();
  delete entryOf(noSet).inclusionPromise;
  const result = await verify(noSet);
  assert.equal(result.status, 'not-verifiable', JSON.stringify(result.problems));
  assert.ok(result.problems.some((p) => p.code === 'MG-SIG-010'));
});
