import assert from 'node:assert/strict';
import { test } from 'node:test';
import { envelopeSchema, pae } from './dsse.ts';

const text = (bytes: Uint8Array) => Buffer.from(bytes).toString('utf8');

test('PAE matches the DSSE spec vector', () => {
  const out = pae('http://example.com/HelloWorld', new TextEncoder().encode('hello world'));
  assert.equal(text(out), 'DSSEv1 29 http://example.com/HelloWorld 11 hello world');
});

test('PAE counts UTF-8 bytes, not UTF-16 units', () => {
  const type = 'application/x-é€😀'; // é = 2 bytes, € = 3, 😀 = 4 (2 UTF-16 units)
  assert.equal(type.length, 18);
  const out = pae(type, new TextEncoder().encode('ü'));
  assert.equal(text(out), `DSSEv1 23 ${type} 2 ü`);
});

test('PAE of an empty payload and binary bytes', () => {
  assert.equal(text(pae('t', new Uint8Array(0))), 'DSSEv1 1 t 0 ');
  const out = pae('t', new Uint8Array([0, 255, 10]));
  assert.deepEqual([...out.subarray(-3)], [0, 255, 10]);
  assert.equal(text(out.subarray(0, -3)), 'DSSEv1 1 t 3 ');
});

test('envelope schema requires canonical base64 and at least one signature', () => {
  const good = { payloadType: 't', payload: 'aGk=', signatures: [{ keyid: 'k', sig: 'AA==' }] };
  assert.equal(envelopeSchema.safeParse(good).success, true);
  assert.equal(envelopeSchema.safeParse({ ...good, signatures: [{ sig: 'AA==' }] }).success, true);
  assert.equal(envelopeSchema.safeParse({ ...good, signatures: [] }).success, false);
  assert.equal(envelopeSchema.safeParse({ ...good, payload: 'aGk' }).success, false);
  assert.equal(envelopeSchema.safeParse({ ...good, payload: 'aGl=' }).success, false);
  assert.equal(envelopeSchema.safeParse({ ...good, signatures: [{ sig: 'AA-=' }] }).success, false);
  assert.equal(envelopeSchema.safeParse({ ...good, payloadType: 1 }).success, false);
});
