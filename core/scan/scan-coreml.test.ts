import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { memorySource } from '../io/byte-source.ts';
import { looksLikeCoreml, readCoreml, type CoremlModel } from '../formats/coreml.ts';
import { isMilBlob } from '../formats/mil-blob.ts';
import { looksLikeMlpackageManifest } from '../formats/mlpackage-manifest.ts';
import { worstVerdict } from './types.ts';
import { verdictOfFinding } from './finding-verdict.ts';
import { coremlFindings, scanCoreml, scanMilBlob, scanMlpackageManifest, weightFindings } from './scan-coreml.ts';
import { leafScanContext } from './fake-scan-context.ts';
import { scanFile } from './scan-file.ts';

const DIR = 'test/fixtures/formats/device-runtime/coreml/';
const PKG = `${DIR}Add.mlpackage/`;
const load = async (path: string) => new Uint8Array(await readFile(path));
const source = async (path: string) => memorySource(path.split('/').pop()!, await load(path));
const ctx = leafScanContext();

function model(over: Partial<CoremlModel>): CoremlModel {
  return {
    specificationVersion: 4, types: ['neuralNetwork'], customModels: [], customLayers: [], linkedModels: [],
    blobFiles: [], layers: 1, operations: 0, opTypes: [], ...over,
  }; // prettier-ignore
}
const verdictOf = (m: CoremlModel) => worstVerdict(coremlFindings(m).map(verdictOfFinding));

test('a plain neural network and an ML program with package weights are benign', async () => {
  assert.equal((await scanCoreml(await source(`${DIR}relu.mlmodel`), ctx)).verdict, 'benign');
  const m = await readCoreml(await source(`${PKG}Data/com.apple.CoreML/model.mlmodel`));
  assert.deepEqual(m.types, ['mlProgram']);
  assert.deepEqual(m.opTypes, ['const', 'add']);
  assert.deepEqual(m.blobFiles, ['@model_path/weights/weight.bin']);
  assert.equal(verdictOf(m), 'benign');
});

test('custom models, custom layers, linked models and opaque framework data are unverified', async () => {
  for (const name of ['custom-layer.mlmodel', 'custom-model.mlmodel', 'linked-model.mlmodel']) {
    assert.equal((await scanCoreml(await source(DIR + name), ctx)).verdict, 'unverified', name);
  }
  assert.equal(verdictOf(model({ customLayers: ['X'] })), 'unverified');
  assert.equal(verdictOf(model({ customModels: ['X'] })), 'unverified');
  assert.equal(verdictOf(model({ linkedModels: ['X.mlmodelc'] })), 'unverified');
  assert.equal(verdictOf(model({ types: ['serializedModel'] })), 'unverified');
  assert.equal(verdictOf(model({ types: ['treeEnsembleClassifier'] })), 'benign');
  assert.equal(verdictOf(model({ truncated: 'nesting deeper than 16 levels' })), 'unverified');
});

test('ML program weights outside the model are malicious; unanchored ones unverified', async () => {
  for (const name of ['weights-escape.mlmodel', 'weights-absolute.mlmodel']) {
    assert.equal((await scanCoreml(await source(DIR + name), ctx)).verdict, 'malicious', name);
  }
  assert.deepEqual(weightFindings('@model_path/weights/weight.bin'), []);
  assert.equal(weightFindings('@model_path/../x')[0]?.code, 'MG-SCAN-371');
  assert.equal(weightFindings('file:///etc/passwd')[0]?.code, 'MG-SCAN-371');
  assert.equal(weightFindings('weights/weight.bin')[0]?.code, 'MG-SCAN-379');
});

test('a truncated model is Core ML and invalid, not ONNX or a polyglot', async () => {
  const b = await load(`${DIR}truncated.mlmodel`);
  const out = await scanFile(memorySource('truncated.mlmodel', b));
  assert.equal(out.format, 'coreml');
  assert.equal(out.verdict, 'invalid');
});

test('the Core ML sniffer refuses ONNX models and other protobufs', async () => {
  const onnx = await load('public/demo/tiny-sentiment/onnx/model.onnx');
  assert.equal(await looksLikeCoreml(onnx.subarray(0, 4096), memorySource('m.onnx', onnx)), false);
  const savedModel = new Uint8Array([0x08, 0x01, 0x12, 0x02, 0x0a, 0x00]); // SavedModel: schema version 1, a meta graph
  assert.equal(await looksLikeCoreml(savedModel, memorySource('saved_model.pb', savedModel)), false);
  const relu = await load(`${DIR}relu.mlmodel`);
  assert.ok(await looksLikeCoreml(relu, memorySource('relu.mlmodel', relu)));
  const out = await scanFile(memorySource('relu.mlmodel', relu));
  assert.equal(out.format, 'coreml', 'one format, not a polyglot with ONNX');
});

test('MIL blob weights: recognised by header, bounds checked', async () => {
  const good = await load(`${PKG}Data/com.apple.CoreML/weights/weight.bin`);
  assert.ok(isMilBlob(good));
  const out = await scanMilBlob(memorySource('weight.bin', good), ctx);
  assert.equal(out.verdict, 'benign');
  // weight.bin has its own header, so it is recognised by content: the model does not vouch for it.
  const modelOut = await scanCoreml(await source(`${PKG}Data/com.apple.CoreML/model.mlmodel`), ctx);
  assert.equal(modelOut.describes, undefined);
  const bad = await load(`${DIR}weight-truncated.bin`);
  assert.equal((await scanMilBlob(memorySource('weight.bin', bad), ctx)).verdict, 'invalid');
  const noSentinel = good.slice();
  noSentinel[64] = 0;
  assert.ok(!isMilBlob(noSentinel));
  // A second blob whose metadata lacks the sentinel: the header says 2 blobs, the file has one.
  const twoBlobs = new Uint8Array([...good, ...new Uint8Array(128)]);
  twoBlobs[0] = 2;
  const second = await scanMilBlob(memorySource('weight.bin', twoBlobs), ctx);
  assert.equal(second.verdict, 'invalid');
  assert.match(second.reason ?? '', /no sentinel/);
});

test('mlpackage manifest: benign as written, escaping paths malicious, broken ones invalid', async () => {
  const good = await load(`${PKG}Manifest.json`);
  assert.ok(looksLikeMlpackageManifest(good));
  assert.equal((await scanMlpackageManifest(memorySource('Manifest.json', good), ctx)).verdict, 'benign');
  const evil = await load(`${DIR}escape-manifest/Manifest.json`);
  assert.equal((await scanMlpackageManifest(memorySource('Manifest.json', evil), ctx)).verdict, 'malicious');
  const text = new TextDecoder().decode(good).replace('"rootModelIdentifier": "5A3E', '"rootModelIdentifier": "XX3E');
  const broken = new TextEncoder().encode(text);
  assert.equal((await scanMlpackageManifest(memorySource('Manifest.json', broken), ctx)).verdict, 'invalid');
});

test('a manifest is sniffed by any one of its keys, also past a long first key', async () => {
  const padded = `{"description": "${'x'.repeat(8000)}", "rootModelIdentifier": "a"}`;
  const bytes = new TextEncoder().encode(padded);
  const out = await scanFile(memorySource('Manifest.json', bytes));
  assert.equal(out.format, 'mlpackage-manifest');
  assert.equal(out.verdict, 'invalid');
  assert.ok(!looksLikeMlpackageManifest(new TextEncoder().encode('{"fileFormat": 1}')));
});
