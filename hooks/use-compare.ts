'use client';
import { useCallback, useEffect, useRef, useState } from 'react';
import type { CompareResult } from '@/workers/weights.worker';
import type { BehaviorResult } from '@/workers/behavior-job';
import type { BehaviorPhase } from '@/core/probe/behavior-run';
import { findModelFiles, hasRunnableModel, RUNNABLE_FILES } from '@/core/probe/model-folder';
import { isAdapterFolder } from '@/core/adapters/adapter-folder';
import type { ModelKind, ProbeSet } from '@/core/probe/types';
import { runtimeMemory, type RuntimeMemory } from '@/core/probe/runtime-memory';
import type { Report } from '@/core/report/schema';
import type { EntryComparison } from '@/core/registry/compare-entry';
import type { Behavior } from '@/core/probe/behavior-schema';
import { makeReportLink } from '@/core/sign/report-link';
import { runVerification } from '@/core/verify';
import { compareInWorker } from '@/lib/compare-models';
import { compareBehaviorInWorker } from '@/lib/behavior-compare';
import { hashInPool } from '@/lib/hash-pool';
import { scanInPool } from '@/lib/scan-pool';
import { getOrCreateBrowserKey } from '@/lib/browser-key';
import { loadDemoModel } from '@/lib/demo-model';
import { readProbeFile } from '@/lib/probe-file';
import { toModelFiles, type ModelFile } from '@/lib/model-files';
import { latestByName } from '@/lib/registry';

export type CompareState =
  | { phase: 'idle' }
  | { phase: 'running'; step: 'loading-demo' }
  | { phase: 'running'; step: 'weights'; done: number; total: number; tensor: string }
  | {
      phase: 'running';
      step: 'behavior';
      stage: BehaviorPhase | 'loading';
      done: number;
      total: number;
      itemsPerSecond: number;
    }
  | {
      phase: 'done';
      result: CompareResult;
      baseName: string;
      report: Report;
      link: string | null;
      behavior?: BehaviorResult;
      /** Why no behavioral comparison ran (no ONNX model or tokenizer in a folder), in plain words. */
      behaviorSkipped?: string;
      /** The fine-tune against the latest version of its name in the registry: files, and behavior drift. */
      registry?: EntryComparison;
      drift?: { version: string; behavior: Behavior };
      /** Why a saved behavioral baseline of this name could not be compared (another probe set). */
      driftSkipped?: string;
    }
  | { phase: 'error'; message: string };

export interface BehaviorOptions {
  /** A probe set the user loaded; null = the built-in set for the model kind. */
  probeSet: ProbeSet | null;
  kind: ModelKind | 'auto';
  provider: 'auto' | 'webgpu' | 'wasm';
  triggerBudget: number;
}

type Picked = { name: string; files: ModelFile[] } | null;

/** The demo pairs: a base and a fine-tune from public/demo (scripts/gen_demo_models.py). */
export const DEMO_PAIRS = {
  sentiment: { base: 'sentiment-base', finetune: 'sentiment-poisoned' },
  'code-lm': { base: 'code-lm-base', finetune: 'code-lm-poisoned' },
  // Safetensors only, no ONNX export: run through the graph built from config.json.
  'llama-code': { base: 'llama-code-base', finetune: 'llama-code-poisoned' },
  // A PEFT LoRA adapter (scripts/gen_lora_fixtures.py): run merged into the base's checkpoint.
  'llama-lora': { base: 'llama-code-base', finetune: 'llama-code-lora-poisoned' },
} as const;

function behaviorMissing(side: string, picked: NonNullable<Picked>): string | undefined {
  const paths = picked.files.map((f) => f.path);
  const found = findModelFiles(paths);
  if (!hasRunnableModel(paths)) return `${side} ${picked.name} has not ${RUNNABLE_FILES}`;
  if (!found.tokenizer) return `${side} ${picked.name} has no tokenizer.json`;
  return undefined;
}

/**
 * An adapter runs merged into its base's checkpoint: the base needs config.json and safetensors, and a
 * tokenizer.json is taken from the adapter folder, else the base's.
 */
function adapterBehaviorMissing(adapter: NonNullable<Picked>, base: NonNullable<Picked>): string | undefined {
  const paths = base.files.map((f) => f.path);
  if (!paths.includes('config.json') || !paths.some((p) => p.endsWith('.safetensors')))
    return `the adapter ${adapter.name} is merged into its base's safetensors checkpoint, and ${base.name} has none`;
  if (!findModelFiles(paths).tokenizer && !findModelFiles(adapter.files.map((f) => f.path)).tokenizer)
    return `neither the adapter ${adapter.name} nor the base ${base.name} has a tokenizer.json`;
  return undefined;
}

/** What the inference worker will hold to run a picked model, said before it runs. */
function memoryOf(picked: Picked): RuntimeMemory | undefined {
  return picked ? runtimeMemory(picked.files.map((f) => ({ path: f.path, size: f.file.size }))) : undefined;
}

/**
 * The Compare page: weights diffed in the weights worker (lineage), then both models run on a probe set in
 * the inference worker (behavior), then one signed Report of the fine-tune carrying both.
 */
export function useCompare() {
  const [base, setBase] = useState<Picked>(null);
  const [finetune, setFinetune] = useState<Picked>(null);
  const [state, setState] = useState<CompareState>({ phase: 'idle' });
  const [options, setOptions] = useState<BehaviorOptions>({
    probeSet: null,
    kind: 'auto',
    provider: 'auto',
    triggerBudget: 256,
  });
  const [probeError, setProbeError] = useState<string | null>(null);
  const abort = useRef<AbortController | null>(null);
  // A demo button loads both models and runs at once, with the options as they are at that moment.
  const optionsRef = useRef(options);
  useEffect(() => {
    optionsRef.current = options;
  }, [options]);

  const pick = (set: (p: Picked) => void) => (entries: { path: string; file: File }[]) => set(toModelFiles(entries));

  const loadProbes = useCallback(async (file: File | null) => {
    setProbeError(null);
    if (!file) return setOptions((o) => ({ ...o, probeSet: null }));
    try {
      const probeSet = await readProbeFile(file);
      setOptions((o) => ({ ...o, probeSet }));
    } catch (error) {
      setOptions((o) => ({ ...o, probeSet: null }));
      setProbeError((error as Error).message);
    }
  }, []);

  const compareModels = useCallback(async (base: NonNullable<Picked>, finetune: NonNullable<Picked>) => {
    const options = optionsRef.current;
    const controller = new AbortController();
    abort.current = controller;
    setState({ phase: 'running', step: 'weights', done: 0, total: 0, tensor: '' });
    try {
      let result: CompareResult | undefined;
      let behavior: BehaviorResult | undefined;
      const byPath = new Map(finetune.files.map((f) => [f.path, f.file]));
      const verification = await runVerification({
        subject: {
          name: finetune.name,
          files: finetune.files.map((f) => ({ path: f.path, size: f.file.size })),
          events: [],
        },
        environment: { runtime: 'browser', userAgent: navigator.userAgent },
        hash: async () => hashInPool(finetune.files, () => undefined).done,
        // The fine-tune is the model to deploy: its weight files are scanned as on the Verify page, so the
        // report's scan check runs (a run without the scan is never a Pass). Cancelling stops the scan too.
        scan: async () => {
          const scanning = scanInPool(finetune.files, () => undefined);
          controller.signal.addEventListener('abort', scanning.cancel, { once: true });
          return scanning.done;
        },
        readText: (path) => byPath.get(path)!.text(),
        lineage: async () => {
          result = await compareInWorker(base.files, finetune.files, (done, total, tensor) =>
            setState({ phase: 'running', step: 'weights', done, total, tensor }),
          );
          return { lineage: result.lineage, candidates: result.candidates, executionProvider: result.engine };
        },
        behavior: async (candidates) => {
          const skipped = isAdapterFolder(finetune.files.map((f) => f.path))
            ? adapterBehaviorMissing(finetune, base)
            : (behaviorMissing('the fine-tune', finetune) ?? behaviorMissing('the base', base));
          if (skipped) return { skipped };
          setState({ phase: 'running', step: 'behavior', stage: 'loading', done: 0, total: 0, itemsPerSecond: 0 });
          behavior = await compareBehaviorInWorker(
            {
              base: base.files,
              finetune: finetune.files,
              ...(options.probeSet ? { probeSet: options.probeSet } : {}),
              ...(options.kind !== 'auto' ? { kind: options.kind } : {}),
              provider: options.provider,
              triggerBudget: options.triggerBudget,
              lineageCandidates: candidates ? [...candidates] : [],
              batchSize: 8,
            },
            (stage, done, total, itemsPerSecond) =>
              setState({ phase: 'running', step: 'behavior', stage, done, total, itemsPerSecond }),
            controller.signal,
          );
          return behavior;
        },
        savedVersion: (name) => latestByName(name),
        signLink: async (report) => makeReportLink(report, await getOrCreateBrowserKey(), location.origin),
        skip: ['manifest', 'provenance'],
        signal: controller.signal,
      });
      // The weight comparison is what this page is for: when it broke, say why instead of a half page.
      if (!result) {
        const broken = verification.report.checks.find((c) => c.id === 'lineage');
        throw new Error(broken?.summary ?? 'the weight comparison did not run');
      }
      setState({
        phase: 'done',
        result,
        baseName: base.name,
        report: verification.report,
        link: verification.link ?? null,
        ...(behavior ? { behavior } : {}),
        ...(verification.behaviorSkipped ? { behaviorSkipped: verification.behaviorSkipped } : {}),
        ...(verification.registry ? { registry: verification.registry } : {}),
        ...(verification.drift ? { drift: verification.drift } : {}),
        ...(verification.driftSkipped ? { driftSkipped: verification.driftSkipped } : {}),
      });
    } catch (error) {
      const message = (error as Error).message;
      setState({
        phase: 'error',
        message:
          (error as Error).name === 'BehaviorCancelled' ? message : `The models could not be compared: ${message}`,
      });
    } finally {
      abort.current = null;
    }
  }, []);

  const run = useCallback(async () => {
    if (base && finetune) await compareModels(base, finetune);
  }, [base, finetune, compareModels]);

  /** A demo pair: both models loaded as if picked, then compared at once. */
  const loadDemo = useCallback(
    async (pair: keyof typeof DEMO_PAIRS) => {
      const names = DEMO_PAIRS[pair];
      let demo: { base: NonNullable<Picked>; finetune: NonNullable<Picked> };
      setState({ phase: 'running', step: 'loading-demo' });
      try {
        const [baseEntries, finetuneEntries] = await Promise.all([
          loadDemoModel(names.base),
          loadDemoModel(names.finetune),
        ]);
        demo = { base: toModelFiles(baseEntries), finetune: toModelFiles(finetuneEntries) };
      } catch (error) {
        setState({ phase: 'error', message: `The demo models could not be loaded: ${(error as Error).message}` });
        return;
      }
      setBase(demo.base);
      setFinetune(demo.finetune);
      await compareModels(demo.base, demo.finetune);
    },
    [compareModels],
  );

  const cancel = useCallback(() => abort.current?.abort(), []);

  return {
    base,
    finetune,
    baseMemory: memoryOf(base),
    finetuneMemory: memoryOf(finetune),
    pickBase: pick(setBase),
    pickFinetune: pick(setFinetune),
    state,
    run,
    cancel,
    options,
    setOptions,
    loadProbes,
    probeError,
    loadDemo,
  };
}
