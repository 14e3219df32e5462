import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import { deflateSync } from 'fflate';
import { encodeBase64Url } from '../util/base64.ts';
import { decodeFragment, encodeFragment, MAX_INFLATED_BYTES } from './link-codec.ts';
import { signPayload, type SignedBundle } from './report-signature.ts';

async function bundle(): Promise<SignedBundle> {
  const pair = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign', 'verify']);
  const publicKeySpki = new Uint8Array(await crypto.subtle.exportKey('spki', pair.publicKey));
  return signPayload(new TextEncoder().encode('{"verdict":"pass"}'), { privateKey: pair.privateKey, publicKeySpki });
}

/** Builds a fragment around arbitrary compressed bytes, with a correct checksum. */
function frame(compressed: Uint8Array): string {
  const check = createHash('sha256').update(compressed).digest().subarray(0, 8);
  return `v1.${encodeBase64Url(compressed)}.${encodeBase64Url(new Uint8Array(check))}`;
}

const reason = async (fragment: string) => {
  const result = await decodeFragment(fragment);
  assert.equal(result.ok, false, fragment.slice(0, 80));
  return (result as { reason: string }).reason;
};

test('encode → decode gives the same bundle, with or without "#"', async () => {
  const original = await bundle();
  const fragment = await encodeFragment(original);
  assert.match(fragment, /^v1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{11}$/);
  assert.deepEqual(await decodeFragment(fragment), { ok: true, bundle: original });
  assert.deepEqual(await decodeFragment(`#${fragment}`), { ok: true, bundle: original });
});

test('structural problems are malformed with a plain reason', async () => {
  const fragment = await encodeFragment(await bundle());
  const [, data, check] = fragment.split('.');
  assert.equal(await reason(''), 'link is malformed: it is empty');
  assert.equal(await reason('#'), 'link is malformed: it is empty');
  assert.equal(await reason(`v2.${data}.${check}`), 'link is malformed: unknown version');
  assert.equal(await reason(`${data}.${check}`), 'link is malformed: unknown version');
  assert.equal(await reason(`v1.${data}`), 'link is malformed: expected three dot-separated parts');
  assert.equal(await reason(`v1.${data}.${check}.`), 'link is malformed: expected three dot-separated parts');
  assert.equal(await reason(`v1.${data}=.${check}`), 'link is malformed: it is not valid base64url');
  assert.equal(await reason(`v1.${data}.${check}AA`), 'link is malformed: it is not valid base64url');
  assert.equal(await reason(`v1.${data}.${check!.slice(0, 8)}`), 'link is malformed: checksum does not match');
  assert.equal(await reason(`v1.${data!.slice(4)}.${check}`), 'link is malformed: checksum does not match');
  assert.equal(await reason('v1.x'.padEnd(2_000_000, 'A')), 'link is malformed: it is too long');
});

test('content problems behind a correct checksum are malformed', async () => {
  const enc = (s: string) => deflateSync(new TextEncoder().encode(s));
  assert.equal(await reason(frame(new Uint8Array([1, 2, 3]))), 'link is malformed: compressed data is corrupt');
  assert.equal(await reason(frame(new Uint8Array(0))), 'link is malformed: compressed data is corrupt');
  assert.equal(await reason(frame(enc('{"a":').subarray(0, 4))), 'link is malformed: compressed data is corrupt');
  assert.equal(await reason(frame(enc('{"a":'))), 'link is malformed: content is not valid JSON');
  const notUtf8 = deflateSync(new Uint8Array([0x22, 0xff, 0x22]));
  assert.equal(await reason(frame(notUtf8)), 'link is malformed: content is not valid JSON');
  assert.match(await reason(frame(enc('{"a":1}'))), /^link is malformed: unexpected content/);
  const good = await bundle();
  assert.match(await reason(frame(enc(JSON.stringify({ ...good, more: 1 })))), /unexpected content/);
  assert.equal((await decodeFragment(frame(enc(JSON.stringify(good))))).ok, true);
});

test('bytes after the final deflate block change nothing when inflated, so the checksum must catch them', async () => {
  const fragment = await encodeFragment(await bundle());
  const [, data, check] = fragment.split('.');
  const padded = new Uint8Array([...Buffer.from(data!, 'base64url'), 0]);
  // With a recomputed checksum the padded stream decodes to the very same bundle…
  assert.deepEqual(await decodeFragment(frame(padded)), await decodeFragment(fragment));
  // …so the original checksum is what turns the changed link into "malformed".
  assert.equal(await reason(`v1.${encodeBase64Url(padded)}.${check}`), 'link is malformed: checksum does not match');
});

test('a zip bomb is refused quickly without inflating it', async () => {
  const bomb = deflateSync(new Uint8Array(50_000_000), { level: 9 });
  const fragment = frame(bomb);
  const started = performance.now();
  assert.equal(await reason(fragment), 'link is malformed: content is too large');
  const elapsed = performance.now() - started;
  assert.ok(elapsed < 500, `took ${elapsed.toFixed(0)} ms`);
  // Just over the cap is refused; at the cap (a JSON string of that size) gets past inflation.
  const over = deflateSync(new Uint8Array(MAX_INFLATED_BYTES + 1).fill(0x20));
  assert.equal(await reason(frame(over)), 'link is malformed: content is too large');
  const atCap = deflateSync(new Uint8Array(MAX_INFLATED_BYTES).fill(0x20));
  assert.equal(await reason(frame(atCap)), 'link is malformed: content is not valid JSON');
});
