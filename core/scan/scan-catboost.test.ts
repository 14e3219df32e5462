import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { memorySource } from '../io/byte-source.ts';
import { isCatboost } from '../formats/catboost.ts';
import { scanCatboost } from './scan-catboost.ts';
import { leafScanContext } from './fake-scan-context.ts';

const MODEL = new Uint8Array(readFileSync('test/fixtures/formats/tree-models/catboost/model.cbm'));
const scan = (b: Uint8Array) => scanCatboost(memorySource('m.cbm', b), leafScanContext());

test('a sound CBM1 frame is recognised but never benign: its trees are not followed', async () => {
  assert.ok(isCatboost(MODEL));
  const out = await scan(MODEL);
  assert.deepEqual([out.verdict, out.findings[0]?.code], ['unverified', 'MG-SCAN-420']);
});

test('sniffer needs the CBM1 descriptor', () => {
  assert.ok(!isCatboost(new TextEncoder().encode('CBM2xxxxxxxxxxxx')));
  assert.ok(!isCatboost(new TextEncoder().encode('CBM1')));
});

test('a core larger than the file, or a root offset outside it, is invalid', async () => {
  const big = MODEL.slice();
  new DataView(big.buffer).setUint32(4, 1 << 20, true);
  assert.deepEqual(
    (await scan(big)).findings.map((f) => f.code),
    ['MG-SCAN-421'],
  );
  const root = MODEL.slice();
  new DataView(root.buffer).setUint32(8, 4096, true);
  assert.equal((await scan(root)).verdict, 'invalid');
  const vtable = MODEL.slice();
  const table = 8 + new DataView(vtable.buffer).getUint32(8, true);
  new DataView(vtable.buffer).setInt32(table, -100000, true);
  assert.equal((await scan(vtable)).verdict, 'invalid');
  assert.equal((await scan(MODEL.subarray(0, 10))).verdict, 'invalid');
});
