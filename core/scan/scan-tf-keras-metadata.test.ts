import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { memorySource } from '../io/byte-source.ts';
import { build, msg, num, str } from '../formats/proto-write.test-helper.ts';
import { leafScanContext } from './fake-scan-context.ts';
import { scanTfKerasMetadata } from './scan-tf-keras-metadata.ts';

const ctx = leafScanContext();
const T = 'test/fixtures/formats/tensorflow/';
const scan = (b: Uint8Array) => scanTfKerasMetadata(memorySource('keras_metadata.pb', b), ctx);
const node = (id: number, metadata: string) =>
  msg(1, num(2, id), str(3, 'root.layer-0'), str(4, '_tf_keras_layer'), str(5, metadata));

test('keras_metadata.pb written by Keras 2: Dense is benign, a harmless Lambda’s bytecode is decoded and suspicious', async () => {
  const benign = await scan(new Uint8Array(await readFile(T + 'keras2/keras_metadata.pb')));
  assert.equal(benign.verdict, 'benign', benign.reason);
  const lambda = await scan(new Uint8Array(await readFile(T + 'keras2-lambda/keras_metadata.pb')));
  assert.equal(lambda.verdict, 'suspicious');
  assert.ok(
    lambda.findings.some((f) => f.code === 'MG-SCAN-331'),
    'the bytecode was read, not reported unreadable',
  );
});

test('a layer importing from a gadget module is malicious', async () => {
  const meta = '{"class_name": "Layer", "module": "os", "config": {}}';
  const out = await scan(build(node(1, meta)));
  assert.equal(out.verdict, 'malicious');
  assert.ok(out.findings.some((f) => f.code === 'MG-SCAN-263'));
});

test('broken or ambiguous metadata JSON is invalid', async () => {
  for (const meta of ['{"class_name": "Dense", "config": {', '{"class_name": "Dense", "class_name": "Lambda"}']) {
    const out = await scan(build(node(1, meta)));
    assert.equal(out.verdict, 'invalid', meta);
    assert.ok(out.findings.some((f) => f.code === 'MG-SCAN-315'));
  }
});

test('a SavedObject field with the wrong wire type is malformed', async () => {
  const out = await scan(build(msg(1, str(2, 'not a varint'))));
  assert.equal(out.verdict, 'invalid');
  assert.ok(out.findings.some((f) => f.code === 'MG-SCAN-300'));
});
