import assert from 'node:assert/strict';
import { test } from 'node:test';
import { derToP1363, p1363ToDer, type EcCurve } from './ecdsa-der.ts';

const HASH: Record<EcCurve, string> = { 'P-256': 'SHA-256', 'P-384': 'SHA-384' };

for (const curve of ['P-256', 'P-384'] as const) {
  test(`${curve}: 50 WebCrypto signatures survive P1363 → DER → P1363 and still verify`, async () => {
    const size = curve === 'P-256' ? 32 : 48;
    const keys = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: curve }, false, ['sign', 'verify']);
    const algorithm = { name: 'ECDSA', hash: HASH[curve] };
    let padded = 0;
    for (let i = 0; i < 50; i++) {
      const message = new TextEncoder().encode(`message ${i}`);
      const sig = new Uint8Array(await crypto.subtle.sign(algorithm, keys.privateKey, message));
      const der = p1363ToDer(sig, curve);
      assert.equal(der[0], 0x30);
      assert.equal(der[1], der.length - 2);
      if (der[3] === size + 1) padded++;
      const back = derToP1363(der, curve);
      assert.deepEqual(back, sig);
      assert.deepEqual(p1363ToDer(back, curve), der);
      assert.equal(await crypto.subtle.verify(algorithm, keys.publicKey, back, message), true);
      // The DER bytes are not what WebCrypto expects: it must refuse them, proving conversion matters.
      assert.equal(await crypto.subtle.verify(algorithm, keys.publicKey, der, message), false);
    }
    // About half of random r values have the high bit set; 50 samples all missing it is ~1e-15.
    assert.ok(padded > 0);
  });
}

function p1363(r: number[], s: number[], size = 32): Uint8Array {
  const out = new Uint8Array(2 * size);
  out.set(r, size - r.length);
  out.set(s, 2 * size - s.length);
  return out;
}

test('high-bit r gets a 0x00 pad and short values are minimal', () => {
  const r = new Array(32).fill(0x80);
  const der = p1363ToDer(p1363(r, [0x01]), 'P-256');
  assert.deepEqual([...der.subarray(0, 5)], [0x30, 2 + 33 + 3, 0x02, 33, 0x00]);
  assert.deepEqual([...der.subarray(-3)], [0x02, 0x01, 0x01]);
  assert.deepEqual(derToP1363(der, 'P-256'), p1363(r, [0x01]));
  // A leading zero byte in r (31 significant bytes, high bit clear) is stripped.
  const short = p1363ToDer(p1363([0x7f, ...new Array(30).fill(1)], [0x7f]), 'P-256');
  assert.deepEqual([...short.subarray(2, 4)], [0x02, 31]);
});

test('P1363 input of the wrong size or with a zero coordinate is rejected', () => {
  assert.throws(() => p1363ToDer(new Uint8Array(63), 'P-256'), /expected 64 bytes/);
  assert.throws(() => p1363ToDer(new Uint8Array(64), 'P-384'), /expected 96 bytes/);
  assert.throws(() => p1363ToDer(p1363([], [1]), 'P-256'), /zero/);
});

const int = (...bytes: number[]) => [0x02, bytes.length, ...bytes];
const seq = (...content: number[]) => new Uint8Array([0x30, content.length, ...content]);

test('malformed DER is rejected with a clear reason', () => {
  const ok = seq(...int(1), ...int(2));
  assert.deepEqual(derToP1363(ok, 'P-256'), p1363([1], [2]));
  const cases: [Uint8Array, RegExp][] = [
    [new Uint8Array(0), /SEQUENCE/],
    [new Uint8Array([0x31, 6, ...int(1), ...int(2)]), /SEQUENCE/],
    [new Uint8Array([...ok, 0]), /trailing/],
    [new Uint8Array([0x30, 7, ...int(1), ...int(2)]), /overruns/],
    [new Uint8Array([0x30, 0x81, 6, ...int(1), ...int(2)]), /non-minimal length/],
    [new Uint8Array([0x30, 0x82, 0, 6, ...int(1), ...int(2)]), /length form/],
    [new Uint8Array([0x30, 0x80, ...int(1), ...int(2), 0, 0]), /length form/],
    [seq(...int(1)), /INTEGER tag for s/],
    [seq(0x04, 1, 1, ...int(2)), /INTEGER tag for r/],
    [seq(...int(1), ...int(2), ...int(3)), /extra data/],
    [seq(...int(0x80), ...int(2)), /r is negative/],
    [seq(...int(1), ...int(0xff, 1)), /s is negative/],
    [seq(...int(0, 0x7f), ...int(2)), /non-minimal leading zero/],
    [seq(...int(0), ...int(2)), /r is zero/],
    [seq(0x02, 0, ...int(2)), /zero length/],
    [seq(...int(1), 0x02, 3, 1), /overruns/],
    [seq(...int(...new Array(33).fill(1)), ...int(2)), /longer than 32/],
  ];
  for (const [der, reason] of cases) {
    assert.throws(() => derToP1363(der, 'P-256'), reason, Buffer.from(der).toString('hex'));
  }
  // 48-byte coordinates are fine for P-384 but too long for P-256.
  const wide = seq(...int(...new Array(48).fill(1)), ...int(2));
  assert.equal(derToP1363(wide, 'P-384').length, 96);
  assert.throws(() => derToP1363(wide, 'P-256'), /longer than 32/);
});
