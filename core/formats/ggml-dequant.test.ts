import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { FormatError } from './format-error.ts';
import { GGML_TYPES } from './ggml-types.ts';
import { DEQUANTIZED_TYPES, dequantize, dequantizeWithGrid } from './ggml-dequant.ts';

const fixture = (name: string) =>
  new Uint8Array(readFileSync(new URL(`../../test/fixtures/gguf-dequant/${name}`, import.meta.url)));

const FileRef = z.object({ file: z.string(), sha256: z.string().regex(/^[0-9a-f]{64}$/) });
/** Written by scripts/gen_dequant_vectors.py: raw blocks, gguf-py's dequantized values and its rounding grid. */
const Manifest = z.object({
  generator: z.object({ script: z.string(), seed: z.number(), gguf: z.string(), numpy: z.string() }),
  gridColumns: z.tuple([z.literal('index'), z.literal('step'), z.literal('edge')]),
  types: z.array(
    z.object({
      type: z.string(),
      elements: z.number().int().positive(),
      quantizedByGgufPy: z.boolean(),
      blocks: FileRef,
      values: FileRef,
      grid: z.array(
        z.tuple([z.number().int().nonnegative(), z.number(), z.union([z.literal(-1), z.literal(0), z.literal(1)])]),
      ),
    }),
  ),
});
const MANIFEST = Manifest.parse(JSON.parse(new TextDecoder().decode(fixture('manifest.json'))));

function checkedFile(ref: z.infer<typeof FileRef>): Uint8Array {
  const bytes = fixture(ref.file);
  assert.equal(createHash('sha256').update(bytes).digest('hex'), ref.sha256, `${ref.file} differs from its manifest`);
  return bytes;
}

/** float32 bit patterns: exact equality that also tells −0 from +0. */
const bitsOf = (values: Float32Array) => [...new Uint32Array(values.buffer, values.byteOffset, values.length)];

test('the fixtures cover every type the module decodes, and only those', () => {
  assert.deepEqual(MANIFEST.types.map((t) => t.type).sort(), [...DEQUANTIZED_TYPES].sort());
  assert.deepEqual(
    [...DEQUANTIZED_TYPES].sort(),
    ['Q2_K', 'Q3_K', 'Q4_0', 'Q4_1', 'Q4_K', 'Q5_0', 'Q5_1', 'Q5_K', 'Q6_K', 'Q8_0'].sort(),
  );
});

for (const vector of MANIFEST.types) {
  // Bit-exact, not within an ulp: gguf-py computes in float32 with one rounding per product and per sum, in the
  // same order as ggml (d·scale, then ·level, then − min), and the decoder rounds at the same points.
  test(`${vector.type}: every element equals gguf-py's dequantized float32, bit for bit`, () => {
    const blocks = checkedFile(vector.blocks);
    const expected = checkedFile(vector.values);
    const actual = dequantize(vector.type, blocks, vector.elements);
    assert.deepEqual(bitsOf(actual), bitsOf(new Float32Array(new Uint8Array(expected).buffer)));
  });

  test(`${vector.type}: the grid has the values, and the step and edge gguf-py shows for sampled elements`, () => {
    const blocks = checkedFile(vector.blocks);
    const grid = dequantizeWithGrid(vector.type, blocks, vector.elements);
    assert.deepEqual(bitsOf(grid.values), bitsOf(dequantize(vector.type, blocks, vector.elements)));
    const edges = new Set(vector.grid.map(([, , edge]) => edge));
    assert.ok(edges.has(-1) && edges.has(1) && edges.has(0), `${vector.type}: samples at both edges and inside`);
    for (const [index, step, edge] of vector.grid) {
      // + 0: a zero scale is -0 or 0 depending on its sign bit; both are the same step.
      assert.equal(grid.step[index]! + 0, step + 0, `${vector.type} element ${index}: step`);
      assert.equal(grid.edge[index], edge, `${vector.type} element ${index}: edge`);
    }
  });
}

test('zero elements decode to an empty array', () => {
  assert.equal(dequantize('Q4_K', new Uint8Array(0), 0).length, 0);
});

test('a block at any byte offset (a subarray of a larger buffer) decodes the same', () => {
  const vector = MANIFEST.types.find((t) => t.type === 'Q6_K')!;
  const blocks = checkedFile(vector.blocks);
  const shifted = new Uint8Array(blocks.byteLength + 3);
  shifted.set(blocks, 3);
  assert.deepEqual(
    bitsOf(dequantize('Q6_K', shifted.subarray(3), vector.elements)),
    bitsOf(dequantize('Q6_K', blocks, vector.elements)),
  );
});

for (const typeName of ['IQ4_NL', 'Q8_K', 'F16', 'Q4_2', 'NOT_A_TYPE']) {
  test(`${typeName} is refused with a FormatError naming it`, () => {
    const block = [...GGML_TYPES.values()].find((t) => t.name === typeName)?.block ?? { elements: 32, bytes: 18 };
    const call = () => dequantize(typeName, new Uint8Array(block.bytes), block.elements);
    assert.throws(call, (e: unknown) => e instanceof FormatError && e.message.includes(typeName));
    assert.throws(
      () => dequantizeWithGrid(typeName, new Uint8Array(block.bytes), block.elements),
      (e: unknown) => e instanceof FormatError && e.message.includes(typeName),
    );
  });
}

for (const [typeName, bytes, elements] of [
  ['Q8_0', 33, 32],
  ['Q8_0', 35, 32],
  ['Q8_0', 68, 32],
  ['Q8_0', 17, 16],
  ['Q4_0', 9, 16],
  ['Q4_K', 144, 255],
  ['Q6_K', 210, 0],
  ['Q5_0', 22, -32],
  ['Q5_0', 22, 32.5],
  ['Q5_0', 22, NaN],
  ['Q5_0', 22, Infinity],
] as const) {
  test(`${typeName}: ${bytes} bytes for ${elements} elements is refused with a FormatError naming the type`, () => {
    for (const decode of [dequantize, dequantizeWithGrid]) {
      assert.throws(
        () => decode(typeName, new Uint8Array(bytes), elements),
        (e: unknown) => e instanceof FormatError && e.message.includes(typeName),
      );
    }
  });
}
