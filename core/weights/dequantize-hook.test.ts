import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { memorySource } from '../io/byte-source.ts';
import { dequantize, dequantizeWithGrid } from '../formats/ggml-dequant.ts';
import type { Dequantize } from './dequantize-hook.ts';
import { diffTensor } from './diff.ts';
import { listTensors, readElements, readWithGrid, type WeightTensor } from './tensors.ts';

/**
 * The host's decoder (the WGSL one on WebGPU) reaches every read of a quantized tensor: plain reads ask it
 * for values only, grid reads for the grid too, and a permuted Q/K tensor's grid is reordered with its values.
 */

const DIR = new URL('../../test/fixtures/gguf-quant/', import.meta.url);
const load = (path: string, name: string) => memorySource(name, new Uint8Array(readFileSync(new URL(path, DIR))));

async function tensor(file: string, name: string): Promise<WeightTensor> {
  const { tensors } = await listTensors([load(file, file)]);
  return tensors.find((t) => t.name === name)!;
}

/** A hook that decodes on the CPU and records the `withGrid` of each call. */
function recordingHook(): { hook: Dequantize; asked: boolean[] } {
  const asked: boolean[] = [];
  const hook: Dequantize = async (typeName, blocks, elements, withGrid) => {
    asked.push(withGrid);
    if (!withGrid) return { values: dequantize(typeName, blocks, elements) };
    const { values, step, edge } = dequantizeWithGrid(typeName, blocks, elements);
    return { values, grid: { step, edge } };
  };
  return { hook, asked };
}

const Q_PROJ = 'model.layers.0.self_attn.q_proj.weight';

test('readWithGrid asks the hook for the grid and readElements does not', async () => {
  const q = await tensor('base-Q4_K.gguf', Q_PROJ);
  assert.ok(q.headDim && q.blocks, 'q_proj is a permuted quantized tensor');
  const { hook, asked } = recordingHook();
  const withHook = await readWithGrid(q, 300, 5000, hook);
  assert.deepEqual(asked, [true]);
  assert.deepEqual(withHook, await readWithGrid(q, 300, 5000));
  assert.deepEqual(await readElements(q, 300, 5000, hook), withHook.values);
  assert.deepEqual(asked, [true, false]);
});

test("a permuted tensor's grid is reordered with its values", async () => {
  const q = await tensor('base-Q4_K.gguf', Q_PROJ);
  // Each stored element i decodes to value i, step i and edge i mod 3 − 1: after the reorder they must still agree.
  const hook: Dequantize = async (_type, _blocks, elements, withGrid) => {
    const values = Float32Array.from({ length: elements }, (_, i) => i);
    const edge = Int8Array.from(values, (v) => (v % 3) - 1);
    return withGrid ? { values, grid: { step: values.slice(), edge } } : { values };
  };
  const from = 3 * 256 + 17;
  const { values, grid } = await readWithGrid(q, from, 20_000, hook);
  assert.ok(grid);
  const width = q.shape[1]!;
  const start = Math.floor(from / (q.headDim! * width)) * q.headDim! * width;
  assert.ok(
    values.some((v, k) => v !== from - start + k),
    'the rows were reordered',
  );
  values.forEach((v, k) => {
    assert.equal(grid.step[k], v, `step of element ${from + k}`);
    assert.equal(grid.edge[k], (v % 3) - 1, `edge of element ${from + k}`);
  });
});

test('a hook that drops the grid or elements fails the read instead of skipping the check', async () => {
  const q = await tensor('base-Q4_K.gguf', Q_PROJ);
  const noGrid: Dequantize = async (typeName, blocks, elements) => ({ values: dequantize(typeName, blocks, elements) });
  await assert.rejects(readWithGrid(q, 0, 512, noGrid), /the decoder returned/);
  const short: Dequantize = async (typeName, blocks, elements) => ({
    values: dequantize(typeName, blocks, elements).subarray(1),
  });
  await assert.rejects(readElements(q, 0, 512, short), /the decoder returned/);
});

test("the diff reads the quantized side's grid through the hook", async () => {
  const base = await listTensors([load('base/model.safetensors', 'model.safetensors')]);
  const baseQ = base.tensors.find((t) => t.name === Q_PROJ)!;
  const { hook, asked } = recordingHook();
  const diff = await diffTensor(baseQ, await tensor('finetune-Q4_K.gguf', Q_PROJ), { dequantize: hook });
  assert.ok(asked.length > 0 && asked.every((withGrid) => withGrid));
  assert.equal(diff.quantization?.type, 'Q4_K');
  assert.ok(diff.quantization!.offGrid > 0, 'the fine-tune moved q_proj off the base grid');
});
