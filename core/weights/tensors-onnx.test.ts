import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { fileSource } from '../io/byte-source-node.ts';
import { memorySource } from '../io/byte-source.ts';
import { readOnnxModel } from '../formats/onnx.ts';
import { diffModels } from './diff.ts';
import { listTensors, readElements } from './tensors.ts';

const demo = join(dirname(fileURLToPath(import.meta.url)), '../../public/demo/tiny-sentiment');

test('ONNX initializers of the demo model equal its safetensors weights, value for value', async () => {
  const onnx = await listTensors([await fileSource(join(demo, 'onnx/model.onnx'), 'onnx/model.onnx')]);
  const st = await listTensors([await fileSource(join(demo, 'model.safetensors'), 'model.safetensors')]);
  assert.equal(onnx.format, 'onnx');
  assert.deepEqual(onnx.notCompared, []);
  assert.equal(onnx.tensors.length, st.tensors.length);
  const diff = await diffModels(st, onnx);
  assert.deepEqual([diff.onlyInBase, diff.onlyInFinetune, diff.shapeMismatches], [[], [], []]);
  assert.equal(diff.tensors.length, st.tensors.length);
  for (const t of diff.tensors) {
    assert.equal(t.maxAbsChange, 0, t.name);
    assert.equal(t.relChange, 0, t.name);
  }
  const emb = onnx.tensors.find((t) => t.name === 'embeddings.weight')!;
  const embSt = st.tensors.find((t) => t.name === 'embeddings.weight')!;
  assert.deepEqual(emb.shape, [45, 16]);
  assert.deepEqual([...(await readElements(emb, 0, 16))], [...(await readElements(embSt, 0, 16))]);
});

test('the walker keeps its scanner results when asked for initializers too', async () => {
  const src = await fileSource(join(demo, 'onnx/model.onnx'), 'onnx/model.onnx');
  const plain = await readOnnxModel(src);
  const withInit = await readOnnxModel(src, { initializers: true });
  assert.equal(plain.initializers, undefined);
  const { initializers, ...rest } = withInit;
  assert.deepEqual(rest, plain);
  assert.equal(initializers?.length, plain.initializerCount);
});

// --- a hand-made ModelProto: ir_version, one graph with initializers (onnx.proto3 field numbers) ---

function varint(v: number): number[] {
  const out: number[] = [];
  while (v > 0x7f) {
    out.push((v & 0x7f) | 0x80);
    v = Math.floor(v / 128);
  }
  out.push(v);
  return out;
}
const tag = (no: number, wire: number): number[] => varint(no * 8 + wire);
const bytesField = (no: number, b: ArrayLike<number>): number[] => [
  ...tag(no, 2),
  ...varint(b.length),
  ...Array.from(b),
];
const strField = (no: number, s: string): number[] => bytesField(no, new TextEncoder().encode(s));
const intField = (no: number, v: number): number[] => [...tag(no, 0), ...varint(v)];

interface Init {
  name: string;
  dims: number[];
  type: number;
  raw?: Uint8Array;
  external?: Record<string, string>;
  floatData?: number[];
}

function onnxModel(inits: Init[]): Uint8Array {
  const graph: number[] = [];
  for (const i of inits) {
    const t: number[] = [];
    for (const d of i.dims) t.push(...intField(1, d));
    t.push(...intField(2, i.type), ...strField(8, i.name));
    if (i.raw) t.push(...bytesField(9, i.raw));
    if (i.floatData) t.push(...bytesField(4, new Uint8Array(new Float32Array(i.floatData).buffer)));
    if (i.external) {
      for (const [k, v] of Object.entries(i.external))
        t.push(...bytesField(13, [...strField(1, k), ...strField(2, v)]));
      t.push(...intField(14, 1));
    }
    graph.push(...bytesField(5, t));
  }
  return new Uint8Array([...intField(1, 8), ...bytesField(7, graph)]);
}

const f32 = (v: number[]): Uint8Array => new Uint8Array(new Float32Array(v).buffer);

test('ONNX external data resolves next to the .onnx file, by offset and length; escapes are refused', async () => {
  const data = new Uint8Array([...f32([9, 9]), ...f32([1, 2, 3, 4, 5, 6])]);
  const model = onnxModel([
    { name: 'ext', dims: [2, 3], type: 1, external: { location: 'weights.bin', offset: '8', length: '24' } },
    { name: 'inline', dims: [2], type: 1, raw: f32([7, 8]) },
    { name: 'half', dims: [1], type: 10, raw: new Uint8Array([0x00, 0x3c]) },
    { name: 'escape', dims: [1], type: 1, external: { location: '../secret.bin' } },
    { name: 'absolute', dims: [1], type: 1, external: { location: '/etc/passwd' } },
    { name: 'missing', dims: [1], type: 1, external: { location: 'nope.bin' } },
    { name: 'short', dims: [4], type: 1, external: { location: 'weights.bin', length: '8' } },
    { name: 'ints', dims: [2], type: 7, raw: new Uint8Array(16) },
    { name: 'typed', dims: [2], type: 1, floatData: [1, 2] },
  ]);
  const listing = await listTensors([
    memorySource('onnx/model.onnx', model),
    memorySource('onnx/weights.bin', data),
    memorySource('secret.bin', f32([0])),
  ]);
  assert.equal(listing.format, 'onnx');
  assert.deepEqual(
    listing.tensors.map((t) => [t.name, t.dtype, t.shape, t.file.name]),
    [
      ['ext', 'F32', [2, 3], 'onnx/weights.bin'],
      ['inline', 'F32', [2], 'onnx/model.onnx'],
      ['half', 'F16', [1], 'onnx/model.onnx'],
    ],
  );
  assert.deepEqual([...(await readElements(listing.tensors[0]!, 0, 6))], [1, 2, 3, 4, 5, 6]);
  assert.deepEqual([...(await readElements(listing.tensors[1]!, 0, 2))], [7, 8]);
  assert.deepEqual([...(await readElements(listing.tensors[2]!, 0, 1))], [1]);
  const reasons = Object.fromEntries(listing.notCompared.map((n) => [n.name, n.reason]));
  assert.deepEqual(Object.keys(reasons), ['escape', 'absolute', 'missing', 'short', 'ints', 'typed']);
  assert.match(reasons['escape']!, /leaves the model folder/);
  assert.match(reasons['absolute']!, /leaves the model folder/);
  assert.match(reasons['missing']!, /not in the folder/);
  assert.match(reasons['short']!, /length 8/);
  assert.match(reasons['ints']!, /INT64/);
  assert.match(reasons['typed']!, /float_data/);
});

test('safetensors still win over an ONNX export in the same folder', async () => {
  const listing = await listTensors([
    await fileSource(join(demo, 'onnx/model.onnx'), 'onnx/model.onnx'),
    await fileSource(join(demo, 'model.safetensors'), 'model.safetensors'),
  ]);
  assert.equal(listing.format, 'safetensors');
});
