import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { spkiToPem } from '../fingerprint.ts';
import { derToP1363 } from '../ecdsa-der.ts';
import { comparePosixPaths, signModel } from './sign-model.ts';
import { keyHint } from './signer-key.ts';
import { VECTORS } from './vectors-node.ts';

/** The shape of a JSON value: object keys (sorted) and array element shapes, leaves as their type. */
function shape(value: unknown): unknown {
  if (Array.isArray(value)) return value.length === 0 ? [] : [shape(value[0])];
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((k) => [k, shape((value as Record<string, unknown>)[k])]),
    );
  }
  return typeof value;
}

const decode = (b64: string) => Buffer.from(b64, 'base64');

test('signModel writes the same structure as model_signing 1.1.0 (v1.1.0-elliptic-key vector)', async () => {
  const upstream = JSON.parse(readFileSync(join(VECTORS, 'model-transparency/v1.1.0-elliptic-key/model.sig'), 'utf8'));
  const keys = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign', 'verify']);
  const spki = new Uint8Array(await crypto.subtle.exportKey('spki', keys.publicKey));
  const files = [
    { path: 'signme-2', sha256: '32dcb1f8e1ae52d5963e56a6ba06ab58b424c15ed2a6b70d2feca1d089370028' },
    { path: 'signme-1', sha256: 'bc9a717db6064a32cbe9eae6fc40651dd6d36ef1757183f590eff2b1765d7ebc' },
    { path: 'ignore-me', sha256: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855' },
  ];
  const bytes = await signModel({
    name: 'v1.1.0-elliptic-key',
    files,
    privateKey: keys.privateKey,
    publicKeySpki: spki,
    ignorePaths: ['ignore-me'],
  });
  const text = new TextDecoder().decode(bytes);
  const ours = JSON.parse(text);
  assert.deepEqual(shape(ours), shape(upstream));
  // Compact bundle JSON, like model_signing ≥1.1.
  assert.equal(text, JSON.stringify(ours));
  assert.equal(ours.mediaType, upstream.mediaType);
  assert.equal(ours.dsseEnvelope.payloadType, upstream.dsseEnvelope.payloadType);
  assert.equal(ours.dsseEnvelope.signatures[0].keyid, '');
  assert.deepEqual(ours.verificationMaterial.tlogEntries, []);
  assert.equal(ours.verificationMaterial.publicKey.hint, await keyHint(spki));
  assert.equal(
    await keyHint(spki),
    (await import('node:crypto')).createHash('sha256').update(spkiToPem(spki)).digest('hex'),
  );
  // DER signature (30 …), convertible to 64-byte P1363.
  const sig = decode(ours.dsseEnvelope.signatures[0].sig);
  assert.equal(sig[0], 0x30);
  assert.equal(derToP1363(sig, 'P-256').length, 64);
  const ourStatement = JSON.parse(decode(ours.dsseEnvelope.payload).toString('utf8'));
  const theirStatement = JSON.parse(decode(upstream.dsseEnvelope.payload).toString('utf8'));
  assert.deepEqual(shape(ourStatement), shape(theirStatement));
  // Same files, same digests → same resources and the same root digest as upstream.
  assert.deepEqual(ourStatement.predicate.resources, theirStatement.predicate.resources);
  assert.deepEqual(ourStatement.subject, theirStatement.subject);
  assert.deepEqual(
    ourStatement.predicate.serialization.ignore_paths.sort(),
    theirStatement.predicate.serialization.ignore_paths.sort(),
  );
  assert.match(
    decode(ours.dsseEnvelope.payload).toString('utf8'),
    /^\{\n {2}"_type": "https:\/\/in-toto\.io\/Statement\/v1",\n/,
  );
});

test('resources are ordered like PurePosixPath: component by component', () => {
  const names = ['weights.bin', 'weights/a.bin', 'a', 'weights/b/c', 'B'];
  assert.deepEqual(names.sort(comparePosixPaths), ['B', 'a', 'weights/a.bin', 'weights/b/c', 'weights.bin']);
});
