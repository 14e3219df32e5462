import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Decoder, ExtensionCodec } from '@msgpack/msgpack';
import { memorySource } from '../io/byte-source.ts';
import { readFlaxMsgpack } from './flax-msgpack.ts';

// Differential check against an msgpack decoder this project did not write (@msgpack/msgpack, with bounds):
// on the files flax itself wrote, both must see the same arrays with the same shapes and byte counts; on
// the malformed ones, both must refuse where Python's msgpack refuses.
const fixture = (name: string) =>
  new Uint8Array(readFileSync(new URL(`../../test/fixtures/formats/jax/${name}`, import.meta.url)));

interface Seen {
  shape: number[];
  dtype: string;
  bytes: number;
}

function referenceArrays(bytes: Uint8Array): Seen[] {
  const seen: Seen[] = [];
  const codec = new ExtensionCodec();
  const inner = new Decoder({ maxArrayLength: 64, maxStrLength: 64, maxBinLength: 1 << 30 });
  const array = (data: Uint8Array) => {
    const [shape, dtype, buffer] = inner.decode(data) as [number[], string, Uint8Array];
    seen.push({ shape, dtype, bytes: buffer.byteLength });
    return null;
  };
  codec.register({ type: 1, encode: () => null, decode: array });
  codec.register({ type: 3, encode: () => null, decode: array });
  codec.register({ type: 2, encode: () => null, decode: (data) => inner.decode(data) });
  const limits = { maxDepth: 64, maxStrLength: 1 << 20, maxArrayLength: 1 << 20, maxMapLength: 1 << 20 };
  new Decoder({ extensionCodec: codec, ...limits, maxBinLength: 1 << 30, maxExtLength: 1 << 30 }).decode(bytes);
  return seen;
}

for (const name of ['flax-mlp-params.msgpack', 'flax-leaf-kinds.msgpack', 'legacy/checkpoint_10']) {
  test(`${name}: the reader and @msgpack/msgpack agree on every array`, async () => {
    const bytes = fixture(name);
    const reference = referenceArrays(bytes);
    const tree = await readFlaxMsgpack(memorySource(name, bytes));
    assert.ok(reference.length > 0);
    assert.equal(tree.arrays, reference.length);
    assert.equal(
      tree.arrayBytes,
      reference.reduce((sum, a) => sum + a.bytes, 0),
    );
    assert.deepEqual(tree.issues, []);
  });
}

test('truncated.msgpack: both decoders refuse it', async () => {
  const bytes = fixture('truncated.msgpack');
  assert.throws(() => referenceArrays(bytes));
  await assert.rejects(readFlaxMsgpack(memorySource('truncated.msgpack', bytes)), /runs past the end|data ends/);
});
