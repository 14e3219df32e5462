import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { decodeBase64, decodeBase64Url, encodeBase64, encodeBase64Url, isCanonicalBase64 } from './base64.ts';

test('encoders agree with Node for lengths 0..20 and random bytes, and decoders round trip', () => {
  const samples: Uint8Array[] = [];
  for (let n = 0; n <= 20; n++) samples.push(new Uint8Array(randomBytes(n)));
  for (let i = 0; i < 200; i++) samples.push(new Uint8Array(randomBytes(1 + ((i * 37) % 300))));
  samples.push(new Uint8Array(256).map((_, i) => i));
  for (const bytes of samples) {
    const std = encodeBase64(bytes);
    const url = encodeBase64Url(bytes);
    assert.equal(std, Buffer.from(bytes).toString('base64'));
    assert.equal(url, Buffer.from(bytes).toString('base64url'));
    assert.deepEqual(decodeBase64(std), bytes);
    assert.deepEqual(decodeBase64Url(url), bytes);
  }
});

test('standard base64 rejects non-canonical input', () => {
  for (const bad of [
    'QQ', // missing padding
    'QQ=', // short padding
    'QQ===', // extra padding
    'QR==', // unused bits set (QQ== is canonical for 0x41)
    'QUJ=', // unused bits set (QUI= is canonical)
    'Q===',
    'A',
    'QUJD\n',
    ' QUJD',
    'QU-D', // url alphabet in standard
    'QU=D',
    'QUJD=',
    'QUI=QUI=',
    'QUJ\u00e9',
  ]) {
    assert.throws(() => decodeBase64(bad), /base64/, JSON.stringify(bad));
    assert.equal(isCanonicalBase64(bad), false);
  }
  assert.deepEqual(decodeBase64(''), new Uint8Array(0));
  assert.deepEqual(decodeBase64('QQ=='), new Uint8Array([0x41]));
});

test('base64url rejects padding, the standard alphabet and unused bits', () => {
  for (const bad of ['QQ==', 'QQ=', 'QR', 'QUJ', 'A', 'QU+D', 'QU/D', 'QU.D', 'QU%D', 'QUJD ']) {
    assert.throws(() => decodeBase64Url(bad), /base64url/, JSON.stringify(bad));
  }
  assert.deepEqual(decodeBase64Url('QQ'), new Uint8Array([0x41]));
  assert.deepEqual(decodeBase64Url('-_8'), new Uint8Array([0xfb, 0xff]));
});

test('every single-character change of a base64url string fails or decodes to different bytes', () => {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  for (let n = 1; n <= 7; n++) {
    const bytes = new Uint8Array(randomBytes(n));
    const text = encodeBase64Url(bytes);
    for (let i = 0; i < text.length; i++) {
      for (const c of alphabet) {
        if (c === text[i]) continue;
        const changed = text.slice(0, i) + c + text.slice(i + 1);
        let decoded: Uint8Array | undefined;
        try {
          decoded = decodeBase64Url(changed);
        } catch {
          continue;
        }
        assert.notDeepEqual(decoded, bytes, `${text} → ${changed}`);
      }
    }
  }
});
