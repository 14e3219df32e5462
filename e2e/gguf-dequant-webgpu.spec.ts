import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { test, expect, type Page } from './fixtures';
import { DEFAULT_CHUNK_ELEMENTS } from '../core/weights/diff';
import { WGSL_DEQUANT_TYPES } from '../core/weights/wgsl-dequant';

/**
 * The weights worker's WGSL decoder (workers/gpu-dequant.ts) against core's CPU decoder and gguf-py, on the
 * committed blocks of every type (test/fixtures/gguf-dequant, written by scripts/gen_dequant_vectors.py):
 * values and the rounding grid (step and edge of each element) the weight diff tests a base against.
 *
 * Equality is bit for bit, not within a tolerance: each product the shaders compute (an f16 scale times
 * small integers) is exact in f32 and at most one sum rounds, and WGSL rounds + − × correctly, so every
 * correct decoder gives the same f32 (core/weights/wgsl-dequant.ts says why in full).
 */

const fixture = (name: string) => new Uint8Array(readFileSync(`test/fixtures/gguf-dequant/${name}`));

/** The part of the fixtures' manifest this spec reads (the unit test of the CPU decoder checks the rest). */
const Manifest = z.object({
  types: z.array(
    z.object({
      type: z.string(),
      elements: z.number().int().positive(),
      blocks: z.object({ file: z.string() }),
      values: z.object({ file: z.string() }),
      /** Sampled [index, step, edge] as gguf-py shows them. */
      grid: z.array(z.tuple([z.number().int().nonnegative(), z.number(), z.number().int()])),
    }),
  ),
});
const MANIFEST = Manifest.parse(JSON.parse(readFileSync('test/fixtures/gguf-dequant/manifest.json', 'utf8')));

/** What the page reports of one dequantizeSelfTest: the comparison is made there, on the f32 bits. */
interface Agreement {
  error?: string;
  adapter: string | null;
  gpuRan: boolean;
  elements: number;
  maxAbsDiff: number;
  /** Elements whose f32 bits differ between GPU and CPU, and between GPU and `expectedBits` when given. */
  cpuMismatches: number;
  oracleMismatches: number;
  /** Elements whose step (f32 bits) or edge differ between GPU and CPU, and sampled ones from gguf-py's. */
  gridMismatches: number;
  gridOracleMismatches: number;
  /** What the worker itself counted of the same (its own comparison, checked against the page's). */
  workerGridMismatches: number;
  firstMismatch: string | null;
  /** Elements at each end of the code range on the GPU: −1 and +1 edges. */
  edges: { low: number; high: number };
  nonFinite: number;
}

/**
 * Starts one weights worker on a portal page (its COOP/COEP and CSP, as on Compare) and keeps it, so every
 * call below uses the same GPU device. The page has no bundler: calls are Comlink's own wire messages, an
 * APPLY with RAW arguments answered by RAW (result) or HANDLER (what it threw) with the same id.
 */
async function startWorker(page: Page): Promise<void> {
  await page.goto('/');
  await page.evaluate(() => {
    const worker = new Worker('/workers/weights.worker.js', { type: 'module' });
    let next = 0;
    const call = (method: string, args: unknown[]) =>
      new Promise<unknown>((resolve, reject) => {
        const id = `e2e-dequant-${next++}`;
        const onMessage = (event: MessageEvent<{ id?: string; type?: string; value?: unknown }>) => {
          if (event.data?.id !== id) return;
          worker.removeEventListener('message', onMessage);
          if (event.data.type === 'RAW') resolve(event.data.value);
          else reject(new Error(`${method} threw: ${JSON.stringify(event.data.value)}`));
        };
        worker.addEventListener('message', onMessage);
        worker.onerror = (event) => reject(new Error(`worker failed to load: ${event.message}`));
        worker.postMessage({
          id,
          type: 'APPLY',
          path: [method],
          argumentList: args.map((value) => ({ type: 'RAW', value })),
        });
      });
    Object.assign(window, { callWeightsWorker: call });
  });
}

/**
 * Runs dequantizeSelfTest on `blocks` (or on `build()`'s blocks, made in the page so a large input is not
 * serialised) and compares GPU with CPU, and GPU with `expected` (gguf-py's values) when given.
 */
async function agreement(
  page: Page,
  input: {
    type: string;
    elements: number;
    blocks?: number[];
    expected?: number[];
    expectedGrid?: [number, number, number][];
    big?: { blockBytes: number };
  },
): Promise<Agreement> {
  return page.evaluate(async ({ type, elements, blocks, expected, expectedGrid, big }) => {
    const call = (window as unknown as { callWeightsWorker: (m: string, a: unknown[]) => Promise<unknown> })
      .callWeightsWorker;
    let bytes = Uint8Array.from(blocks ?? []);
    if (big) {
      // Q8_0 blocks whose codes are a fixed pseudo-random sequence and whose f16 scale repeats the given
      // blocks' scales: every chunk decodes to different values, so a chunk written at the wrong offset shows.
      const seed = bytes;
      bytes = new Uint8Array((elements / 32) * big.blockBytes);
      let state = 0x9e3779b9;
      for (let b = 0; b < elements / 32; b++) {
        const o = b * big.blockBytes;
        const from = (b % (seed.length / big.blockBytes)) * big.blockBytes;
        bytes.set(seed.subarray(from, from + 2), o);
        for (let k = 2; k < big.blockBytes; k++) {
          state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
          bytes[o + k] = state >>> 24;
        }
      }
    }
    try {
      type Decoded = { values: Float32Array; step: Float32Array; edge: Int8Array };
      const r = (await call('dequantizeSelfTest', [type, bytes, elements])) as {
        gpu: Decoded | null;
        cpu: Decoded;
        maxAbsDiff: number;
        gridMismatches: number;
        adapter: string | null;
      };
      const bits = (a: Float32Array | undefined) =>
        a ? new Uint32Array(a.buffer, a.byteOffset, a.length) : new Uint32Array(0);
      const cpuBits = bits(r.cpu.values);
      const gpuBits = bits(r.gpu?.values);
      const cpuStep = bits(r.cpu.step);
      const gpuStep = bits(r.gpu?.step);
      let cpuMismatches = 0;
      let oracleMismatches = 0;
      let gridMismatches = 0;
      let firstMismatch: string | null = null;
      for (let i = 0; i < cpuBits.length; i++) {
        const cpuDiffers = gpuBits[i] !== cpuBits[i];
        const oracleDiffers = expected !== undefined && gpuBits[i] !== expected[i];
        const gridDiffers = gpuStep[i] !== cpuStep[i] || r.gpu?.edge[i] !== r.cpu.edge[i];
        if (cpuDiffers) cpuMismatches++;
        if (oracleDiffers) oracleMismatches++;
        if (gridDiffers) gridMismatches++;
        if ((cpuDiffers || oracleDiffers || gridDiffers) && firstMismatch === null) {
          firstMismatch =
            `element ${i}: gpu ${r.gpu?.values[i]} cpu ${r.cpu.values[i]} gguf-py bits ${expected?.[i]}; ` +
            `step gpu ${r.gpu?.step[i]} cpu ${r.cpu.step[i]}; edge gpu ${r.gpu?.edge[i]} cpu ${r.cpu.edge[i]}`;
        }
      }
      // gguf-py's sampled grid: a zero step is −0 or 0 with its scale's sign, so steps compare as numbers.
      const gridOracleMismatches = (expectedGrid ?? []).filter(
        ([i, step, edge]) => r.gpu?.step[i] !== step || r.gpu?.edge[i] !== edge,
      ).length;
      const gpuEdges = Array.from(r.gpu?.edge ?? []);
      return {
        adapter: r.adapter,
        gpuRan: r.gpu !== null,
        elements: r.cpu.values.length,
        maxAbsDiff: r.maxAbsDiff,
        cpuMismatches,
        oracleMismatches,
        gridMismatches,
        gridOracleMismatches,
        workerGridMismatches: r.gridMismatches,
        firstMismatch,
        edges: { low: gpuEdges.filter((e) => e === -1).length, high: gpuEdges.filter((e) => e === 1).length },
        nonFinite: Array.from(r.cpu.values).filter((v) => !Number.isFinite(v)).length,
      };
    } catch (error) {
      return { error: String(error) } as Agreement;
    }
  }, input);
}

function expectBitExact(result: Agreement, elements: number): void {
  expect(result.error).toBeUndefined();
  expect(result.gpuRan, 'no WebGPU decoder: launch Chromium with --enable-unsafe-webgpu').toBe(true);
  expect(result.adapter).toContain('swiftshader');
  expect(result.elements).toBe(elements);
  expect(result.firstMismatch).toBeNull();
  expect(result.cpuMismatches).toBe(0);
  expect(result.oracleMismatches).toBe(0);
  expect(result.maxAbsDiff).toBe(0);
  expect(result.gridMismatches).toBe(0);
  expect(result.gridOracleMismatches).toBe(0);
  expect(result.workerGridMismatches).toBe(0);
}

const u32Words = (bytes: Uint8Array) => Array.from(new Uint32Array(bytes.buffer, bytes.byteOffset, bytes.length / 4));

test('the WGSL decoder equals the CPU decoder and gguf-py bit for bit on every type, grid included, on WebGPU', async ({
  page,
}) => {
  expect(MANIFEST.types.map((t) => t.type).sort()).toEqual([...WGSL_DEQUANT_TYPES].sort());
  await startWorker(page);
  for (const vector of MANIFEST.types) {
    const result = await agreement(page, {
      type: vector.type,
      elements: vector.elements,
      blocks: Array.from(fixture(vector.blocks.file)),
      expected: u32Words(fixture(vector.values.file)),
      expectedGrid: vector.grid,
    });
    console.log(
      `${vector.type}: ${result.elements} elements on ${result.adapter}, maxAbsDiff ${result.maxAbsDiff}, ` +
        `edges ${result.edges.low} low / ${result.edges.high} high`,
    );
    expectBitExact(result, vector.elements);
    // Both ends of the code range occur, so a wrong highest code or edge sign would show as a mismatch.
    expect(result.edges.low).toBeGreaterThan(0);
    expect(result.edges.high).toBeGreaterThan(0);
  }
});

test('blocks with an infinite or NaN f16 scale decode as on the CPU (that chunk falls back to it)', async ({
  page,
}) => {
  await startWorker(page);
  const vector = MANIFEST.types.find((t) => t.type === 'Q8_0')!;
  const blocks = fixture(vector.blocks.file);
  blocks.set([0x00, 0x7c], 0); // block 0: d = +Infinity
  blocks.set([0x00, 0xfe], 34); // block 1: d = NaN (negative, quiet)
  const result = await agreement(page, { type: 'Q8_0', elements: vector.elements, blocks: Array.from(blocks) });
  expect(result.nonFinite).toBeGreaterThan(32);
  expectBitExact(result, vector.elements);
});

test('a call larger than one dispatch (the diff chunk) is decoded chunk by chunk into place', async ({ page }) => {
  await startWorker(page);
  const vector = MANIFEST.types.find((t) => t.type === 'Q8_0')!;
  // Whole Q8_0 blocks, two dispatches: one full chunk and a partial one.
  const elements = (Math.floor(DEFAULT_CHUNK_ELEMENTS / 32) + 1000) * 32;
  const result = await agreement(page, {
    type: 'Q8_0',
    elements,
    blocks: Array.from(fixture(vector.blocks.file)),
    big: { blockBytes: 34 },
  });
  expectBitExact(result, elements);
});

test('a type without a WGSL decoder is refused, not reported as a GPU result', async ({ page }) => {
  await startWorker(page);
  // IQ2_XXS: a GGUF type with a known block (256 elements in 66 bytes) that neither decoder handles.
  const result = await agreement(page, { type: 'IQ2_XXS', elements: 256, blocks: new Array<number>(66).fill(0) });
  expect(result.error).toContain('no WGSL decoder for ggml type IQ2_XXS');
});

/** The gguf-quant fixtures: a Llama checkpoint in safetensors (`base/`) and GGUF files made from it. */
const GGUF_QUANT = 'test/fixtures/gguf-quant';
const base64 = (path: string) => readFileSync(path).toString('base64');

/** The worker's `compare` on WebGPU of the checkpoint with one GGUF file: what it says of the lineage. */
async function compareWithBase(page: Page, gguf: string) {
  const files = ['config.json', 'generation_config.json', 'model.safetensors', 'tokenizer.json'].map((name) => ({
    path: name,
    data: base64(`${GGUF_QUANT}/base/${name}`),
  }));
  return page.evaluate(
    async ({ files, gguf }) => {
      const call = (window as unknown as { callWeightsWorker: (m: string, a: unknown[]) => Promise<unknown> })
        .callWeightsWorker;
      const file = (path: string, data: string) => ({
        path,
        file: new File([Uint8Array.from(atob(data), (c) => c.charCodeAt(0))], path.split('/').pop()!),
      });
      const r = (await call('compare', [
        files.map((f) => file(f.path, f.data)),
        [file(gguf.path, gguf.data)],
        true,
      ])) as {
        engine: string;
        adapter?: string;
        lineage: { verdict: string; quantization?: { types: { type: string; offGrid: number }[] } };
      };
      return { engine: r.engine, adapter: r.adapter, verdict: r.lineage.verdict, types: r.lineage.quantization?.types };
    },
    { files, gguf: { path: gguf, data: base64(`${GGUF_QUANT}/${gguf}`) } },
  );
}

test('the weight diff on WebGPU tests a GGUF against its base on the WGSL-decoded grid', async ({ page }) => {
  await startWorker(page);
  const quantized = await compareWithBase(page, 'base-Q4_K.gguf');
  expect(quantized.engine).toBe('webgpu');
  expect(quantized.adapter).toContain('swiftshader');
  expect(quantized.verdict).toBe('quantized');
  expect(quantized.types).toEqual([expect.objectContaining({ type: 'Q4_K', offGrid: 0 })]);
  const finetuned = await compareWithBase(page, 'finetune-Q4_K.gguf');
  expect(finetuned.engine).toBe('webgpu');
  expect(finetuned.verdict).toBe('derived');
  expect(finetuned.types).toHaveLength(1);
  expect(finetuned.types![0]!.offGrid).toBeGreaterThan(0);
});
