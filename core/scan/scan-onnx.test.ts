import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { memorySource } from '../io/byte-source.ts';
import { looksLikeOnnx, readOnnxModel } from '../formats/onnx.ts';
import { externalLocationProblem, scanOnnx } from './scan-onnx.ts';
import { leafScanContext } from './fake-scan-context.ts';

const ctx = leafScanContext();

const V = 'core/formats/testdata/validators/onnx/';
const load = async (p: string) => new Uint8Array(await readFile(p));
const scan = (b: Uint8Array) => scanOnnx(memorySource('model.onnx', b), ctx);

test('demo model is benign with an inventory', async () => {
  const b = await load('public/demo/tiny-sentiment/onnx/model.onnx');
  assert.ok(looksLikeOnnx(b.subarray(0, 16)));
  const out = await scan(b);
  assert.equal(out.verdict, 'benign', out.reason);
  const inv = out.findings.find((f) => f.code === 'MG-SCAN-244');
  assert.equal(inv?.evidence?.initializerCount, 5);
  assert.deepEqual(inv?.evidence?.opsets, [{ domain: '', version: 14 }]);
  const m = await readOnnxModel(memorySource('m', b));
  assert.ok(m.nodeCount > 0 && m.inputs.length > 0 && m.outputs.length > 0);
});

const expectations: [string, string, string?][] = [
  ['benign.onnx', 'benign'],
  ['external-ok.onnx', 'benign'],
  ['external-traversal.onnx', 'malicious', "climbs out with '..'"],
  ['external-absolute.onnx', 'malicious', 'absolute path'],
  ['external-windows.onnx', 'malicious', 'drive letter'],
  ['sparse-external-traversal.onnx', 'malicious', 'sparse tensor'],
  ['custom-domain.onnx', 'suspicious', 'ai.onnx.contrib'],
];

for (const [file, verdict, detail] of expectations) {
  test(`generated ${file} is ${verdict}`, async () => {
    const out = await scan(await load(V + file));
    assert.equal(out.verdict, verdict, JSON.stringify(out.findings));
    if (detail) assert.ok(out.reason?.includes(detail), out.reason);
  });
}

test('external file listed in inventory', async () => {
  const out = await scan(await load(V + 'external-ok.onnx'));
  assert.deepEqual(out.findings.find((f) => f.code === 'MG-SCAN-244')?.evidence?.externalFiles, ['weights.bin']);
});

test('location rules', () => {
  for (const bad of [
    '/etc/passwd',
    '..\\..\\x',
    'a/../../b',
    'C:x',
    '\\\\server\\share',
    'file:///etc/passwd',
    'a\u0000b',
  ]) {
    assert.notEqual(externalLocationProblem(bad), null, bad);
  }
  for (const ok of ['weights.bin', 'sub/dir/w.bin', 'model.onnx_data', '..weights'])
    assert.equal(externalLocationProblem(ok), null, ok);
});

test('malformed protobuf is invalid', async () => {
  const demo = await load('public/demo/tiny-sentiment/onnx/model.onnx');
  const cases = [
    demo.subarray(0, demo.byteLength - 7), // truncated mid-field
    new Uint8Array([0x08, 0x07, 0x3a, 0xff, 0xff, 0xff, 0xff, 0x0f]), // graph length beyond the file
    new Uint8Array([0x08, 0x07, 0x0b]), // group wire type
    new Uint8Array([0x08, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]), // 11-byte varint
    new Uint8Array([0x08, 0x07]), // no graph
  ];
  for (const b of cases) {
    const out = await scan(b);
    assert.equal(out.verdict, 'invalid', JSON.stringify(out));
    assert.equal(out.findings[0]?.code, 'MG-SCAN-240');
  }
});
