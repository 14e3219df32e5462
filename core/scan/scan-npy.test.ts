import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { memorySource } from '../io/byte-source.ts';
import { readNpyHeader } from '../formats/npy.ts';
import { fakeContext } from './fake-scan-context.ts';
import { isNpy, scanNpy } from './scan-npy.ts';
import { isZip, scanZip } from './scan-zip.ts';
import { CONTAINER_CODES } from './container-codes.ts';
import type { ByteSource } from '../io/byte-source.ts';
import type { ScanContext } from './types.ts';

const raw = (name: string) => new Uint8Array(readFileSync(new URL(`../formats/testdata/${name}`, import.meta.url)));
const vector = (name: string) => memorySource(name, raw(name));

function npy(header: string, data: Uint8Array, version = 1): Uint8Array {
  const text = new TextEncoder().encode(header);
  const pre = version === 1 ? 10 : 12;
  const out = new Uint8Array(pre + text.length + data.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, version, 0]);
  const view = new DataView(out.buffer);
  if (version === 1) view.setUint16(8, text.length, true);
  else view.setUint32(8, text.length, true);
  out.set(text, pre);
  out.set(data, pre + text.length);
  return out;
}

test('real np.save array: header parsed, span matches, benign, no pickle scanned', async () => {
  const header = await readNpyHeader(vector('array.npy'));
  assert.deepEqual(header.shape, [3, 4]);
  assert.equal(header.itemsize, 4);
  const ctx = fakeContext();
  const outcome = await scanNpy(vector('array.npy'), ctx);
  assert.equal(outcome.verdict, 'benign');
  assert.equal(ctx.calls.length, 0);
});

test('technique 15: object array data goes to the pickle scanner', async () => {
  const ctx = fakeContext();
  const outcome = await scanNpy(vector('object.npy'), ctx);
  assert.equal(ctx.calls.length, 1);
  assert.equal(ctx.calls[0]!.kind, 'pickle');
  assert.equal(ctx.calls[0]!.bytes[0], 0x80);
  assert.ok(outcome.findings.some((f) => f.code === CONTAINER_CODES.npyObject.code));
  const evil = await scanNpy(
    vector('object.npy'),
    fakeContext({
      route: async () => ({ format: 'pickle', verdict: 'malicious', findings: [], reason: 'posix.system' }),
    }),
  );
  assert.equal(evil.verdict, 'malicious');
});

test('structured dtypes with an object field are pickles too; sub-array fields size correctly', async () => {
  const obj = npy(
    "{'descr': [('a', '<i4'), ('b', '|O')], 'fortran_order': False, 'shape': (1,), }",
    Uint8Array.from([0x80, 2, 0x4e, 0x2e]),
  );
  const ctx = fakeContext();
  await scanNpy(memorySource('s.npy', obj), ctx);
  assert.equal(ctx.calls[0]?.kind, 'pickle');
  const sub = npy(
    "{'descr': [('a', '<f4', (2, 3)), ('b', '|u1')], 'fortran_order': False, 'shape': (2,), }",
    new Uint8Array(50),
    2,
  );
  assert.equal((await scanNpy(memorySource('t.npy', sub), fakeContext())).verdict, 'benign');
});

test('shape × itemsize must equal the data span; bad headers are invalid', async () => {
  const cases = [
    npy("{'descr': '<f8', 'fortran_order': False, 'shape': (3,), }", new Uint8Array(16)),
    npy("{'descr': '<f8', 'fortran_order': False, 'shape': (99999999999, 99999999999), }", new Uint8Array(8)),
    npy("{'descr': '<f8', 'fortran_order': False, 'shape': (-1,), }", new Uint8Array(8)),
    npy("{'descr': '<q7', 'fortran_order': False, 'shape': (1,), }", new Uint8Array(8)),
    npy("{'descr': '<f8', 'fortran_order': __import__('os'), 'shape': (1,), }", new Uint8Array(8)),
    npy("{'descr': '<f8', 'shape': (1,), }", new Uint8Array(8)),
  ];
  for (const bytes of cases) {
    const outcome = await scanNpy(memorySource('bad.npy', bytes), fakeContext());
    assert.equal(outcome.verdict, 'invalid', new TextDecoder().decode(bytes.subarray(10, 80)));
  }
  assert.ok(isNpy(raw('array.npy')));
});

test('.npz: every .npy member reaches scan-npy at depth > 0 through the zip scanner', async () => {
  const route = async (source: ByteSource, ctx: ScanContext) => {
    const head = await source.read(0, 8);
    if (isZip(head)) return scanZip(source, ctx);
    if (isNpy(head)) return scanNpy(source, ctx);
    return undefined;
  };
  const ctx = fakeContext({ route });
  const plain = await scanZip(vector('arrays.npz'), ctx);
  assert.equal(plain.format, 'npz');
  assert.equal(plain.verdict, 'benign');
  const objCtx = fakeContext({ route });
  await scanZip(vector('object.npz'), objCtx);
  const pickle = objCtx.calls.find((c) => c.kind === 'pickle');
  assert.ok(pickle);
  assert.equal(pickle.depth, 2);
});
