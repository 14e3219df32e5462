import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FormatError } from '../formats/format-error.ts';
import { DEQUANTIZED_TYPES } from '../formats/ggml-dequant.ts';
import {
  WGSL_DEQUANT_TYPES,
  blockLayout,
  dequantChunks,
  dequantWgsl,
  maxChunkBytes,
  paddedByteLength,
  paddedUpload,
} from './wgsl-dequant.ts';

// The shaders themselves run in e2e/gguf-dequant-webgpu.spec.ts (WebGPU on SwiftShader), against the CPU
// decoder and gguf-py's values; here are the host-side rules around them.

test('every type the CPU decoder handles has a WGSL decoder, so the GPU diff decodes the same types', () => {
  assert.deepEqual([...WGSL_DEQUANT_TYPES].sort(), [...DEQUANTIZED_TYPES].sort());
});

test('each shader is built for its own block: block size and bytes from the GGUF type table', () => {
  assert.deepEqual(blockLayout('Q8_0'), { elements: 32, bytes: 34 });
  assert.deepEqual(blockLayout('Q6_K'), { elements: 256, bytes: 210 });
  assert.match(dequantWgsl('Q8_0'), /decode\(\(i \/ 32u\) \* 34u, i % 32u\)/);
  assert.match(dequantWgsl('Q6_K'), /decode\(\(i \/ 256u\) \* 210u, i % 256u\)/);
  assert.throws(() => blockLayout('Q4_2'), /no block layout/);
});

test('uploads are padded to whole u32 words with zeros; aligned bytes go as they are', () => {
  assert.equal(paddedByteLength(34), 36);
  assert.equal(paddedByteLength(36), 36);
  assert.equal(paddedByteLength(0), 0);
  const aligned = new Uint8Array(36).fill(7);
  assert.equal(paddedUpload(aligned), aligned);
  const odd = new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18]); // one Q4_0 block
  const padded = paddedUpload(odd);
  assert.equal(padded.length, 20);
  assert.deepEqual([...padded.subarray(0, 18)], [...odd]);
  assert.deepEqual([...padded.subarray(18)], [0, 0]);
});

test('chunks are whole blocks, at most the limit, contiguous, and cover every element and byte', () => {
  const blocks = 1000;
  const limit = 4096 + 100; // not a multiple of the block: the chunk rounds down to 16 whole Q6_K blocks
  const chunks = dequantChunks('Q6_K', blocks * 210, blocks * 256, limit);
  assert.equal(chunks.length, Math.ceil(blocks / 16));
  let elements = 0;
  let bytes = 0;
  for (const chunk of chunks) {
    assert.equal(chunk.elementOffset, elements);
    assert.equal(chunk.byteOffset, bytes);
    assert.ok(chunk.elements <= limit);
    assert.equal(chunk.elements % 256, 0);
    assert.equal(chunk.byteLength, (chunk.elements / 256) * 210);
    elements += chunk.elements;
    bytes += chunk.byteLength;
  }
  assert.equal(elements, blocks * 256);
  assert.equal(bytes, blocks * 210);
  assert.equal(chunks.at(-1)!.elements, (blocks % 16) * 256);
  assert.deepEqual(dequantChunks('Q8_0', 0, 0, limit), []);
});

test('blocks that are not exactly `elements` elements are refused with a FormatError, as on the CPU', () => {
  assert.throws(() => dequantChunks('Q8_0', 34, 31, 1 << 20), FormatError);
  // One and a half blocks in one and a half blocks' bytes: only the whole-block rule refuses it.
  assert.throws(() => dequantChunks('Q8_0', 51, 48, 1 << 20), /not whole Q8_0 blocks/);
  assert.throws(() => dequantChunks('Q8_0', 33, 32, 1 << 20), FormatError);
  assert.throws(() => dequantChunks('Q8_0', 35, 32, 1 << 20), FormatError);
  assert.throws(() => dequantChunks('Q8_0', 34, -32, 1 << 20), FormatError);
  assert.throws(() => dequantChunks('Q4_K', 144, 256, 255), /holds no Q4_K block/);
});

test('the block buffer holds the largest chunk of any type (Q8_0: 34 bytes per 32 elements)', () => {
  const max = 1 << 20;
  for (const typeName of WGSL_DEQUANT_TYPES) {
    const { elements, bytes } = blockLayout(typeName);
    const chunk = dequantChunks(typeName, (max / elements) * bytes, max, max)[0]!;
    assert.ok(paddedByteLength(chunk.byteLength) <= maxChunkBytes(max), typeName);
  }
  assert.equal(maxChunkBytes(max), (max / 32) * 34);
});
