import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { allCodeObjects, readMarshalledCode, stringConstants } from './py-marshal.ts';
import { FormatError, UnsupportedLayoutError } from './format-error.ts';

// Vectors written by scripts/gen_py_marshal_vectors.py under each CPython: the expected names come from
// CPython's own code objects (co_names, co_consts), not from this reader.
const dir = new URL('./testdata/py-marshal/', import.meta.url);
interface Vector {
  key: string;
  code: string;
  co_names: string[][];
  str_consts: string[];
}
const files = readdirSync(dir).filter((f) => f.endsWith('.json'));
const b64 = (s: string) => new Uint8Array(Buffer.from(s, 'base64'));

for (const file of files) {
  const { python, vectors } = JSON.parse(readFileSync(new URL(file, dir), 'utf8')) as {
    python: string;
    vectors: Vector[];
  };
  const [major, minor] = python.split('.').map(Number);
  const supported = major === 3 && minor! >= 8 && minor! <= 13;
  test(`CPython ${python} lambdas: ${supported ? 'names and constants as CPython lists them' : 'unsupported layout'}`, () => {
    for (const v of vectors) {
      if (!supported) {
        assert.throws(() => readMarshalledCode(b64(v.code)), UnsupportedLayoutError, v.key);
        continue;
      }
      const { layout, code } = readMarshalledCode(b64(v.code));
      assert.equal(layout, minor! >= 11 ? '3.11-3.13' : '3.8-3.10', v.key);
      assert.deepEqual(
        allCodeObjects(code).map((c) => c.names),
        v.co_names,
        `${python} ${v.key}`,
      );
      for (const s of v.str_consts) assert.ok(stringConstants(code).includes(s), `${python} ${v.key}: '${s}'`);
    }
  });
}

test('not marshal, truncated and dangling references are refused', () => {
  const v = JSON.parse(readFileSync(new URL('cpython-3.11.json', dir), 'utf8')).vectors[0] as Vector;
  const good = b64(v.code);
  assert.throws(() => readMarshalledCode(new Uint8Array([0x7b, 0x30])), FormatError);
  assert.throws(() => readMarshalledCode(good.subarray(0, good.length - 5)), UnsupportedLayoutError);
  assert.throws(() => readMarshalledCode(new Uint8Array([0xe3, ...new Array(20).fill(0), 0x72, 9, 0, 0, 0])));
});

test('deep nesting and huge sizes are bounded, never a crash', () => {
  const nested = new Uint8Array(21 + 5 * 200);
  nested[0] = 0xe3;
  for (let i = 0; i < 200; i++) nested.set([0x28, 1, 0, 0, 0], 21 + 5 * i); // tuple of 1 in tuple of 1 …
  assert.throws(() => readMarshalledCode(nested), UnsupportedLayoutError);
  const huge = new Uint8Array([0xe3, ...new Array(20).fill(0), 0x73, 0xff, 0xff, 0xff, 0x7f]);
  assert.throws(() => readMarshalledCode(huge), UnsupportedLayoutError);
});
