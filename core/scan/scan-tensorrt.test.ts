import { test } from 'node:test';
import assert from 'node:assert/strict';
import { memorySource } from '../io/byte-source.ts';
import { readTensorrtHead } from '../formats/tensorrt.ts';
import { scanTensorrt } from './scan-tensorrt.ts';
import { leafScanContext } from './fake-scan-context.ts';

const engine = (magic: string) => {
  const b = new Uint8Array(64);
  b.set(new TextEncoder().encode(magic));
  b[4] = 0x61;
  return b;
};

test('ftrt and ptrt heads are TensorRT engines; others and short heads are not', () => {
  assert.deepEqual(readTensorrtHead(engine('ftrt')), { signature: 'ftrt', layoutVersion: 0x61 });
  assert.equal(readTensorrtHead(engine('ptrt'))?.signature, 'ptrt');
  assert.equal(readTensorrtHead(engine('ftrx')), undefined);
  assert.equal(readTensorrtHead(engine('ftrt').subarray(0, 23)), undefined);
});

test('an engine is never benign: it is opaque, so could not verify', async () => {
  const out = await scanTensorrt(memorySource('model.plan', engine('ftrt')), leafScanContext());
  assert.equal(out.verdict, 'unverified');
  assert.equal(out.format, 'tensorrt');
  assert.deepEqual(
    out.findings.map((f) => f.code),
    ['MG-SCAN-359'],
  );
  assert.ok(out.reason);
});
