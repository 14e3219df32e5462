import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { memorySource } from '../io/byte-source.ts';
import { looksLikeSafetensors, readSafetensorsHeader } from '../formats/safetensors.ts';
import { scanSafetensors } from './scan-safetensors.ts';
import { leafScanContext } from './fake-scan-context.ts';

const ctx = leafScanContext();

function st(header: string, dataBytes: number, lengthOverride?: bigint): Uint8Array {
  const h = new TextEncoder().encode(header);
  const out = new Uint8Array(8 + h.byteLength + dataBytes);
  new DataView(out.buffer).setBigUint64(0, lengthOverride ?? BigInt(h.byteLength), true);
  out.set(h, 8);
  return out;
}

const scan = (bytes: Uint8Array) => scanSafetensors(memorySource('m.safetensors', bytes), ctx);
const W = '"w":{"dtype":"F32","shape":[2,2],"data_offsets":[0,16]}';

test('valid file is benign and the reader lists tensors', async () => {
  const bytes = st(`{"__metadata__":{"format":"pt"},${W},"b":{"dtype":"BF16","shape":[3],"data_offsets":[16,22]}}`, 22);
  assert.equal((await scan(bytes)).verdict, 'benign');
  const h = await readSafetensorsHeader(memorySource('m', bytes));
  assert.deepEqual(
    h.tensors.map((t) => [t.name, t.dtype, t.shape, t.dataOffsets]),
    [
      ['w', 'F32', [2, 2], [0, 16]],
      ['b', 'BF16', [3], [16, 22]],
    ],
  );
  assert.ok(looksLikeSafetensors(bytes.subarray(0, 16), bytes.byteLength));
});

test('demo model is benign', async () => {
  const bytes = new Uint8Array(await readFile('public/demo/tiny-sentiment/model.safetensors'));
  const out = await scan(bytes);
  assert.equal(out.verdict, 'benign', out.reason);
});

const cases: [string, Uint8Array, string, RegExp][] = [
  [
    'size mismatch',
    st('{"w":{"dtype":"F32","shape":[2,2],"data_offsets":[0,12]}}', 12),
    'MG-SCAN-204',
    /spans 12 bytes but F32 \[2,2\] needs 16/,
  ],
  ['unknown dtype', st('{"w":{"dtype":"F128","shape":[1],"data_offsets":[0,16]}}', 16), 'MG-SCAN-203', /F128/],
  ['duplicate key', st(`{${W},${W}}`, 16), 'MG-SCAN-202', /repeats key 'w'/],
  ['trailing bytes (polyglot)', st(`{${W}}`, 20), 'MG-SCAN-206', /4 trailing bytes/],
  ['hole', st('{"w":{"dtype":"U8","shape":[4],"data_offsets":[4,8]}}', 8), 'MG-SCAN-205', /hole/],
  [
    'overlap',
    st('{"a":{"dtype":"U8","shape":[8],"data_offsets":[0,8]},"b":{"dtype":"U8","shape":[4],"data_offsets":[4,8]}}', 8),
    'MG-SCAN-205',
    /overlapping/,
  ],
  ['out of bounds', st('{"w":{"dtype":"U8","shape":[8],"data_offsets":[0,8]}}', 4), 'MG-SCAN-205', /past the 4-byte/],
  ['metadata not str->str', st('{"__metadata__":{"n":1}}', 0), 'MG-SCAN-207', /'n'/],
  ['header too large', st('{}', 0, 200_000_000n), 'MG-SCAN-201', /100 MB/],
  ['not an object', st('[1]', 0), 'MG-SCAN-200', /'\{'/],
  ['broken JSON', st('{"w":', 0), 'MG-SCAN-200', /character/],
  ['header past end', st('{}', 0, 50n), 'MG-SCAN-200', /past the end/],
  ['negative offset', st('{"w":{"dtype":"U8","shape":[1],"data_offsets":[-1,0]}}', 0), 'MG-SCAN-200', /non-negative/],
  [
    'F4 odd element count',
    st('{"w":{"dtype":"F4","shape":[3],"data_offsets":[0,2]}}', 2),
    'MG-SCAN-203',
    /whole bytes/,
  ],
];

for (const [name, bytes, code, detail] of cases) {
  test(`invalid: ${name}`, async () => {
    const out = await scan(bytes);
    assert.equal(out.verdict, 'invalid');
    assert.ok(
      out.findings.some((f) => f.code === code && detail.test(f.detail)),
      JSON.stringify(out.findings),
    );
    assert.match(out.reason ?? '', /^safetensors /);
  });
}

test('sub-byte and new dtypes size correctly', async () => {
  const bytes = st(
    '{"a":{"dtype":"F4","shape":[4],"data_offsets":[0,2]},"b":{"dtype":"F6_E2M3","shape":[4],"data_offsets":[2,5]},"c":{"dtype":"F8_E8M0","shape":[1],"data_offsets":[5,6]}}',
    6,
  );
  assert.equal((await scan(bytes)).verdict, 'benign');
});

test('__proto__ key is an ordinary tensor name', async () => {
  const bytes = st('{"__proto__":{"dtype":"U8","shape":[1],"data_offsets":[0,1]}}', 1);
  assert.equal((await scan(bytes)).verdict, 'benign');
});
