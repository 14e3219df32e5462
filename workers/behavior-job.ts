import type * as Ort from 'onnxruntime-web';
import { analyzeBehavior } from '../core/probe/analyze.ts';
import type { Behavior } from '../core/probe/behavior-schema.ts';
import { runBehavior, type BehaviorPhase } from '../core/probe/behavior-run.ts';
import {
  loadBehaviorSide,
  pairKind,
  pairOptions,
  type BehaviorSide,
  type FolderReader,
} from '../core/probe/model-side.ts';
import type { BehaviorPolicy } from '../core/probe/policy.ts';
import { parseProbeSet } from '../core/probe/probe-set.ts';
import type { LineageCandidate } from '../core/probe/triggers.ts';
import type { BehaviorRun, ExecutionProvider, ModelKind, ProbeSet } from '../core/probe/types.ts';
import { fileByteSource } from './file-byte-source.ts';
import { openOrtWebSession, type WorkerModelFile } from './ort-web-session.ts';

export interface BehaviorRequest {
  base: WorkerModelFile[];
  finetune: WorkerModelFile[];
  /** A user's probe set, parsed and validated on the page; the built-in set for the detected kind otherwise. */
  probeSet?: ProbeSet;
  kind?: ModelKind;
  lineageCandidates?: LineageCandidate[];
  triggerBudget?: number;
  /** 'auto': WebGPU when the browser has an adapter and the model loads there, else WASM. */
  provider: 'auto' | 'webgpu' | 'wasm';
  batchSize: number;
  /** Run only the first N items per category (SwiftShader CI runs a subset on WebGPU). */
  itemsPerCategory?: number;
  policy?: Partial<BehaviorPolicy>;
}

export interface BehaviorResult {
  run: BehaviorRun;
  behavior: Behavior;
  kind: ModelKind;
  kindReasons: string[];
  /** Why WebGPU was not used, when it was not. */
  fallback?: string;
  seconds: number;
}

export type BehaviorProgress = (phase: BehaviorPhase, done: number, total: number, itemsPerSecond: number) => void;

function reader(files: readonly WorkerModelFile[]): FolderReader {
  const byPath = new Map(files.map((f) => [f.path, f.file]));
  const get = (path: string): File => {
    const file = byPath.get(path);
    if (!file) throw new Error(`${path}: not among the picked files`);
    return file;
  };
  return {
    paths: files.map((f) => f.path),
    text: (path) => get(path).text(),
    source: async (path) => fileByteSource(get(path), path),
  };
}

async function side(files: readonly WorkerModelFile[], role: string): Promise<BehaviorSide> {
  const loaded = await loadBehaviorSide(reader(files));
  if (!loaded)
    throw new Error(`the ${role} folder has no ONNX model (onnx/model.onnx or model.onnx) or no tokenizer.json`);
  return loaded;
}

async function builtinProbeSet(kind: ModelKind): Promise<ProbeSet> {
  const index = (await (await fetch('/probes/index.json')).json()) as { file: string; kind: ModelKind }[];
  const entry = index.find((e) => e.kind === kind);
  if (!entry) throw new Error(`no built-in probe set for a ${kind}: load your own JSONL`);
  const response = await fetch(`/probes/${entry.file}`);
  if (!response.ok) throw new Error(`built-in probe set ${entry.file}: HTTP ${response.status}`);
  return parseProbeSet(await response.text(), entry.file);
}

/** Keeps the first `n` items of each category, so a slow provider still sees every category. */
function subset(probeSet: ProbeSet, n: number | undefined): ProbeSet {
  if (!n) return probeSet;
  const seen = new Map<string, number>();
  const items = probeSet.items.filter((item) => {
    const count = seen.get(item.category) ?? 0;
    seen.set(item.category, count + 1);
    return count < n;
  });
  return { ...probeSet, items };
}

async function webgpuAvailable(): Promise<string | undefined> {
  const gpu = (navigator as Navigator & { gpu?: { requestAdapter(): Promise<unknown> } }).gpu;
  if (!gpu) return 'this browser has no WebGPU';
  try {
    return (await gpu.requestAdapter()) ? undefined : 'no WebGPU adapter';
  } catch (error) {
    return `WebGPU adapter request failed: ${(error as Error).message}`;
  }
}

/**
 * The behavioral comparison inside the inference worker (issue #6 §2): models are opened one at a time,
 * fine-tune first; the noise floor is the base on the other provider when both run, else another batch size.
 */
export async function runBehaviorJob(
  ort: typeof Ort,
  req: BehaviorRequest,
  onProgress: BehaviorProgress,
): Promise<BehaviorResult> {
  const t0 = performance.now();
  const [base, finetune] = [await side(req.base, 'base'), await side(req.finetune, 'fine-tune')];
  const decision = pairKind(base, finetune, req.kind);
  const probeSet = subset(req.probeSet ?? (await builtinProbeSet(decision.kind)), req.itemsPerCategory);
  const noGpu = req.provider === 'wasm' ? 'WASM was chosen' : await webgpuAvailable();
  if (req.provider === 'webgpu' && noGpu) throw new Error(`WebGPU was chosen but ${noGpu}`);
  let primary: ExecutionProvider = noGpu ? 'wasm' : 'webgpu';
  let fallback = noGpu;
  const files = (which: 'base' | 'finetune') => (which === 'base' ? req.base : req.finetune);
  const sides = { base, finetune };
  const open = async (which: 'base' | 'finetune', provider: ExecutionProvider) => {
    const s = sides[which];
    const model = files(which).find((f) => f.path === s.onnxPath)!;
    const external = files(which).filter((f) => s.externalData.includes(f.path));
    return openOrtWebSession(ort, model, external, provider);
  };
  const run = await runBehavior({
    async openSession(which, condition) {
      if (condition === 'alternate') {
        // After a WebGPU failure the repeat stays on WASM: the report then names "WASM vs WASM".
        return open(which, primary === 'webgpu' ? 'wasm' : fallback ? 'wasm' : 'webgpu');
      }
      try {
        return await open(which, primary);
      } catch (error) {
        if (primary !== 'webgpu' || req.provider === 'webgpu') throw error;
        // A model WebGPU cannot run (an operator it lacks, a buffer over its limit) still runs on WASM.
        fallback = `WebGPU could not load the model (${(error as Error).message})`;
        primary = 'wasm';
        return open(which, primary);
      }
    },
    ...pairOptions(base, finetune),
    kind: decision.kind,
    probeSet,
    lineageCandidates: req.lineageCandidates,
    triggerBudget: req.triggerBudget,
    noiseFloor: noGpu ? 'batch' : 'provider',
    batchSize: req.batchSize,
    onProgress,
  });
  return {
    run,
    behavior: analyzeBehavior(run, req.policy),
    kind: decision.kind,
    kindReasons: decision.reasons,
    ...(fallback ? { fallback } : {}),
    seconds: (performance.now() - t0) / 1000,
  };
}
