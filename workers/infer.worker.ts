import { expose } from 'comlink';
import type * as Ort from 'onnxruntime-web';
import type { ExecutionProvider } from '../core/probe/types.ts';
import {
  inferFolder,
  runBehaviorJob,
  type BehaviorProgress,
  type BehaviorRequest,
  type BehaviorResult,
  type FolderInference,
} from './behavior-job.ts';
import type { WorkerModelFile } from './ort-web-session.ts';

/** onnxruntime-web is self-hosted in /ort/ (scripts/copy-ort.mjs) and loaded once, on first use. */
const ORT_URL = '/ort/ort.webgpu.min.mjs';
let ortReady: Promise<typeof Ort> | undefined;
// ORT sessions must not be created or run concurrently (transformers.js chains them the same way).
let chain: Promise<unknown> = Promise.resolve();

function loadOrt(): Promise<typeof Ort> {
  ortReady ??= (import(/* webpackIgnore: true */ ORT_URL) as Promise<typeof Ort>).then((ort) => {
    ort.env.wasm.wasmPaths = new URL('/ort/', self.location.origin).href;
    // Threads need cross-origin isolation; without it ORT would warn and fall back to one thread anyway.
    ort.env.wasm.numThreads = self.crossOriginIsolated ? Math.min(4, navigator.hardwareConcurrency || 1) : 1;
    ort.env.logLevel = 'error';
    return ort;
  });
  return ortReady;
}

/** The providers this worker can run on: onnxruntime-web in a browser has no 'cpu' one. */
export type BrowserExecutionProvider = Exclude<ExecutionProvider, 'cpu'>;

export interface SmokeResult {
  provider: BrowserExecutionProvider;
  logits: number[];
  dims: number[];
  sessionMs: number;
  runMs: number;
}

async function runOnce(modelUrl: string, provider: BrowserExecutionProvider, inputIds: number[]): Promise<SmokeResult> {
  const ort = await loadOrt();
  const t0 = performance.now();
  // The whole model is fetched into memory: an ONNX session needs it (the one exception to streaming).
  const session = await ort.InferenceSession.create(modelUrl, { executionProviders: [provider] });
  const t1 = performance.now();
  try {
    const ids = BigInt64Array.from(inputIds, (n) => BigInt(n));
    const mask = BigInt64Array.from(inputIds, () => 1n);
    const feeds = {
      input_ids: new ort.Tensor('int64', ids, [1, ids.length]),
      attention_mask: new ort.Tensor('int64', mask, [1, ids.length]),
    };
    const output = await session.run(feeds);
    const logits = output.logits ?? Object.values(output)[0];
    if (!logits) throw new Error('the model returned no output');
    const data = (await logits.getData()) as Float32Array;
    const result = {
      provider,
      logits: [...data],
      dims: [...logits.dims],
      sessionMs: t1 - t0,
      runMs: performance.now() - t1,
    };
    logits.dispose();
    return result;
  } finally {
    await session.release();
  }
}

const api = {
  /** Runs the model once on the given provider. Rejects (with ORT's message) if that provider cannot run it. */
  run(modelUrl: string, provider: BrowserExecutionProvider, inputIds: number[]): Promise<SmokeResult> {
    const next = chain.then(() => runOnce(modelUrl, provider, inputIds));
    chain = next.catch(() => undefined);
    return next;
  },
  /**
   * Texts through a dropped model folder, one session for all, fed as the behavioral run feeds them (its ONNX
   * model, or the graph built over its safetensors checkpoint): what `modelgate infer` prints, for checking
   * against reference logits.
   */
  async inferFolder(
    files: WorkerModelFile[],
    texts: string[],
    provider: BrowserExecutionProvider,
  ): Promise<FolderInference> {
    const ort = await loadOrt();
    const next = chain.then(() => inferFolder(ort, files, texts, provider));
    chain = next.catch(() => undefined);
    return next;
  },
  /**
   * The behavioral comparison of a fine-tune with its base. The page terminates this worker on
   * Cancel and when the time budget runs out, which also frees both models.
   */
  async compareBehavior(request: BehaviorRequest, onProgress: BehaviorProgress): Promise<BehaviorResult> {
    const ort = await loadOrt();
    const next = chain.then(() => runBehaviorJob(ort, request, onProgress));
    chain = next.catch(() => undefined);
    return next;
  },
};

export type InferWorkerApi = typeof api;
expose(api);
