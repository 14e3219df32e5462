import { test } from 'node:test';
import assert from 'node:assert/strict';
import { identifySigner, isVouchedFor, parseSiteSigners, SITE_SIGNERS_SCHEMA_ID } from './signer-identity.ts';
import { fingerprintHex, spkiToPem } from './fingerprint.ts';

const known = {
  browserKey: 'aa',
  trusted: [{ fingerprint: 'bb', label: 'Alice (security team)' }],
  site: [
    { fingerprint: 'bb', label: 'Site name for Alice' },
    { fingerprint: 'cc', label: 'Example Corp release key' },
  ],
};

test('a signer is this browser, trusted by name, pinned by the site, or unknown, in that order', () => {
  assert.deepEqual(identifySigner('aa', known), { kind: 'this-browser' });
  assert.deepEqual(identifySigner('bb', known), { kind: 'trusted', label: 'Alice (security team)' });
  assert.deepEqual(identifySigner('cc', known), { kind: 'site', label: 'Example Corp release key' });
  assert.deepEqual(identifySigner('dd', known), { kind: 'unknown' });
  assert.deepEqual(identifySigner('aa', { trusted: [], site: [] }), { kind: 'unknown' });
});

test('only an unknown signer leaves the verdict a claim', () => {
  assert.equal(isVouchedFor({ kind: 'unknown' }), false);
  for (const kind of ['this-browser', 'trusted', 'site'] as const) {
    assert.equal(isVouchedFor(kind === 'this-browser' ? { kind } : { kind, label: 'x' }), true);
  }
});

async function p256Pem() {
  const pair = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify']);
  const spki = new Uint8Array(await crypto.subtle.exportKey('spki', pair.publicKey));
  return { pem: spkiToPem(spki), fingerprint: await fingerprintHex(spki) };
}

test('the site list gives each pinned key its fingerprint', async () => {
  const key = await p256Pem();
  const signers = await parseSiteSigners({
    schema: SITE_SIGNERS_SCHEMA_ID,
    signers: [{ label: 'Release key', publicKeyPem: key.pem }],
  });
  assert.deepEqual(signers, [{ label: 'Release key', fingerprint: key.fingerprint }]);
  assert.deepEqual(await parseSiteSigners({ schema: SITE_SIGNERS_SCHEMA_ID, signers: [] }), []);
});

test('a site list that is not what it should be is refused, naming the entry', async () => {
  const key = await p256Pem();
  const rsa = await crypto.subtle.generateKey(
    { name: 'RSASSA-PKCS1-v1_5', modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' },
    true,
    ['sign', 'verify'],
  );
  const rsaPem = spkiToPem(new Uint8Array(await crypto.subtle.exportKey('spki', rsa.publicKey)));
  const cases: [unknown, RegExp][] = [
    [{ signers: [] }, /schema/],
    [{ schema: SITE_SIGNERS_SCHEMA_ID, signers: [{ label: '', publicKeyPem: key.pem }] }, /signers\.0\.label/],
    [{ schema: SITE_SIGNERS_SCHEMA_ID, signers: [{ label: 'x', publicKeyPem: key.pem, extra: 1 }] }, /signers\.0/],
    [{ schema: SITE_SIGNERS_SCHEMA_ID, signers: [{ label: 'Old RSA key', publicKeyPem: rsaPem }] }, /Old RSA key/],
    [{ schema: SITE_SIGNERS_SCHEMA_ID, signers: [{ label: 'Junk', publicKeyPem: 'not a key' }] }, /Junk/],
  ];
  for (const [json, message] of cases) await assert.rejects(parseSiteSigners(json), message);
});
