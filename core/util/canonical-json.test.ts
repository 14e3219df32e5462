import assert from 'node:assert/strict';
import { test } from 'node:test';
import { canonicalJson } from './canonical-json.ts';
import { mulberry32 } from './mulberry32.ts';

/** The recursive definition canonicalJson had before it kept its own stack: its output must not change. */
function recursive(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(recursive).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${recursive(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

function randomValue(rand: () => number, depth: number): unknown {
  const r = rand();
  if (depth <= 0 || r < 0.3) {
    return [null, true, false, rand() * 1e6 - 5e5, 'a"b\\c\u2028', '', undefined, 0][Math.floor(rand() * 8)];
  }
  const n = Math.floor(rand() * 5);
  if (r < 0.6) return Array.from({ length: n }, () => randomValue(rand, depth - 1));
  const keys = ['b', 'a', 'é', 'A', '10', '9', '__proto__x', 'z"'];
  return Object.fromEntries(
    Array.from({ length: n }, () => [keys[Math.floor(rand() * keys.length)]!, randomValue(rand, depth - 1)]),
  );
}

test('the same text as the recursive definition, on random values (undefined, holes, shared objects)', () => {
  const rand = mulberry32(42);
  for (let i = 0; i < 2000; i++) {
    const v = randomValue(rand, 6);
    assert.equal(canonicalJson(v), recursive(v));
  }
  const shared = { x: [1, 2] };
  // A hole, as an array literal with a missing element makes one.
  const holed = [1, 2, 3];
  delete holed[1];
  const special = [shared, shared, holed, { a: undefined, b: () => 1 }];
  assert.equal(canonicalJson(special), recursive(special));
  // Keys sorted, otherwise exactly JSON.stringify.
  assert.equal(canonicalJson({ b: 1, a: [true, null, 's'] }), JSON.stringify({ a: [true, null, 's'], b: 1 }));
});

test('a value nested 200 000 levels deep is written without overflowing the stack', () => {
  let deep: unknown = 1;
  for (let i = 0; i < 200_000; i++) deep = i % 2 ? [deep] : { k: deep };
  assert.throws(() => recursive(deep), RangeError);
  const text = canonicalJson(deep);
  assert.equal(text.length, 100_000 * '{"k":}'.length + 100_000 * '[]'.length + 1);
  assert.ok(text.startsWith('[{"k":[{"k":'));
  assert.ok(text.endsWith('}]}]') && text.includes('[{"k":1}]'));
});

test('a cycle is refused, as JSON.stringify refuses it', () => {
  const a: unknown[] = [];
  a.push({ a });
  assert.throws(() => canonicalJson(a), TypeError);
});
