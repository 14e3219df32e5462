import { runProbeItems, throwIfAborted, type AbortLike } from './run-probes.ts';
import type { ForwardSession } from './session.ts';
import { assertComparable, type ProbeTokenizer } from './tokenizer.ts';
import {
  DEFAULT_HELD_OUT_CAP,
  DEFAULT_TRIGGER_BUDGET,
  runInserted,
  screenCandidates,
  splitHeldOut,
  triggerCandidates,
  type LineageCandidate,
} from './triggers.ts';
import type { BehaviorRun, ModelKind, ModelRun, ProbeSet, TriggerSearch } from './types.ts';

/**
 * The behavioral comparison's run: never two sessions open at once. The fine-tune goes first
 * (clean items, the trigger screening on one half of the held-out items, and the screened candidates on the
 * other, confirmation half), then the base (clean items, the screened candidates on the confirmation half,
 * and the noise-floor repeat: batch size 1, or the other provider in a fresh session).
 */

export type BehaviorPhase = 'finetune' | 'trigger-screening' | 'base' | 'trigger-confirmation' | 'noise-floor';

export interface RunBehaviorOptions {
  /** `condition` 'alternate' asks for the other execution provider (noiseFloor 'provider'). */
  openSession(which: 'base' | 'finetune', condition?: 'alternate'): Promise<ForwardSession>;
  baseTokenizer: ProbeTokenizer;
  finetuneTokenizer: ProbeTokenizer;
  kind: ModelKind;
  /** Classifier label names in id order (both models, already checked equal by the caller or below). */
  labels?: readonly string[];
  finetuneLabels?: readonly string[];
  baseVocabSize?: number;
  finetuneVocabSize?: number;
  probeSet: ProbeSet;
  lineageCandidates?: readonly LineageCandidate[];
  /** Candidates tried; 0 skips the scan. Default 256. */
  triggerBudget?: number;
  heldOutCap?: number;
  noiseFloor: 'batch' | 'provider';
  batchSize: number;
  signal?: AbortLike;
  onProgress?(phase: BehaviorPhase, done: number, total: number, itemsPerSecond: number): void;
  now?: () => number;
}

async function withSession<T>(open: Promise<ForwardSession>, body: (s: ForwardSession) => Promise<T>): Promise<T> {
  const session = await open;
  try {
    return await body(session);
  } finally {
    await session.release();
  }
}

export async function runBehavior(opts: RunBehaviorOptions): Promise<BehaviorRun> {
  const { kind, probeSet } = opts;
  if (probeSet.kind !== kind) throw new Error(`the probe set is for a ${probeSet.kind}, the models are a ${kind}`);
  if (probeSet.items.length === 0) throw new Error('the probe set has no items');
  const labels = kind === 'classifier' ? [...(opts.labels ?? [])] : ['safe', 'unsafe'];
  if (kind === 'classifier' && labels.length < 2) throw new Error('the classifier has no label names (id2label)');
  assertComparable({
    kind,
    base: opts.baseTokenizer,
    finetune: opts.finetuneTokenizer,
    baseLabels: labels,
    finetuneLabels: kind === 'classifier' ? (opts.finetuneLabels ?? labels) : undefined,
    baseVocabSize: opts.baseVocabSize,
    finetuneVocabSize: opts.finetuneVocabSize,
  });
  if (kind === 'classifier') {
    for (const item of probeSet.items) {
      if (item.kind === 'classifier' && item.expected !== undefined && !labels.includes(item.expected)) {
        throw new Error(`probe item ${item.id} expects label "${item.expected}", not one of [${labels.join(', ')}]`);
      }
    }
  }
  const items = probeSet.items;
  const batchSize = Math.max(1, Math.floor(opts.batchSize));
  const repeatBatch = batchSize === 1 ? 8 : 1;
  const progress =
    (phase: BehaviorPhase) =>
    (done: number, total: number, rate: number): void =>
      opts.onProgress?.(phase, done, total, rate);
  const common = { signal: opts.signal, now: opts.now };
  const budget = opts.triggerBudget ?? DEFAULT_TRIGGER_BUDGET;

  // 1. Fine-tune: clean items, screening of the candidates on the screening half of the held-out items,
  //    then the screened candidates on the confirmation half.
  let finetune!: ModelRun;
  let search: TriggerSearch | undefined;
  let screened: TriggerSearch['trials'] = [];
  const split = splitHeldOut(items, opts.heldOutCap ?? DEFAULT_HELD_OUT_CAP);
  const heldOut = split.screening;
  let confirmation = split.confirmation;
  await withSession(opts.openSession('finetune'), async (session) => {
    finetune = await runProbeItems(session, opts.finetuneTokenizer, kind, items, {
      ...common,
      batchSize,
      onProgress: progress('finetune'),
    });
    const width = finetune.outcomes[0]?.distribution.length;
    if (kind === 'classifier' && width !== labels.length) {
      throw new Error(`the fine-tune returns ${width} logits per item but id2label names ${labels.length} labels`);
    }
    if (budget <= 0) return;
    if (heldOut.length === 0) {
      search = {
        heldOut: [],
        confirmation: [],
        searched: 0,
        budget,
        trials: [],
        skipped: 'no probe item has a trigger_slot',
      };
      return;
    }
    const candidates = triggerCandidates({
      tokenizer: opts.finetuneTokenizer,
      items,
      lineageCandidates: opts.lineageCandidates,
      budget,
    });
    const index = new Map(items.map((item, i) => [item.id, i]));
    const clean = heldOut.map((item) => finetune.outcomes[index.get(item.id)!]!);
    const result = await screenCandidates({
      session,
      tokenizer: opts.finetuneTokenizer,
      kind,
      heldOut,
      clean,
      candidates,
      run: { ...common, batchSize },
      onProgress: progress('trigger-screening'),
    });
    screened = result.screened;
    let done = 0;
    for (const trial of screened) {
      throwIfAborted(opts.signal);
      trial.finetuneConfirm = await runInserted(session, opts.finetuneTokenizer, kind, confirmation, trial.token, {
        ...common,
        batchSize,
      });
      opts.onProgress?.('trigger-confirmation', ++done, screened.length * 2, 0);
    }
    search = {
      heldOut: heldOut.map((i) => i.id),
      confirmation: confirmation.map((i) => i.id),
      searched: candidates.length,
      budget,
      trials: result.trials,
    };
  });
  if (!search) confirmation = [];
  throwIfAborted(opts.signal);

  // 2. Base: clean items, confirmation of screened candidates, and the batch-size noise floor.
  let base!: ModelRun;
  let baseRepeat: ModelRun | undefined;
  await withSession(opts.openSession('base'), async (session) => {
    base = await runProbeItems(session, opts.baseTokenizer, kind, items, {
      ...common,
      batchSize,
      onProgress: progress('base'),
    });
    let done = screened.length;
    for (const trial of screened) {
      throwIfAborted(opts.signal);
      trial.base = await runInserted(session, opts.baseTokenizer, kind, confirmation, trial.token, {
        ...common,
        batchSize,
      });
      opts.onProgress?.('trigger-confirmation', ++done, screened.length * 2, 0);
    }
    if (opts.noiseFloor === 'batch') {
      baseRepeat = await runProbeItems(session, opts.baseTokenizer, kind, items, {
        ...common,
        batchSize: repeatBatch,
        onProgress: progress('noise-floor'),
      });
    }
  });
  let noiseFloorCondition = `batch ${repeatBatch} vs batch ${batchSize}`;
  if (opts.noiseFloor === 'provider') {
    await withSession(opts.openSession('base', 'alternate'), async (session) => {
      baseRepeat = await runProbeItems(session, opts.baseTokenizer, kind, items, {
        ...common,
        batchSize,
        onProgress: progress('noise-floor'),
      });
    });
    noiseFloorCondition = `${providerName(baseRepeat!.provider)} vs ${providerName(base.provider)}`;
  }
  return {
    probeset: probeSet.header,
    kind,
    labels,
    items,
    base,
    baseRepeat: baseRepeat!,
    noiseFloorCondition,
    finetune,
    ...(search ? { triggers: search } : {}),
  };
}

function providerName(p: string): string {
  return p === 'webgpu' ? 'WebGPU' : p.toUpperCase();
}
