import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { memorySource } from '../io/byte-source.ts';
import { fakeContext } from './fake-scan-context.ts';
import { isTorch7, scanTorch7 } from './scan-torch7.ts';
import { LEGACY_CODES } from './legacy-format-codes.ts';

const fixture = (name: string) =>
  new Uint8Array(readFileSync(new URL(`../../test/fixtures/formats/legacy-and-oci/torch7/${name}`, import.meta.url)));

/** File.lua binary mode, written by hand: int32 tags and lengths, float64 numbers. */
class T7 {
  parts: number[] = [];
  int(v: number) {
    const b = new Uint8Array(4);
    new DataView(b.buffer).setInt32(0, v, true);
    this.parts.push(...b);
    return this;
  }
  chars(s: string) {
    this.parts.push(...new TextEncoder().encode(s));
    return this;
  }
  str(s: string) {
    return this.int(2).int(s.length).chars(s);
  }
  torch(index: number, cls: string) {
    return this.int(4).int(index).int(3).chars('V 1').int(cls.length).chars(cls);
  }
  bytes() {
    return new Uint8Array(this.parts);
  }
}

async function scan(bytes: Uint8Array) {
  return scanTorch7(memorySource('m.t7', bytes), fakeContext());
}

test('an nn module tree of tensors and tables is benign, in binary and ascii mode', async () => {
  for (const name of ['mlp-sequential.t7', 'mlp-sequential-ascii.t7', 'tensor-table.t7']) {
    const outcome = await scan(fixture(name));
    assert.equal(outcome.verdict, 'benign', `${name}: ${outcome.reason}`);
    assert.equal(outcome.format, 'torch7');
  }
});

test('a serialized function (RECUR_FUNCTION, legacy and plain FUNCTION tags) is malicious', async () => {
  for (const tag of [8, 7]) {
    const bytes = new T7()
      .int(3)
      .int(1)
      .int(1)
      .str('f')
      .int(tag)
      .int(2)
      .int(6)
      .chars('\x1bLuaQ\0')
      .int(3)
      .int(3)
      .int(0)
      .bytes();
    const outcome = await scan(bytes);
    assert.equal(outcome.verdict, 'malicious', `tag ${tag}`);
    assert.equal(outcome.findings[0]!.code, LEGACY_CODES.t7Function.code);
  }
  const plain = new T7().int(3).int(1).int(1).str('f').int(6).int(4).chars('x=1;').int(3).int(2).int(0).bytes();
  assert.equal((await scan(plain)).verdict, 'malicious');
  assert.equal((await scan(fixture('sequential-updateoutput-os-execute.t7'))).verdict, 'malicious');
});

test('a back-reference to a function is not a second function, and a function in a reference is found', async () => {
  const bytes = new T7().int(3).int(1).int(2);
  bytes.str('a').int(8).int(2).int(4).chars('x=1;').int(3).int(3).int(0);
  bytes.str('b').int(8).int(2); // the same function again, by index
  const outcome = await scan(bytes.bytes());
  assert.equal(outcome.findings.filter((f) => f.code === LEGACY_CODES.t7Function.code).length, 1);
});

test('Torch objects outside torch/nn are suspicious; torch and nn classes are not', async () => {
  const foreign = new T7().torch(1, 'evil.Loader').int(3).int(2).int(0).bytes();
  assert.equal((await scan(foreign)).verdict, 'suspicious');
  const nn = new T7().torch(1, 'nn.Identity').int(3).int(2).int(0).bytes();
  assert.equal((await scan(nn)).verdict, 'benign');
  const legacyName = new T7().int(4).int(1).int(11).chars('nn.Identity').int(3).int(2).int(0).bytes();
  assert.equal((await scan(legacyName)).verdict, 'benign', 'a pre-versioning class name is read as the class');
});

test('what was read before a malformed part still counts; after a foreign class, a parse failure is unverified', async () => {
  const fnThenBroken = new T7()
    .int(3)
    .int(1)
    .int(2)
    .str('f')
    .int(8)
    .int(2)
    .int(4)
    .chars('x=1;')
    .int(3)
    .int(3)
    .int(0)
    .int(99)
    .bytes();
  const outcome = await scan(fnThenBroken);
  assert.equal(outcome.verdict, 'malicious');
  assert.ok(outcome.findings.some((f) => f.code === LEGACY_CODES.t7Invalid.code));
  const foreignThenCustom = new T7().torch(1, 'evil.Loader').int(77).bytes();
  const custom = await scan(foreignThenCustom);
  assert.equal(custom.verdict, 'suspicious');
  assert.ok(
    custom.findings.some((f) => f.code === LEGACY_CODES.t7NotFollowed.code),
    'its own read method decides the layout',
  );
});

test('malformed streams are invalid; past the limits is unverified', async () => {
  assert.equal((await scan(fixture('unknown-tag.t7'))).verdict, 'invalid');
  assert.equal((await scan(fixture('truncated-storage.t7'))).verdict, 'invalid');
  const negative = new T7().int(3).int(1).int(-5).bytes();
  assert.equal((await scan(negative)).verdict, 'invalid');
  let deep = new T7();
  for (let i = 0; i < 300; i++)
    deep = deep
      .int(3)
      .int(i + 1)
      .int(1)
      .str('k');
  const outcome = await scan(deep.int(0).bytes());
  assert.equal(outcome.verdict, 'unverified', outcome.reason);
});

test('the sniffer takes Torch7 streams and leaves other content alone', async () => {
  for (const name of ['mlp-sequential.t7', 'mlp-sequential-ascii.t7', 'function-bytecode.t7', 'unknown-tag.t7']) {
    assert.equal(await isTorch7(fixture(name).subarray(0, 4096)), true, name);
  }
  const text = new TextEncoder().encode('3\n1\nhello world, these are just numbers\n');
  assert.equal(await isTorch7(text), false);
  assert.equal(await isTorch7(new T7().int(3).int(2).int(0).bytes()), false, 'index must be 1');
  assert.equal(await isTorch7(new Uint8Array(64)), false);
  const json = new TextEncoder().encode('{"nodes": [], "heads": []}');
  assert.equal(await isTorch7(json), false);
});
