import { expose, type ProxyOrClone } from 'comlink';
import { reduceOnCpu, type PairStats } from '@/core/weights/pair-stats';
import { compareWeights } from '@/core/weights/compare-weights';
import { listTensors } from '@/core/weights/tensors';
import type { Lineage } from '@/core/weights/lineage-schema';
import { fileByteSource } from './file-byte-source';
import { isAdapterFolder } from '@/core/adapters/adapter-folder';
import { compareAdapter } from '@/core/adapters/compare-adapter';
import { syntheticPair } from '@/core/weights/synthetic-pair';
import { relativeDifferences } from '@/core/weights/wgsl-reduce';
import { createGpuReducer, type GpuPairReducer } from './gpu-reducer';
import { createGpuDequantizer, type GpuDequantize } from './gpu-dequant';
import { dequantize, dequantizeWithGrid } from '@/core/formats/ggml-dequant';
import { hasWgslDecoder } from '@/core/weights/wgsl-dequant';

export interface CompareResult {
  lineage: Lineage;
  /** Embedding / output rows that moved most, more of them than the report keeps: the trigger scan's candidates. */
  candidates: { tensor: string; row: number; relChange: number | null }[];
  engine: 'webgpu' | 'cpu';
  adapter?: string;
  seconds: number;
  elements: number;
}

/** The WebGPU reducer, created on first use; a failed or lost device is retried on the next call. */
let gpuReady: Promise<GpuPairReducer | null> | undefined;

function gpuReducer(): Promise<GpuPairReducer | null> {
  gpuReady ??= createGpuReducer().catch(() => null);
  return gpuReady;
}

/** The WGSL decoder on a reducer's device: created with the reducer, dropped with it (a lost device). */
const dequantizers = new WeakMap<GpuPairReducer, GpuDequantize>();

function gpuDequantizer(gpu: GpuPairReducer): GpuDequantize {
  let decoder = dequantizers.get(gpu);
  if (!decoder) {
    decoder = createGpuDequantizer(gpu.device, { dequantize, dequantizeWithGrid });
    dequantizers.set(gpu, decoder);
  }
  return decoder;
}

/** Decoded elements with their rounding grid (core/formats/ggml-dequant.ts `dequantizeWithGrid`). */
export interface DecodedWithGrid {
  values: Float32Array;
  step: Float32Array;
  edge: Int8Array;
}

export interface DequantizeSelfTestResult {
  /** The WGSL decoder's values and grid, null where WebGPU is missing. */
  gpu: DecodedWithGrid | null;
  /** core's CPU decoder's values and grid (core/formats/ggml-dequant.ts). */
  cpu: DecodedWithGrid;
  /** max |gpu − cpu| over the values (0 without a GPU; Infinity where only one of them is NaN). */
  maxAbsDiff: number;
  /** Elements whose step bits or edge differ between GPU and CPU (0 without a GPU). */
  gridMismatches: number;
  adapter: string | null;
  ms: { cpu: number; gpu: number | null };
}

/** max |a − b|, counting two NaNs as equal and one NaN as an infinite difference. */
function maxAbsDifference(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) return Infinity;
  let most = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (Number.isNaN(x) || Number.isNaN(y)) {
      if (Number.isNaN(x) !== Number.isNaN(y)) return Infinity;
      continue;
    }
    most = Math.max(most, x === y ? 0 : Math.abs(x - y));
  }
  return most;
}

/** Elements whose step differs in its f32 bits (so −0 ≠ +0, NaN = NaN of the same bits) or whose edge differs. */
function gridMismatches(a: DecodedWithGrid, b: DecodedWithGrid): number {
  if (a.step.length !== b.step.length || a.edge.length !== b.edge.length) return Infinity;
  const bitsA = new Uint32Array(a.step.buffer, a.step.byteOffset, a.step.length);
  const bitsB = new Uint32Array(b.step.buffer, b.step.byteOffset, b.step.length);
  let differ = 0;
  for (let i = 0; i < bitsA.length; i++) if (bitsA[i] !== bitsB[i] || a.edge[i] !== b.edge[i]) differ++;
  return differ;
}

export interface SelfTestResult {
  elements: number;
  cpu: PairStats;
  gpu: PairStats | null;
  adapter?: string;
  /** |gpu − cpu| / max(|gpu|, |cpu|) per field, and its maximum (0 when there is no GPU). */
  relDiff: Record<keyof PairStats, number> | null;
  maxRelDiff: number;
  ms: { cpu: number; gpu: number | null };
}

/** 3M elements: many workgroups' partials and a partial last workgroup, ~0.5 s on SwiftShader. */
const SELF_TEST_ELEMENTS = 3_000_001;
/** 256M elements (2 GiB of data): the most a self-test or benchmark may ask for. */
const SELF_TEST_MAX_ELEMENTS = 1 << 28;
const SELF_TEST_THRESHOLD = 1e-3;

async function timed<T>(run: () => Promise<T>): Promise<[T, number]> {
  const t0 = performance.now();
  const value = await run();
  return [value, performance.now() - t0];
}

const api = {
  async gpuAvailable(): Promise<{ available: boolean; adapter?: string }> {
    const gpu = await gpuReducer();
    return gpu ? { available: true, adapter: gpu.adapter } : { available: false };
  },

  /**
   * Reduces one tensor pair (send the arrays with Comlink.transfer). `useGpu` falls back to the CPU where
   * WebGPU is missing; a GPU error is thrown, not hidden behind the fallback, so the UI can say which ran.
   */
  async reduce(base: Float32Array, ft: Float32Array, changedAbove: number, useGpu: boolean): Promise<PairStats> {
    const gpu = useGpu ? await gpuReducer() : null;
    if (!gpu) return reduceOnCpu(base, ft, changedAbove);
    return gpu(base, ft, changedAbove).catch((error: unknown) => {
      gpuReady = undefined; // a lost device is recreated on the next call
      throw error;
    });
  },

  /**
   * Both reducers on the same seeded data, so the UI and e2e can show they agree. More
   * elements than one GPU chunk exercise the chunked path; bench/weights.bench.ts times ~500 MB this way.
   */
  async selfTest(elements = SELF_TEST_ELEMENTS): Promise<SelfTestResult> {
    if (!Number.isInteger(elements) || elements < 0 || elements > SELF_TEST_MAX_ELEMENTS) {
      throw new Error(`selfTest takes 0 to ${SELF_TEST_MAX_ELEMENTS} elements, not ${elements}`);
    }
    const { base, ft } = syntheticPair(elements, 5);
    const [cpu, cpuMs] = await timed(() => reduceOnCpu(base, ft, SELF_TEST_THRESHOLD));
    const gpu = await gpuReducer();
    if (!gpu)
      return { elements: base.length, cpu, gpu: null, relDiff: null, maxRelDiff: 0, ms: { cpu: cpuMs, gpu: null } };
    const [gpuStats, gpuMs] = await timed(() => gpu(base, ft, SELF_TEST_THRESHOLD));
    const relDiff = relativeDifferences(cpu, gpuStats);
    return {
      elements: base.length,
      cpu,
      gpu: gpuStats,
      adapter: gpu.adapter,
      relDiff,
      maxRelDiff: Math.max(...Object.values(relDiff)),
      ms: { cpu: cpuMs, gpu: gpuMs },
    };
  },

  /**
   * Decodes the same ggml blocks, values and grid, with the WGSL decoder and core's CPU one, so the UI and e2e
   * can show they agree. A type without a WGSL decoder is refused: the GPU side would be the CPU decoder again.
   */
  async dequantizeSelfTest(typeName: string, blocks: Uint8Array, elements: number): Promise<DequantizeSelfTestResult> {
    if (!hasWgslDecoder(typeName)) throw new Error(`no WGSL decoder for ggml type ${typeName}`);
    const [cpu, cpuMs] = await timed(async () => dequantizeWithGrid(typeName, blocks, elements));
    const gpu = await gpuReducer();
    if (!gpu) return { gpu: null, cpu, maxAbsDiff: 0, gridMismatches: 0, adapter: null, ms: { cpu: cpuMs, gpu: null } };
    const [decoded, gpuMs] = await timed(() => gpuDequantizer(gpu)(typeName, blocks, elements, true));
    if (!decoded.grid) throw new Error('the WGSL decoder returned no grid');
    const fromGpu = { values: decoded.values, ...decoded.grid };
    return {
      gpu: fromGpu,
      cpu,
      maxAbsDiff: maxAbsDifference(fromGpu.values, cpu.values),
      gridMismatches: gridMismatches(fromGpu, cpu),
      adapter: gpu.adapter,
      ms: { cpu: cpuMs, gpu: gpuMs },
    };
  },

  /**
   * streams both models tensor by tensor (core/weights) through the WebGPU reducer when asked
   * and available, else the CPU one, and returns the lineage. Reads bounded chunks; never a whole model.
   */
  async compare(
    base: { path: string; file: File }[],
    finetune: { path: string; file: File }[],
    useGpu: boolean,
    onProgress?: ProxyOrClone<(done: number, total: number, tensor: string) => void>,
  ): Promise<CompareResult> {
    const gpu = useGpu ? await gpuReducer() : null;
    const sources = (files: { path: string; file: File }[]) => files.map((f) => fileByteSource(f.file, f.path));
    const started = performance.now();
    if (isAdapterFolder(finetune.map((f) => f.path))) {
      // A PEFT adapter is its own diff: its fit to the base and its footprint (core/adapters).
      const byPath = new Map(finetune.map((f) => [f.path, f.file]));
      const adapter = {
        paths: finetune.map((f) => f.path),
        source: async (p: string) => fileByteSource(byPath.get(p)!, p),
      };
      const baseSources = sources(base);
      const { lineage, candidates } = await compareAdapter(adapter, {
        sources: baseSources,
        listing: await listTensors(baseSources),
      });
      const seconds = (performance.now() - started) / 1000;
      return { lineage, candidates, engine: 'cpu', seconds, elements: 0 };
    }
    const { lineage, candidates, elements } = await compareWeights(sources(base), sources(finetune), {
      reducer: gpu ?? reduceOnCpu,
      ...(gpu ? { dequantize: gpuDequantizer(gpu) } : {}),
      onTensor: (done, total, name) => void onProgress?.(done, total, name),
    });
    return {
      lineage,
      candidates,
      engine: gpu ? 'webgpu' : 'cpu',
      ...(gpu ? { adapter: gpu.adapter } : {}),
      seconds: (performance.now() - started) / 1000,
      elements,
    };
  },
  dispose(): void {
    void gpuReady?.then((gpu) => gpu?.dispose());
    gpuReady = undefined;
  },
};

export type WeightsWorkerApi = typeof api;
expose(api);
