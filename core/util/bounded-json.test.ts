import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mulberry32 } from './mulberry32.ts';
import {
  BoundedJsonError,
  checkJsonBounds,
  jsonNestingDepth,
  MAX_JSON_DEPTH,
  parseBoundedJson,
  utf8LengthOver,
} from './bounded-json.ts';

const nested = (n: number, inner = '1') => `${'['.repeat(n)}${inner}${']'.repeat(n)}`;

/** The depth of a parsed value, by recursion: the oracle for values small enough to walk that way. */
function depthOf(v: unknown): number {
  if (Array.isArray(v)) return 1 + Math.max(0, ...v.map(depthOf));
  if (v && typeof v === 'object') return 1 + Math.max(0, ...Object.values(v).map(depthOf));
  return 0;
}

function randomJson(rand: () => number, depth: number): unknown {
  const r = rand();
  if (depth <= 0 || r < 0.3) {
    const pick = Math.floor(rand() * 5);
    return [null, true, rand() * 100, `s"[{\\${Math.floor(rand() * 9)}}]\u00e9\u{1f600}`, ''][pick];
  }
  const n = Math.floor(rand() * 4);
  if (r < 0.65) return Array.from({ length: n }, () => randomJson(rand, depth - 1));
  return Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}]"{`, randomJson(rand, depth - 1)]));
}

test('the nesting scan measures what JSON.parse builds (strings with brackets, quotes and escapes skipped)', () => {
  const rand = mulberry32(7);
  for (let i = 0; i < 500; i++) {
    const text = JSON.stringify(randomJson(rand, 8));
    assert.equal(jsonNestingDepth(text), depthOf(JSON.parse(text)), text);
    assert.deepEqual(parseBoundedJson(text, 'x.json'), JSON.parse(text));
  }
  assert.equal(jsonNestingDepth('"\\\\"'), 0);
  assert.equal(jsonNestingDepth('["\\\\", [1]]'), 2);
});

test('a file nested past the bound is refused with its name and the bound; at the bound it parses', () => {
  assert.deepEqual(parseBoundedJson(nested(MAX_JSON_DEPTH), 'tokenizer.json'), JSON.parse(nested(MAX_JSON_DEPTH)));
  assert.throws(
    () => parseBoundedJson(nested(MAX_JSON_DEPTH + 1), 'tokenizer.json'),
    (e: unknown) =>
      e instanceof BoundedJsonError &&
      e.file === 'tokenizer.json' &&
      e.bound === 'depth' &&
      e.message === `tokenizer.json: nested deeper than ${MAX_JSON_DEPTH} levels`,
  );
  assert.throws(
    () => parseBoundedJson(`{"a":${nested(11)}}`, 'config.json', { maxDepth: 11 }),
    /config\.json: nested deeper than 11 levels/,
  );
});

test('a million levels: a clear error, never "Maximum call stack size exceeded"', () => {
  const text = `{"model": ${nested(1_000_000)}}`;
  // What the bound protects against: everything that walks the parsed value recursively overflows.
  assert.throws(() => JSON.stringify(JSON.parse(text)), RangeError);
  assert.throws(
    () => parseBoundedJson(text, 'tokenizer.json'),
    /^BoundedJsonError: tokenizer\.json: nested deeper than 256 levels$/,
  );
});

test('the size bound counts UTF-8 bytes, and names the file', () => {
  assert.equal(utf8LengthOver('é'.repeat(10), 20), false);
  assert.equal(utf8LengthOver('é'.repeat(11), 20), true);
  assert.equal(utf8LengthOver('\u{1f600}'.repeat(5), 20), false);
  assert.equal(utf8LengthOver('\u{1f600}'.repeat(6), 20), true);
  for (const s of ['abc', 'é€\u{1f600}x', '\ud800', '\u{1f600}\ud800z']) {
    const bytes = new TextEncoder().encode(s).length;
    assert.equal(utf8LengthOver(s, bytes), false, s);
    assert.equal(utf8LengthOver(s, bytes - 1), true, s);
  }
  assert.throws(
    () => checkJsonBounds(`["${'é'.repeat(600_000)}"]`, 'config.json', { maxBytes: 1 << 20 }),
    (e: unknown) =>
      e instanceof BoundedJsonError && e.bound === 'size' && e.message === 'config.json: larger than 1 MiB',
  );
});

test('text that is not JSON names the file and keeps the parser message', () => {
  assert.throws(
    () => parseBoundedJson('{"a": ', 'tokenizer_config.json'),
    (e: unknown) =>
      e instanceof BoundedJsonError &&
      e.bound === 'syntax' &&
      /^tokenizer_config\.json: not valid JSON \(/.test(e.message),
  );
});
