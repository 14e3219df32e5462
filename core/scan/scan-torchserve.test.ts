import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { memorySource } from '../io/byte-source.ts';
import { fileSource } from '../io/byte-source-node.ts';
import { scanTorchServeManifest } from './scan-torchserve.ts';
import { scanFile } from './scan-file.ts';
import { leafScanContext } from './fake-scan-context.ts';

const fixtures = fileURLToPath(new URL('../../test/fixtures/formats/packages/torchserve/', import.meta.url));
const scanFixture = async (name: string) => scanFile(await fileSource(fixtures + name, name));
const manifest = (model: object) =>
  JSON.stringify({
    runtime: 'python',
    model: { modelName: 'm', serializedFile: 'm.pt', ...model },
    archiverVersion: '0.9.0',
  });
const scan = (text: string) =>
  scanTorchServeManifest(memorySource('MANIFEST.json', new TextEncoder().encode(text)), leafScanContext());
const codes = async (text: string) => (await scan(text)).findings.map((f) => f.code);

test('a built-in handler is benign', async () => {
  assert.deepEqual(await codes(manifest({ handler: 'image_classifier' })), ['MG-SCAN-499']);
  assert.deepEqual(await codes(manifest({ handler: 'ts.torch_handler.text_classifier' })), ['MG-SCAN-499']);
  assert.equal((await scan(manifest({ handler: 'object_detector' }))).verdict, 'benign');
});

test('a custom handler, a model file and requirements each run code: suspicious', async () => {
  assert.deepEqual(await codes(manifest({ handler: 'handler.py' })), ['MG-SCAN-498']);
  assert.deepEqual(await codes(manifest({ handler: 'image_classifier', modelFile: 'model.py' })), [
    'MG-SCAN-499',
    'MG-SCAN-498',
  ]);
  assert.deepEqual(await codes(manifest({ handler: 'image_classifier', requirementsFile: 'r.txt' })), [
    'MG-SCAN-499',
    'MG-SCAN-498',
  ]);
  assert.equal((await scan(manifest({ handler: 'handler.py' }))).verdict, 'suspicious');
});

test('a manifest without a handler, with a repeated key or not JSON is invalid', async () => {
  assert.deepEqual(await codes(manifest({})), ['MG-SCAN-497']);
  assert.deepEqual(await codes('{"model": {"handler": "a"}, "model": {"handler": "b"}, "archiverVersion": "1"}'), [
    'MG-SCAN-497',
  ]);
  assert.deepEqual(await codes('{"model": {"handler": "a"'), ['MG-SCAN-497']);
});

test('in a .mar, the Python members are shown with their first lines and the archive is never benign', async () => {
  const outcome = await scanFixture('custom-handler.mar');
  assert.equal(outcome.format, 'torchserve-mar');
  assert.equal(outcome.verdict, 'suspicious');
  const sources = outcome.findings.filter((f) => f.code === 'MG-SCAN-500');
  assert.deepEqual(sources.map((f) => f.member).sort(), ['mnist.py', 'mnist_handler.py']);
  assert.equal((sources[0]?.evidence?.firstLines as string[])[0], 'import torch.nn as nn');
});

test('a .mar whose handler starts a process is malicious', async () => {
  const outcome = await scanFixture('popen-handler.mar');
  assert.equal(outcome.verdict, 'malicious');
  assert.ok(outcome.findings.some((f) => f.code === 'MG-SCAN-501' && f.member === 'handler.py'));
});

test('the manifest inside a .mar is read once, by the archive hook', async () => {
  const outcome = await scanFixture('custom-handler.mar');
  const handler = outcome.findings.filter((f) => f.code === 'MG-SCAN-498' && /handler/.test(f.detail));
  assert.equal(handler.length, 1);
  assert.equal((await scanFixture('truncated-manifest.mar')).verdict, 'invalid');
  assert.equal((await scanFixture('builtin-handler.mar')).verdict, 'benign');
});
