import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { memorySource } from '../io/byte-source.ts';
import type { Bundle, BundleEntry } from '../formats/tf-bundle.ts';
import { leafScanContext } from './fake-scan-context.ts';
import { checkBundle, describedShards, scanTfCheckpointIndex } from './scan-tf-checkpoint.ts';

const ctx = leafScanContext();
const T = 'test/fixtures/formats/tensorflow/';
const scan = async (path: string, name = path) =>
  scanTfCheckpointIndex(memorySource(name, new Uint8Array(await readFile(T + path))), ctx);

test('the index tf.saved_model.save wrote describes its one data shard with its exact size', async () => {
  const out = await scan('module/variables/variables.index', 'module/variables/variables.index');
  assert.equal(out.verdict, 'benign', out.reason);
  const size = (await readFile(T + 'module/variables/variables.data-00000-of-00001')).byteLength;
  assert.deepEqual(
    out.describes?.map((d) => [d.path, d.bytes]),
    [['variables.data-00000-of-00001', size]],
  );
});

test('the TF1 Saver index describes model.ckpt.data-00000-of-00001', async () => {
  const out = await scan('metagraph/model.ckpt.index');
  const size = (await readFile(T + 'metagraph/model.ckpt.data-00000-of-00001')).byteLength;
  assert.deepEqual(out.describes, [
    { path: 'model.ckpt.data-00000-of-00001', bytes: size, what: 'tensor data of 1 checkpoint tensors laid out by model.ckpt.index' },
  ]); // prettier-ignore
});

test('an index not named *.index describes nothing (the loader derives shard names from the prefix)', async () => {
  const out = await scan('bundle/handmade.index', 'bundle/handmade.idx');
  assert.equal(out.verdict, 'benign');
  assert.equal(out.describes, undefined);
});

test('overlapping tensors and a bad block checksum are invalid and describe nothing', async () => {
  for (const path of ['bundle/overlap.index', 'bundle/bad-block-crc.index']) {
    const out = await scan(path);
    assert.equal(out.verdict, 'invalid', path);
    assert.equal(out.describes, undefined, path);
  }
});

const entry = (over: Partial<BundleEntry>): BundleEntry => ({
  key: 'a', dtype: 1, shape: [2], shardId: 0, offset: 0, size: 8, sliced: false, at: 0, ...over,
}); // prettier-ignore
const bundle = (entries: BundleEntry[], numShards = 1): Bundle => ({ header: { numShards, endianness: 0 }, entries });
const verdictCodes = (b: Bundle) => checkBundle(b).findings.map((f) => f.code);

test('range rules', () => {
  assert.deepEqual(checkBundle(bundle([entry({}), entry({ key: 'b', offset: 8 })])).shardSizes, [16]);
  // size must be shape × element size
  assert.ok(verdictCodes(bundle([entry({ size: 12 })])).includes('MG-SCAN-320'));
  // shard must exist
  assert.ok(verdictCodes(bundle([entry({ shardId: 1 })])).includes('MG-SCAN-320'));
  // negative / huge offsets
  assert.ok(verdictCodes(bundle([entry({ offset: -1 })])).includes('MG-SCAN-320'));
  // overlap
  assert.ok(verdictCodes(bundle([entry({}), entry({ key: 'b', offset: 4 })])).includes('MG-SCAN-320'));
  // unknown dtype: unverified, no sizes
  const unknown = checkBundle(bundle([entry({ dtype: 99 })]));
  assert.ok(unknown.findings.some((f) => f.code === 'MG-SCAN-321'));
  assert.equal(unknown.shardSizes, null);
  // strings are sized by their own lengths
  assert.deepEqual(checkBundle(bundle([entry({ dtype: 7, size: 33 })])).shardSizes, [33]);
  // sliced entries have no bytes of their own
  assert.deepEqual(checkBundle(bundle([entry({ sliced: true, size: 0 })])).shardSizes, [0]);
  // shard count
  assert.ok(verdictCodes(bundle([], 0)).includes('MG-SCAN-318'));
});

test('gaps between tensors leave the index benign but vouch for no data file', () => {
  const r = checkBundle(bundle([entry({}), entry({ key: 'b', offset: 64 })]));
  assert.ok(r.findings.some((f) => f.code === 'MG-SCAN-324'));
  assert.equal(r.shardSizes, null);
});

test('shard file names follow tensor_bundle.cc DataFilename', () => {
  assert.deepEqual(
    describedShards('x/model.ckpt-7.index', [3, 0], 2).map((d) => d.path),
    ['model.ckpt-7.data-00000-of-00002', 'model.ckpt-7.data-00001-of-00002'],
  );
  assert.deepEqual(describedShards('x/variables', [3], 1), []);
});
