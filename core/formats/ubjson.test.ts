import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseUbjson } from './ubjson.ts';
import { FormatError, UnsupportedLayoutError } from './format-error.ts';

const b = (...parts: (string | number[])[]) =>
  new Uint8Array(parts.flatMap((p) => (typeof p === 'string' ? [...p].map((c) => c.charCodeAt(0)) : p)));
const i64 = (n: number) => [0, 0, 0, 0, 0, 0, 0, n];

test('scalars, strings and containers (ubjson.org type reference)', () => {
  const doc = b('{', 'i', [1], 'a', 'I', [0x01, 0x00], 'i', [1], 'b', 'S', 'i', [2], 'hi', 'i', [1], 'c', '[TFZ]', '}');
  assert.deepEqual({ ...(parseUbjson(doc).value as object) }, { a: 256, b: 'hi', c: [true, false, null] });
  assert.equal(parseUbjson(b('d', [0x3e, 0x80, 0, 0])).value, 0.25);
  assert.equal(parseUbjson(b('l', [0xff, 0xff, 0xff, 0xfe])).value, -2);
});

test("XGBoost's typed arrays: [$type#count then the values", () => {
  assert.deepEqual(parseUbjson(b('[$l#L', i64(2), [0, 0, 0, 1, 0xff, 0xff, 0xff, 0xff])).value, [1, -1]);
  assert.deepEqual(parseUbjson(b('[$U#i', [3], [1, 2, 3])).value, [1, 2, 3]);
});

test('repeated keys are recorded, not silently overwritten', () => {
  const doc = b('{', 'i', [1], 'k', 'i', [1], 'i', [1], 'k', 'i', [2], '}');
  assert.deepEqual(
    parseUbjson(doc).duplicates.map((d) => d.key),
    ['k'],
  );
});

test('hostile input: truncation, huge counts, depth, unknown markers, trailing bytes', () => {
  assert.throws(() => parseUbjson(b('{', 'i', [1], 'k')), FormatError);
  assert.throws(() => parseUbjson(b('[$d#L', [0, 0, 0, 0x7f, 0, 0, 0, 0])), /container|longer/);
  assert.throws(() => parseUbjson(b('['.repeat(100))), /deeper/);
  assert.throws(() => parseUbjson(b('q')), /unknown UBJSON marker/);
  assert.throws(() => parseUbjson(b('TT')), /follow/);
  assert.throws(() => parseUbjson(b('S', 'i', [0xff])), /negative/);
  assert.throws(() => parseUbjson(b('L', [0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff])), /exact range/);
});

test('a high-precision number is not interpreted', () => {
  assert.throws(() => parseUbjson(b('H', 'i', [1], '1')), UnsupportedLayoutError);
});
