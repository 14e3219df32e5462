import { test } from 'node:test';
import assert from 'node:assert/strict';
import { memorySource } from '../io/byte-source.ts';
import { listTensors, readElements } from './tensors.ts';

/** A GGUF v3 file with no KVs and the given tensors (ggml dims order), data aligned to 32 bytes. */
function gguf(tensors: { name: string; dims: number[]; type: number; data: Uint8Array }[]): Uint8Array {
  const parts: number[] = [];
  const u32 = (v: number) => parts.push(...new Uint8Array(new Uint32Array([v]).buffer));
  const u64 = (v: number) => parts.push(...new Uint8Array(new BigUint64Array([BigInt(v)]).buffer));
  parts.push(...new TextEncoder().encode('GGUF'));
  u32(3);
  u64(tensors.length);
  u64(0);
  let offset = 0;
  for (const t of tensors) {
    const name = new TextEncoder().encode(t.name);
    u64(name.length);
    parts.push(...name);
    u32(t.dims.length);
    t.dims.forEach(u64);
    u32(t.type);
    u64(offset);
    offset += Math.ceil(t.data.length / 32) * 32;
  }
  while (parts.length % 32) parts.push(0);
  for (const t of tensors) {
    parts.push(...t.data);
    while (parts.length % 32) parts.push(0);
  }
  return new Uint8Array(parts);
}

test('GGUF: F32 tensors are read with their shape reversed, quantized ones by block, unread types listed', async () => {
  const f32 = new Uint8Array(new Float32Array([1, 2, 3, 4, 5, 6]).buffer);
  const q8 = new Uint8Array(34);
  q8.set([0x00, 0x3c]); // d = 1.0 (f16)
  q8.set([1, 2, 0xff], 2); // elements 0, 1, 2 = 1, 2, -1
  const bytes = gguf([
    { name: 'w', dims: [3, 2], type: 0, data: f32 },
    { name: 'q', dims: [32], type: 8, data: q8 },
    { name: 'iq', dims: [32], type: 20, data: new Uint8Array(18) },
  ]);
  const listing = await listTensors([memorySource('model.gguf', bytes)]);
  assert.deepEqual(
    listing.tensors.map((t) => [t.name, t.dtype, t.shape]),
    [
      ['w', 'F32', [2, 3]],
      ['q', 'Q8_0', [32]],
    ],
  );
  assert.deepEqual([...(await readElements(listing.tensors[0]!, 2, 3))], [3, 4, 5]);
  // Elements 1…2 of a 32-element block: the whole block is read and trimmed.
  assert.deepEqual([...(await readElements(listing.tensors[1]!, 1, 2))], [2, -1]);
  assert.match(listing.notCompared[0]!.reason, /unsupported quantization: GGUF type IQ4_NL/);
});

test('a shard index naming a missing shard is an error, not a silent partial compare', async () => {
  const index = JSON.stringify({ weight_map: { w: 'model-00001-of-00002.safetensors' } });
  await assert.rejects(
    listTensors([memorySource('model.safetensors.index.json', new TextEncoder().encode(index))]),
    /not in the folder/,
  );
});

/** A safetensors file of F32 tensors, each given by its values (1-D). */
function safetensors(tensors: Record<string, number[]>): Uint8Array {
  const header: Record<string, unknown> = {};
  let offset = 0;
  for (const [name, values] of Object.entries(tensors)) {
    header[name] = { dtype: 'F32', shape: [values.length], data_offsets: [offset, offset + values.length * 4] };
    offset += values.length * 4;
  }
  let json = JSON.stringify(header);
  while ((8 + json.length) % 8) json += ' ';
  const out = new Uint8Array(8 + json.length + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(new TextEncoder().encode(json), 8);
  out.set(new Uint8Array(new Float32Array(Object.values(tensors).flat()).buffer), 8 + json.length);
  return out;
}

const indexOf = (map: Record<string, string>) =>
  memorySource('model.safetensors.index.json', new TextEncoder().encode(JSON.stringify({ weight_map: map })));

test('model.safetensors beside an index is what from_pretrained loads: the index and its shards are not read', async () => {
  const listing = await listTensors([
    indexOf({ w: 'model-00001-of-00001.safetensors' }),
    memorySource('model-00001-of-00001.safetensors', safetensors({ w: [1, 2] })),
    memorySource('model.safetensors', safetensors({ w: [7, 8] })),
  ]);
  assert.deepEqual(
    listing.tensors.map((t) => [t.name, t.file.name]),
    [['w', 'model.safetensors']],
  );
  assert.deepEqual([...(await readElements(listing.tensors[0]!, 0, 2))], [7, 8]);
});

test('a shard index: every tensor of a named shard is loaded, and one stored in two shards is refused', async () => {
  const a = memorySource('model-00001-of-00002.safetensors', safetensors({ w: [1, 2], extra: [3] }));
  const b = memorySource('model-00002-of-00002.safetensors', safetensors({ v: [4] }));
  const listing = await listTensors([indexOf({ w: a.name, v: b.name }), a, b]);
  assert.deepEqual(listing.tensors.map((t) => t.name).sort(), ['extra', 'v', 'w']);

  const shadow = memorySource('model-00002-of-00002.safetensors', safetensors({ v: [4], w: [9, 9] }));
  await assert.rejects(
    listTensors([indexOf({ w: a.name, v: shadow.name }), a, shadow]),
    /tensor w is stored in both model-00001-of-00002\.safetensors and model-00002-of-00002\.safetensors/,
  );
});

test('GGUF: a tensor stored twice is refused, not compared through whichever copy comes last', async () => {
  const f32 = new Uint8Array(new Float32Array([1, 2]).buffer);
  const bytes = gguf([
    { name: 'w', dims: [2], type: 0, data: f32 },
    { name: 'w', dims: [2], type: 0, data: f32 },
  ]);
  await assert.rejects(listTensors([memorySource('model.gguf', bytes)]), /tensor w is stored twice/);
});
