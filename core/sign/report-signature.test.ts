import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeBase64, encodeBase64 } from '../util/base64.ts';
import { p1363ToDer } from './ecdsa-der.ts';
import { fingerprintHex } from './fingerprint.ts';
import { REPORT_PAYLOAD_TYPE, signPayload, verifyBundle, type SignedBundle } from './report-signature.ts';

async function makeKey(curve = 'P-256') {
  const pair = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: curve }, false, ['sign', 'verify']);
  const publicKeySpki = new Uint8Array(await crypto.subtle.exportKey('spki', pair.publicKey));
  return { privateKey: pair.privateKey, publicKeySpki };
}

const payload = new TextEncoder().encode('{"schema":"modelgate.report/v1","verdict":"pass"}');
const clone = (bundle: SignedBundle): SignedBundle => structuredClone(bundle);

test('a signed payload verifies, with the fingerprint of the key and the same bytes', async () => {
  const key = await makeKey();
  const bundle = await signPayload(payload, key);
  const fingerprint = await fingerprintHex(key.publicKeySpki);
  assert.equal(bundle.envelope.payloadType, REPORT_PAYLOAD_TYPE);
  assert.equal(bundle.envelope.signatures[0]!.keyid, fingerprint);
  assert.equal(bundle.publicKey, encodeBase64(key.publicKeySpki));
  // Stored as DER, not raw r‖s.
  assert.equal(decodeBase64(bundle.envelope.signatures[0]!.sig)[0], 0x30);
  const result = await verifyBundle(bundle);
  assert.deepEqual(result, { status: 'valid', fingerprint, payload });
});

test('signing refuses a public key that does not match the private key', async () => {
  const [a, b] = [await makeKey(), await makeKey()];
  await assert.rejects(signPayload(payload, { privateKey: a.privateKey, publicKeySpki: b.publicKeySpki }), /mismatch/);
});

test('tampering makes the bundle invalid, with a reason', async () => {
  const key = await makeKey();
  const other = await makeKey();
  const bundle = await signPayload(payload, key);
  const fingerprint = await fingerprintHex(key.publicKeySpki);
  const otherFingerprint = await fingerprintHex(other.publicKeySpki);

  const changedPayload = clone(bundle);
  changedPayload.envelope.payload = encodeBase64(new TextEncoder().encode('{"verdict":"pass!"}'));
  assert.deepEqual(await verifyBundle(changedPayload), {
    status: 'invalid',
    reason: 'the signature does not match the report',
    fingerprint,
  });

  const swappedKey = clone(bundle);
  swappedKey.publicKey = encodeBase64(other.publicKeySpki);
  const swapped = await verifyBundle(swappedKey);
  assert.equal(swapped.status, 'invalid');
  assert.match((swapped as { reason: string }).reason, /key id does not match/);
  assert.equal(swapped.fingerprint, otherFingerprint);

  // Without a keyid the swap must still fail, on the signature itself.
  delete swappedKey.envelope.signatures[0]!.keyid;
  assert.deepEqual(await verifyBundle(swappedKey), {
    status: 'invalid',
    reason: 'the signature does not match the report',
    fingerprint: otherFingerprint,
  });

  const retyped = clone(bundle);
  retyped.envelope.payloadType = 'application/json';
  assert.match(((await verifyBundle(retyped)) as { reason: string }).reason, /unexpected payload type/);

  const twoSigs = clone(bundle);
  twoSigs.envelope.signatures.push(twoSigs.envelope.signatures[0]!);
  assert.match(((await verifyBundle(twoSigs)) as { reason: string }).reason, /exactly one signature/);

  const rawSig = clone(bundle);
  rawSig.envelope.signatures[0]!.sig = encodeBase64(new Uint8Array(64).fill(1));
  assert.match(((await verifyBundle(rawSig)) as { reason: string }).reason, /signature is malformed/);
});

test('a signature made by key A with key B attached is invalid', async () => {
  const a = await makeKey();
  const b = await makeKey();
  const message = new TextEncoder().encode(
    `DSSEv1 ${REPORT_PAYLOAD_TYPE.length} ${REPORT_PAYLOAD_TYPE} ${payload.length} `,
  );
  const pae = new Uint8Array([...message, ...payload]);
  const sig = new Uint8Array(await crypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, a.privateKey, pae));
  const bundle: SignedBundle = {
    envelope: {
      payloadType: REPORT_PAYLOAD_TYPE,
      payload: encodeBase64(payload),
      signatures: [{ keyid: await fingerprintHex(b.publicKeySpki), sig: encodeBase64(p1363ToDer(sig, 'P-256')) }],
    },
    publicKey: encodeBase64(b.publicKeySpki),
  };
  assert.equal((await verifyBundle(bundle)).status, 'invalid');
  // Control: the same construction with A's key is valid, so the failure above is about the key.
  bundle.publicKey = encodeBase64(a.publicKeySpki);
  bundle.envelope.signatures[0]!.keyid = await fingerprintHex(a.publicKeySpki);
  assert.equal((await verifyBundle(bundle)).status, 'valid');
});

test('keys that are not ECDSA P-256 are invalid, not errors', async () => {
  const p384 = await makeKey('P-384');
  const bundle = await signPayload(payload, await makeKey());
  bundle.publicKey = encodeBase64(p384.publicKeySpki);
  delete bundle.envelope.signatures[0]!.keyid;
  const result = await verifyBundle(bundle);
  assert.equal(result.status, 'invalid');
  assert.match((result as { reason: string }).reason, /not an ECDSA P-256 key/);
  assert.equal(result.fingerprint, await fingerprintHex(p384.publicKeySpki));

  bundle.publicKey = encodeBase64(new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x01]));
  assert.match(((await verifyBundle(bundle)) as { reason: string }).reason, /not an ECDSA P-256 key/);
});

test('verifyBundle never throws on junk', async () => {
  for (const junk of [null, undefined, 1, 'x', [], {}, { envelope: {}, publicKey: 'AA==' }, { publicKey: 'A' }]) {
    const result = await verifyBundle(junk);
    assert.equal(result.status, 'invalid');
    assert.match((result as { reason: string }).reason, /bundle is malformed/);
  }
  const bundle = await signPayload(payload, await makeKey());
  assert.equal((await verifyBundle({ ...bundle, extra: 1 })).status, 'invalid');
});
