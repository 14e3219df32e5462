import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { memorySource } from '../io/byte-source.ts';
import { looksLikePaddleProgram, readPaddleProgram } from '../formats/paddle.ts';
import { looksLikeOnnx } from '../formats/onnx.ts';
import { scanPaddleParams, scanPaddleProgram } from './scan-paddle.ts';
import { looksLikePaddleParams, readPaddleParams } from '../formats/paddle-params.ts';
import { leafScanContext } from './fake-scan-context.ts';
import { bytes, num, str } from '../formats/proto-write.test-helper.ts';

// ProgramDesc messages (paddle/fluid/framework/framework.proto field numbers), with the shared test writer.
const field = (no: number, value: number | number[] | string): number[] =>
  typeof value === 'number' ? num(no, value) : typeof value === 'string' ? str(no, value) : bytes(no, value);
const stringAttr = (name: string, value: string) => field(4, [...field(1, name), ...field(2, 2), ...field(5, value)]);
const op = (type: string, ...attrs: number[][]) =>
  field(4, [...field(1, [...field(1, 'X'), ...field(2, 'x')]), ...field(3, type), ...attrs.flat()]);
const vars = field(3, [...field(1, 'x'), ...field(2, field(1, 7))]);
const program = (...ops: number[][]) =>
  new Uint8Array([...field(1, [...field(1, 0), ...field(2, -1), ...vars, ...ops.flat()]), ...field(4, field(1, 0))]);

const ctx = leafScanContext();
const scan = (b: Uint8Array) => scanPaddleProgram(memorySource('model.pdmodel', b), ctx);
const inference = () => program(op('feed'), op('matmul_v2'), op('elementwise_add'), op('relu'), op('fetch'));

test('an inference program is benign with an inventory', async () => {
  const out = await scan(inference());
  assert.equal(out.format, 'paddle-program');
  assert.equal(out.verdict, 'benign', out.reason);
  assert.deepEqual(out.findings[0]?.evidence?.types, ['feed', 'matmul_v2', 'elementwise_add', 'relu', 'fetch']);
});

test('file, Python and network operators are malicious', async () => {
  for (const [type, attr] of [
    ['save_combine', stringAttr('file_path', '/home/u/.bashrc')],
    ['load', stringAttr('file_path', '/etc/shadow')],
    ['save', stringAttr('file_path', 'x')],
    ['load_combine', stringAttr('file_path', 'x')],
    ['py_func', []],
    ['listen_and_serv', stringAttr('endpoint', '0.0.0.0:6174')],
    ['send', []],
  ] as const) {
    const out = await scan(program(op('feed'), op(type, [...attr]), op('fetch')));
    assert.equal(out.verdict, 'malicious', type);
  }
  const save = await scan(program(op('save_combine', stringAttr('file_path', '/home/u/.bashrc'))));
  assert.match(save.reason ?? '', /save_combine\('\/home\/u\/\.bashrc'\)/);
});

test('operators outside the known library are unverified', async () => {
  const out = await scan(program(op('feed'), op('my_custom_relu'), op('fetch')));
  assert.equal(out.verdict, 'unverified');
  assert.match(out.reason ?? '', /my_custom_relu/);
  assert.equal((await scan(program(op('fused_multi_transformer'), op('reduce_mean')))).verdict, 'benign');
});

test('broken programs are invalid, oversized ones unverified', async () => {
  const ok = inference();
  assert.equal((await scan(ok.subarray(0, ok.byteLength - 20))).verdict, 'invalid');
  assert.equal((await scan(new Uint8Array([...ok, ...field(9, 1)]))).verdict, 'invalid', 'not a ProgramDesc field');
  assert.equal((await scan(program(field(4, field(1, [...field(1, 'X')]))))).verdict, 'invalid', 'op without type');
  const many = program(...Array.from({ length: 5 }, () => op('relu')));
  await assert.rejects(
    readPaddleProgram(memorySource('m', many), { maxBlocks: 1, maxVars: 10, maxOps: 3, maxAttrs: 1 }),
  );
});

test('the sniffer takes a ProgramDesc and not ONNX or TensorFlow protobufs', async () => {
  const ok = inference();
  assert.ok(looksLikePaddleProgram(ok.subarray(0, 4096), ok.byteLength));
  assert.ok(!looksLikeOnnx(ok.subarray(0, 16)));
  const onnx = new Uint8Array(await readFile('public/demo/tiny-sentiment/onnx/model.onnx'));
  assert.ok(!looksLikePaddleProgram(onnx.subarray(0, 4096), onnx.byteLength));
  // GraphDef{node=1: NodeDef{name=1, op=2}}
  const graphDef = new Uint8Array(field(1, [...field(1, 'x'), ...field(2, 'Placeholder')]));
  assert.ok(!looksLikePaddleProgram(graphDef, graphDef.byteLength));
  // a sub-block (idx 1, parent 0) first is not how Paddle writes a program
  const sub = new Uint8Array(field(1, [...field(1, 1), ...field(2, 0)]));
  assert.ok(!looksLikePaddleProgram(sub, sub.byteLength));
  const orphan = new Uint8Array(field(1, [...field(1, 0), ...field(2, 0), ...vars]));
  assert.ok(!looksLikePaddleProgram(orphan, orphan.byteLength), 'the main block has parent_idx -1');
});

// .pdiparams: u32 0, u64 lod levels, u32 0, i32 desc size, TensorDesc{data_type=1, dims=2}, data (lod_tensor.cc)
const tensor = (dataType: number, dims: number[], dataBytes: number, lod: number[][] = []) => {
  const desc = [...field(1, dataType), ...dims.flatMap((d) => field(2, d))];
  const u32 = (n: number) => [n & 0xff, (n >> 8) & 0xff, (n >> 16) & 0xff, (n >>> 24) & 0xff];
  const u64 = (n: number) => [...u32(n), 0, 0, 0, 0];
  const levels = lod.flatMap((l) => [...u64(l.length * 8), ...l.flatMap(u64)]);
  return [
    ...u32(0),
    ...u64(lod.length),
    ...levels,
    ...u32(0),
    ...u32(desc.length),
    ...desc,
    ...new Array<number>(dataBytes).fill(7),
  ];
};
const params = (...tensors: number[][]) => new Uint8Array(tensors.flat());
const scanParams = (b: Uint8Array) => scanPaddleParams(memorySource('model.pdiparams', b), ctx);

test('a combined parameter stream read to its exact end is benign', async () => {
  const b = params(tensor(5, [4, 3], 48), tensor(22, [3], 6), tensor(3, [2], 16, [[0, 1, 2]]));
  assert.ok(await looksLikePaddleParams(b.subarray(0, 4096), memorySource('p', b)));
  const out = await scanParams(b);
  assert.equal(out.format, 'paddle-params');
  assert.equal(out.verdict, 'benign', out.reason);
  assert.match(out.findings[0]?.detail ?? '', /3 tensors, 70 bytes/);
});

test('a parameter stream cut short, with trailing bytes or an unknown data type is invalid', async () => {
  const ok = params(tensor(5, [4, 3], 48), tensor(5, [3], 12));
  assert.equal((await scanParams(ok.subarray(0, ok.byteLength - 1))).verdict, 'invalid');
  assert.equal((await scanParams(params([...ok, 1, 2, 3, 4]))).verdict, 'invalid');
  assert.equal((await scanParams(params(tensor(5, [4, 3], 48), tensor(99, [3], 12)))).verdict, 'invalid');
  assert.equal((await scanParams(params(tensor(5, [4, 3], 47)))).verdict, 'invalid', 'size from dims × type');
  const lods = Array.from({ length: 17 }, () => []);
  assert.equal((await scanParams(params(tensor(5, [1], 4, lods)))).verdict, 'invalid', 'at most 16 LoD levels');
});

test('the parameter sniffer wants a whole first tensor header and does not take zeros or other weights', async () => {
  const zeros = new Uint8Array(64);
  assert.ok(!(await looksLikePaddleParams(zeros, memorySource('z', zeros))));
  const floats = new Uint8Array(new Float32Array([0, 0.1, 0.2, 0.3, 0.4, 0.5]).buffer);
  assert.ok(!(await looksLikePaddleParams(floats, memorySource('f', floats))));
  const big = params(tensor(5, [1000, 1000], 16));
  assert.ok(!(await looksLikePaddleParams(big, memorySource('b', big))), 'data past the end of the file');
  await assert.rejects(
    readPaddleParams(memorySource('p', params(tensor(5, [1], 4), tensor(5, [1], 4))), { maxTensors: 1 }),
  );
});
