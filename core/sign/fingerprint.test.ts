import assert from 'node:assert/strict';
import { createHash, createPublicKey } from 'node:crypto';
import { test } from 'node:test';
import { fingerprintHex, formatFingerprint, pemToSpki, spkiToPem } from './fingerprint.ts';

async function spki(): Promise<Uint8Array> {
  const keys = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign']);
  return new Uint8Array(await crypto.subtle.exportKey('spki', keys.publicKey));
}

test('fingerprint is lowercase hex SHA-256 of the SPKI bytes', async () => {
  const bytes = await spki();
  const hex = await fingerprintHex(bytes);
  assert.equal(hex, createHash('sha256').update(bytes).digest('hex'));
  assert.match(hex, /^[0-9a-f]{64}$/);
});

test('formatFingerprint groups by 4 with spaces', () => {
  const hex = '0123456789abcdef'.repeat(4);
  const shown = formatFingerprint(hex);
  assert.equal(shown.split(' ').length, 16);
  assert.equal(shown.slice(0, 14), '0123 4567 89ab');
  assert.equal(shown.replaceAll(' ', ''), hex);
  assert.throws(() => formatFingerprint('ABCD'), /lowercase hex/);
  assert.throws(() => formatFingerprint(''), /lowercase hex/);
});

test('PEM round trip matches what Node writes and reads', async () => {
  const bytes = await spki();
  const pem = spkiToPem(bytes);
  const nodePem = createPublicKey({ key: Buffer.from(bytes), format: 'der', type: 'spki' }).export({
    format: 'pem',
    type: 'spki',
  });
  assert.equal(pem, nodePem);
  for (const line of pem.trim().split('\n')) assert.ok(line.length <= 64);
  assert.deepEqual(pemToSpki(pem), bytes);
  assert.deepEqual(pemToSpki(pem.replaceAll('\n', '\r\n')), bytes);
  assert.deepEqual(pemToSpki(`\n  ${pem}\n\n`), bytes);
});

test('bad PEM is rejected with a clear reason', async () => {
  const pem = spkiToPem(await spki());
  assert.throws(() => pemToSpki('hello'), /not a PEM block/);
  assert.throws(() => pemToSpki(pem.replaceAll('PUBLIC KEY', 'PRIVATE KEY')), /expected a "PUBLIC KEY".*PRIVATE KEY/);
  assert.throws(() => pemToSpki(pem.replace('END PUBLIC', 'END OTHER PUBLIC')), /does not match/);
  assert.throws(() => pemToSpki(pem.replace(/\n(.)/, '\n!')), /not valid base64/);
  assert.throws(() => pemToSpki(pem.replace('=', '')), /not valid base64/);
  assert.throws(() => pemToSpki('-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----'), /SubjectPublicKeyInfo/);
});

test('text before the PEM block is skipped (certtool writes a preamble)', async () => {
  const bytes = await spki();
  const pem = `Public Key Information:\n\tPublic Key Algorithm: EC/ECDSA\n\n${spkiToPem(bytes)}`;
  assert.deepEqual(pemToSpki(pem), bytes);
});
