import { expose, type ProxyOrClone } from 'comlink';
import { reduceOnCpu, type PairStats } from '@/core/weights/pair-stats';
import { listTensors } from '@/core/weights/tensors';
import { diffModels } from '@/core/weights/diff';
import { buildLineage, rowCandidates, TRIGGER_ROWS_PER_TENSOR } from '@/core/weights/lineage';
import type { Lineage } from '@/core/weights/lineage-schema';
import { fileByteSource } from './file-byte-source';
import { isAdapterFolder } from '@/core/adapters/adapter-folder';
import { readAdapterFolder } from '@/core/adapters/adapter-folder-reader';
import { adapterCandidates } from '@/core/adapters/adapter-candidates';
import { buildAdapterLineage } from '@/core/adapters/adapter-lineage';
import { syntheticPair } from '@/core/weights/synthetic-pair';
import { relativeDifferences } from '@/core/weights/wgsl-reduce';
import { createGpuReducer, type GpuPairReducer } from './gpu-reducer';

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
    const list = (files: { path: string; file: File }[]) =>
      listTensors(files.map((f) => fileByteSource(f.file, f.path)));
    const started = performance.now();
    if (isAdapterFolder(finetune.map((f) => f.path))) {
      // A PEFT adapter is its own diff: its fit to the base and its footprint (core/adapters).
      const byPath = new Map(finetune.map((f) => [f.path, f.file]));
      const reading = await readAdapterFolder({
        paths: finetune.map((f) => f.path),
        source: async (p) => fileByteSource(byPath.get(p)!, p),
      });
      const baseListing = await list(base);
      const lineage = await buildAdapterLineage(reading, baseListing);
      const candidates = lineage.adapter?.fits ? await adapterCandidates(reading, baseListing) : [];
      const seconds = (performance.now() - started) / 1000;
      return { lineage, candidates, engine: 'cpu', seconds, elements: 0 };
    }
    const [baseListing, ftListing] = await Promise.all([list(base), list(finetune)]);
    const diff = await diffModels(baseListing, ftListing, {
      reducer: gpu ?? reduceOnCpu,
      topRows: TRIGGER_ROWS_PER_TENSOR,
      onTensor: (done, total, name) => void onProgress?.(done, total, name),
    });
    return {
      lineage: buildLineage(diff),
      candidates: rowCandidates(diff),
      engine: gpu ? 'webgpu' : 'cpu',
      ...(gpu ? { adapter: gpu.adapter } : {}),
      seconds: (performance.now() - started) / 1000,
      elements: diff.elements,
    };
  },
  dispose(): void {
    void gpuReady?.then((gpu) => gpu?.dispose());
    gpuReady = undefined;
  },
};

export type WeightsWorkerApi = typeof api;
expose(api);
