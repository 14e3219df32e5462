import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { memorySource } from '../io/byte-source.ts';
import { isExecutorch, readExecutorch, type ExecutorchProgram } from '../formats/executorch.ts';
import { worstVerdict } from './types.ts';
import { verdictOfFinding } from './finding-verdict.ts';
import { executorchFindings, scanExecutorch } from './scan-executorch.ts';
import { leafScanContext } from './fake-scan-context.ts';

const DIR = 'test/fixtures/formats/device-runtime/executorch/';
const load = async (name: string) => new Uint8Array(await readFile(DIR + name));
const scan = async (name: string) => scanExecutorch(memorySource(name, await load(name)), leafScanContext());

function program(over: Partial<ExecutorchProgram>): ExecutorchProgram {
  return {
    identifier: 'ET12', version: 0, plans: ['forward'], operators: [{ name: 'aten::add', overload: 'out' }],
    delegates: [], instructions: 1, segments: 1, constantOffsets: 2, ...over,
  }; // prettier-ignore
}
const verdictOf = (p: ExecutorchProgram) => worstVerdict(executorchFindings(p).map(verdictOfFinding));

test('a program of core ATen kernels is benign, with its operators listed', async () => {
  const out = await scan('add.pte');
  assert.equal(out.verdict, 'benign', out.reason);
  const p = await readExecutorch(memorySource('add.pte', await load('add.pte')));
  assert.deepEqual(p.operators, [{ name: 'aten::add', overload: 'out' }]);
  assert.equal(p.segments, 1);
  assert.equal(p.constantOffsets, 2);
});

test('operators outside the core namespaces need the app’s kernels: could not verify', async () => {
  assert.equal((await scan('custom-op.pte')).verdict, 'unverified');
  assert.equal(verdictOf(program({ operators: [{ name: 'executorch_prim::add', overload: 'Scalar' }] })), 'benign');
  assert.equal(verdictOf(program({ operators: [{ name: 'dim_order_ops::_to_dim_order_copy', overload: 'out' }] })), 'benign');
  assert.equal(verdictOf(program({ operators: [{ name: 'llama::sdpa_with_kv_cache', overload: 'out' }] })), 'unverified');
  assert.equal(verdictOf(program({ operators: [{ name: 'aten_like', overload: '' }] })), 'unverified');
}); // prettier-ignore

test('every delegate blob is unverified, whatever the backend', async () => {
  const out = await scan('xnnpack-delegate.pte');
  assert.equal(out.verdict, 'unverified');
  assert.ok(out.findings.some((f) => f.code === 'MG-SCAN-362' && f.evidence?.backend === 'XnnpackBackend'));
  const d = { id: 'CoreMLBackend', location: 'segment' as const, index: 0, bytes: 10 };
  assert.equal(verdictOf(program({ delegates: [d] })), 'unverified');
});

test('a program past the reader’s caps is unverified', () => {
  assert.equal(verdictOf(program({ truncated: 'more than 1000000 instructions' })), 'unverified');
});

test('bounds: segments past the file, bad operator index, truncated header are invalid', async () => {
  for (const name of ['bad-segment.pte', 'bad-op-index.pte', 'truncated.pte']) {
    const out = await scan(name);
    assert.equal(out.verdict, 'invalid', name);
    assert.equal(out.findings[0]?.code, 'MG-SCAN-360', name);
  }
});

test('an identifier other than ET12 is recognised but not followed', async () => {
  const b = await load('other-schema.pte');
  assert.ok(isExecutorch(b.subarray(0, 64), b.byteLength));
  const out = await scan('other-schema.pte');
  assert.equal(out.verdict, 'unverified');
  assert.deepEqual(
    out.findings.map((f) => f.code),
    ['MG-SCAN-364'],
  );
});

test('the sniffer wants ET and two digits at bytes 4–7', async () => {
  const b = (await load('add.pte')).slice(0, 64);
  assert.ok(isExecutorch(b, 400));
  b[6] = 0x41;
  assert.ok(!isExecutorch(b, 400));
});

test('more distinct operators than the reader lists is unverified, not silently cut', async () => {
  const out = await scan('many-operators.pte');
  assert.equal(out.verdict, 'unverified');
  assert.ok(out.findings.some((f) => f.code === 'MG-SCAN-365'));
});
