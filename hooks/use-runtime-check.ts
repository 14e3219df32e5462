'use client';
import { useCallback, useEffect, useState } from 'react';
import { wrap } from 'comlink';
import type { InferWorkerApi, SmokeResult } from '@/workers/infer.worker';
import { detectFeatures, type BrowserFeatures } from '@/lib/features';
import { DEMO_INPUT_IDS, DEMO_MODEL_URL } from '@/lib/demo-model';

export type EngineRun = { ok: true; result: SmokeResult } | { ok: false; error: string };

export interface RuntimeCheck {
  features: BrowserFeatures | null;
  running: boolean;
  webgpu?: EngineRun;
  wasm?: EngineRun;
  /** Largest |webgpu − wasm| over the logits, when both ran. */
  maxAbsDiff?: number;
}

/**
 * Detects WebGPU and cross-origin isolation, and on request runs the demo model in the infer worker on
 * the WebGPU execution provider and on WASM, so the page can say which engine really ran.
 */
export function useRuntimeCheck() {
  const [check, setCheck] = useState<RuntimeCheck>({ features: null, running: false });

  useEffect(() => {
    let live = true;
    void detectFeatures().then((features) => live && setCheck((c) => ({ ...c, features })));
    return () => {
      live = false;
    };
  }, []);

  const run = useCallback(async () => {
    setCheck((c) => ({ ...c, running: true, webgpu: undefined, wasm: undefined, maxAbsDiff: undefined }));
    const worker = new Worker('/workers/infer.worker.js', { type: 'module', name: 'infer' });
    const api = wrap<InferWorkerApi>(worker);
    const attempt = async (provider: 'webgpu' | 'wasm'): Promise<EngineRun> => {
      try {
        return { ok: true, result: await api.run(DEMO_MODEL_URL, provider, DEMO_INPUT_IDS) };
      } catch (error) {
        return { ok: false, error: (error as Error).message };
      }
    };
    const webgpu = await attempt('webgpu');
    const wasm = await attempt('wasm');
    worker.terminate();
    const maxAbsDiff =
      webgpu.ok && wasm.ok
        ? Math.max(...webgpu.result.logits.map((v, i) => Math.abs(v - (wasm.result.logits[i] ?? NaN))))
        : undefined;
    setCheck((c) => ({ ...c, running: false, webgpu, wasm, maxAbsDiff }));
  }, []);

  return { check, run };
}
