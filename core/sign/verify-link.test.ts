import assert from 'node:assert/strict';
import { test } from 'node:test';
import { encodeBase64 } from '../util/base64.ts';
import { fingerprintHex } from './fingerprint.ts';
import { decodeFragment, encodeFragment } from './link-codec.ts';
import { signPayload } from './report-signature.ts';
import { verifyReportLink } from './verify-link.ts';

async function makeKey() {
  const pair = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign', 'verify']);
  const publicKeySpki = new Uint8Array(await crypto.subtle.exportKey('spki', pair.publicKey));
  return { privateKey: pair.privateKey, publicKeySpki };
}

const payload = new TextEncoder().encode('{"verdict":"pass"}');

test('sign → encode → verify gives valid, the signer fingerprint, its key and the exact payload bytes', async () => {
  const key = await makeKey();
  const fragment = await encodeFragment(await signPayload(payload, key));
  const result = await verifyReportLink(`#${fragment}`);
  assert.deepEqual(result, {
    status: 'valid',
    fingerprint: await fingerprintHex(key.publicKeySpki),
    payload,
    publicKeySpki: new Uint8Array(key.publicKeySpki),
  });
});

test('every single-character change of the fragment is malformed or invalid, never valid', async () => {
  const fragment = await encodeFragment(await signPayload(payload, await makeKey()));
  assert.equal((await verifyReportLink(fragment)).status, 'valid');
  const replacements = ['A', 'B', 'Q', 'g', 'w', 'z', '0', '9', '-', '_', '.', '=', '%'];
  const seen = { malformed: 0, invalid: 0 };
  let tried = 0;
  for (let i = 0; i < fragment.length; i++) {
    const variants = replacements
      .filter((c) => c !== fragment[i])
      .map((c) => fragment.slice(0, i) + c + fragment.slice(i + 1));
    variants.push(fragment.slice(0, i) + fragment.slice(i + 1)); // deletion
    for (const changed of variants) {
      const result = await verifyReportLink(changed);
      assert.notEqual(result.status, 'valid', `position ${i}: ${changed}`);
      seen[result.status as 'malformed' | 'invalid']++;
      tried++;
    }
  }
  assert.equal(seen.malformed + seen.invalid, tried);
  assert.ok(tried > fragment.length * 12, `tried ${tried}`);
});

test('a re-encoded link with a changed payload is invalid', async () => {
  const key = await makeKey();
  const decoded = await decodeFragment(await encodeFragment(await signPayload(payload, key)));
  assert.ok(decoded.ok);
  const bundle = decoded.bundle;
  bundle.envelope.payload = encodeBase64(new TextEncoder().encode('{"verdict":"fail"}'));
  const result = await verifyReportLink(await encodeFragment(bundle));
  assert.deepEqual(result, {
    status: 'invalid',
    reason: 'the signature does not match the report',
    fingerprint: await fingerprintHex(key.publicKeySpki),
  });
});

test('a link signed by key A carrying key B is invalid', async () => {
  const [a, b] = [await makeKey(), await makeKey()];
  const bundle = await signPayload(payload, a);
  bundle.publicKey = encodeBase64(b.publicKeySpki);
  bundle.envelope.signatures[0]!.keyid = await fingerprintHex(b.publicKeySpki);
  const result = await verifyReportLink(await encodeFragment(bundle));
  assert.equal(result.status, 'invalid');
  assert.equal((result as { fingerprint?: string }).fingerprint, await fingerprintHex(b.publicKeySpki));
});

test('garbage is malformed', async () => {
  for (const junk of ['', '#', 'hello', 'v1..', 'v1.AA.AA', '%%%']) {
    assert.equal((await verifyReportLink(junk)).status, 'malformed', junk);
  }
});
