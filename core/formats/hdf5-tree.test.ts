import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { memorySource } from '../io/byte-source.ts';
import { walkHdf5 } from './hdf5-tree.ts';
import { FormatError, UnsupportedLayoutError } from './format-error.ts';

// Files written by keras 3.15 + h5py (scripts/gen_keras_fixtures.py), where h5py itself showed that the
// hostile ones read other files.
const dir = 'test/fixtures/formats/keras/';
const load = (name: string) => new Uint8Array(readFileSync(dir + name));
const walk = (bytes: Uint8Array) => walkHdf5(memorySource('f.h5', bytes));

test('files Keras writes are walked completely and point nowhere else', async () => {
  for (const name of ['sequential.weights.h5', 'sequential.h5', 'functional.h5', 'layer-zoo.h5']) {
    const out = await walk(load(name));
    assert.ok(out.objects > 5, name);
    assert.deepEqual(out.external, [], name);
  }
});

test('a two-level group B-tree and soft links: every object found, links inside the file skipped', async () => {
  const out = await walk(load('deep-btree.h5'));
  assert.equal(out.objects, 3); // the root, /weights and /weights/zzz, in the last leaf of a level-1 B-tree
  assert.deepEqual(out.external, []);
});

test('dense link storage is not followed: unsupported, never clean', async () => {
  await assert.rejects(walk(load('dense-links.h5')), UnsupportedLayoutError);
});

test('external links, external storage and virtual datasets are found where they are', async () => {
  assert.deepEqual((await walk(load('external-link.weights.h5'))).external, [
    { path: '/layers/dense/vars/0', kind: 'external link', target: 'other.h5:/kernel' },
  ]);
  const storage = (await walk(load('external-storage.weights.h5'))).external;
  assert.deepEqual(
    storage.map((e) => [e.path, e.kind]),
    [['/layers/dense/vars/0', 'external storage']],
  );
  const virtual = (await walk(load('virtual-dataset.h5'))).external;
  assert.deepEqual(
    virtual.map((e) => [e.path, e.kind]),
    [['/kernel', 'virtual dataset']],
  );
});

/** The first occurrence of an ASCII signature. */
function find(bytes: Uint8Array, sig: string, from = 0): number {
  const s = new TextEncoder().encode(sig);
  for (let i = from; i + s.length <= bytes.length; i++) if (s.every((b, j) => bytes[i + j] === b)) return i;
  return -1;
}

test('a broken B-tree, symbol node or local heap is a format error, never a crash', async () => {
  for (const sig of ['TREE', 'SNOD', 'HEAP']) {
    const bytes = load('sequential.weights.h5');
    const at = find(bytes, sig);
    assert.ok(at > 0, sig);
    bytes[at] = 0x58;
    await assert.rejects(walk(bytes), FormatError, sig);
  }
});

test('a user-defined link type is not followed: unsupported, never clean', async () => {
  const bytes = load('external-link.weights.h5');
  // Link message v1 with a link type byte: type 64 (external) becomes 65 (user-defined).
  const value = find(bytes, 'other.h5');
  let p = -1; // the link message: version 1, flags with "type present", type 64, … name, value
  for (let i = value; i > value - 64; i--)
    if (bytes[i] === 1 && (bytes[i + 1]! & 0x08) !== 0 && bytes[i + 2] === 64) p = i;
  assert.ok(p > 0);
  bytes[p + 2] = 65;
  await assert.rejects(walk(bytes), UnsupportedLayoutError);
});
