import type * as Ort from 'onnxruntime-web';
import { isAdapterFolder } from '../core/adapters/adapter-folder.ts';
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
import { forwardOnce } from '../core/probe/forward-once.ts';
import { RUNNABLE_FILES } from '../core/probe/model-folder.ts';
import type { LineageCandidate } from '../core/probe/triggers.ts';
import type { BehaviorRun, ExecutionProvider, ModelKind, ProbeSet } from '../core/probe/types.ts';
import type { ForwardSession } from '../core/probe/session.ts';
import { fileByteSource } from './file-byte-source.ts';
import { openFolderWebSession, type WorkerModelFile } from './ort-web-session.ts';

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

/** The runtime could not load or run a model on a provider: on WebGPU, the cue to fall back to WASM. */
export class ProviderError extends Error {
  constructor(
    readonly which: 'base' | 'fine-tune',
    readonly provider: ExecutionProvider,
    message: string,
  ) {
    super(message);
    this.name = 'ProviderError';
  }
}

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

async function side(
  files: readonly WorkerModelFile[],
  role: string,
  adapter?: readonly WorkerModelFile[],
): Promise<BehaviorSide> {
  // onnxruntime-web has no bfloat16 kernels (not even Cast): BF16 weights are converted to float32 here.
  const loaded = await loadBehaviorSide(reader(files), { convertBf16: true }, adapter ? reader(adapter) : undefined);
  if (!loaded) throw new Error(`the ${role} folder has no tokenizer.json or not ${RUNNABLE_FILES}`);
  return loaded;
}

export interface FolderInference {
  provider: ExecutionProvider;
  family: string;
  dtypes: string[];
  /** One per text, in order. */
  items: { inputIds: number[]; logits: number[]; dims: number[] }[];
}

export async function inferFolder(
  ort: typeof Ort,
  files: WorkerModelFile[],
  texts: readonly string[],
  provider: ExecutionProvider,
): Promise<FolderInference> {
  const loaded = await side(files, 'model');
  try {
    const session = await openFolderWebSession(ort, files, loaded.model, provider);
    try {
      const items = [];
      for (const text of texts) {
        const out = await forwardOnce(loaded, session, text);
        items.push({ inputIds: out.inputIds, logits: Array.from(out.logits), dims: out.dims });
      }
      const graph = loaded.model.format === 'checkpoint' ? loaded.model.graph : undefined;
      return { provider, family: graph?.architecture.modelType ?? 'onnx', dtypes: graph?.dtypes ?? [], items };
    } finally {
      await session.release();
    }
  } finally {
    loaded.tokenizer.close();
  }
}

async function builtinProbeSet(kind: ModelKind): Promise<ProbeSet> {
  const index = (await (await fetch('/probes/index.json')).json()) as { file: string; kind: ModelKind }[];
  const entry = index.find((e) => e.kind === kind);
  if (!entry) throw new Error(`no built-in probe set for a ${kind}: load your own JSONL`);
  const response = await fetch(`/probes/${entry.file}`);
  if (!response.ok) throw new Error(`built-in probe set ${entry.file}: HTTP ${response.status}`);
  return parseProbeSet(await response.text(), entry.file);
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
 * At most ten progress messages a second (and always the last of a phase): one per batch would queue
 * thousands of messages that the page can only repaint long after the run has moved on.
 */
function throttled(onProgress: BehaviorProgress, everyMs = 100): BehaviorProgress {
  let last = 0;
  let lastPhase = '';
  return (phase, done, total, rate) => {
    const now = performance.now();
    if (phase === lastPhase && done < total && now - last < everyMs) return;
    last = now;
    lastPhase = phase;
    onProgress(phase, done, total, rate);
  };
}

/**
 * The behavioral comparison inside the inference worker: models are opened one at a time,
 * fine-tune first; the noise floor is the base on the other provider when both run, else another batch size.
 */
export async function runBehaviorJob(
  ort: typeof Ort,
  req: BehaviorRequest,
  onProgress: BehaviorProgress,
): Promise<BehaviorResult> {
  const t0 = performance.now();
  // A PEFT adapter's side is its base with the adapter merged: run from the base's files (core/adapters).
  const adapter = isAdapterFolder(req.finetune.map((f) => f.path));
  const ftFiles = adapter ? req.base : req.finetune;
  const [base, finetune] = [
    await side(req.base, 'base'),
    await side(ftFiles, 'fine-tune', adapter ? req.finetune : undefined),
  ];
  const decision = pairKind(base, finetune, req.kind);
  const probeSet = req.probeSet ?? (await builtinProbeSet(decision.kind));
  const noGpu = req.provider === 'wasm' ? 'WASM was chosen' : await webgpuAvailable();
  if (req.provider === 'webgpu' && noGpu) throw new Error(`WebGPU was chosen but ${noGpu}`);
  const files = (which: 'base' | 'finetune') => (which === 'base' ? req.base : ftFiles);
  const sides = { base, finetune };
  const open = async (which: 'base' | 'finetune', provider: ExecutionProvider): Promise<ForwardSession> => {
    const s = sides[which];
    const role = which === 'base' ? 'base' : 'fine-tune';
    const fail = (error: unknown): never => {
      throw new ProviderError(role, provider, (error as Error).message);
    };
    const session = await openFolderWebSession(ort, files(which), s.model, provider).catch(fail);
    return { ...session, run: (feeds) => session.run(feeds).catch(fail), release: () => session.release() };
  };
  const runOn = (primary: ExecutionProvider) =>
    runBehavior({
      openSession: (which, condition) =>
        open(which, condition === 'alternate' ? (primary === 'webgpu' ? 'wasm' : 'webgpu') : primary),
      ...pairOptions(base, finetune),
      kind: decision.kind,
      probeSet,
      lineageCandidates: req.lineageCandidates,
      triggerBudget: req.triggerBudget,
      // WASM vs WebGPU when both run; a second batch size when only WASM does.
      noiseFloor: primary === 'webgpu' ? 'provider' : 'batch',
      batchSize: req.batchSize,
      onProgress: throttled(onProgress),
    });
  let fallback = noGpu;
  let run;
  if (noGpu) {
    run = await runOn('wasm');
  } else {
    try {
      run = await runOn('webgpu');
    } catch (error) {
      if (req.provider === 'webgpu' || !(error instanceof ProviderError)) throw error;
      // A model WebGPU cannot run (an operator it lacks, a buffer over its limit) runs on WASM instead — the
      // whole comparison again, so both models and the noise floor share one provider.
      fallback = `WebGPU could not run the ${error.which} (${error.message})`;
      run = await runOn('wasm');
    }
  }
  return {
    run,
    behavior: analyzeBehavior(run, req.policy),
    kind: decision.kind,
    kindReasons: decision.reasons,
    ...(fallback ? { fallback } : {}),
    seconds: (performance.now() - t0) / 1000,
  };
}
