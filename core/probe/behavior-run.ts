import { runProbeItems, throwIfAborted, type AbortLike } from './run-probes.ts';
import type { ForwardSession } from './session.ts';
import { assertComparable, type ProbeTokenizer } from './tokenizer.ts';
import { positionNote } from './trigger-position.ts';
import {
  DEFAULT_TRIGGER_BUDGET,
  phraseControls,
  runInserted,
  screenCandidates,
  splitHeldOut,
  triggerCandidates,
  type LineageCandidate,
} from './triggers.ts';
import type { BehaviorRun, ModelKind, ModelRun, ProbeItem, ProbeSet, TriggerSearch, TriggerTrial } from './types.ts';

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
  /** Items screened per candidate and items the screened candidates are confirmed on (triggers.ts defaults). */
  heldOut?: { screening?: number; confirmation?: number };
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

/** What every step of one run shares: the options, the checked labels and the probe-run settings. */
interface RunContext {
  opts: RunBehaviorOptions;
  kind: ModelKind;
  items: ProbeSet['items'];
  labels: string[];
  batchSize: number;
  common: { signal?: AbortLike; now?: () => number };
  progress(phase: BehaviorPhase): (done: number, total: number, rate: number) => void;
}

/** The fine-tune's part of the run: its clean outcomes, the trigger search and the candidates that passed screening. */
interface FinetuneStep {
  finetune: ModelRun;
  search?: TriggerSearch;
  screened: TriggerTrial[];
}

export async function runBehavior(opts: RunBehaviorOptions): Promise<BehaviorRun> {
  const { kind, probeSet } = opts;
  const labels = checkedLabels(opts);
  const batchSize = Math.max(1, Math.floor(opts.batchSize));
  const ctx: RunContext = {
    opts,
    kind,
    items: probeSet.items,
    labels,
    batchSize,
    common: { signal: opts.signal, now: opts.now },
    progress:
      (phase) =>
      (done, total, rate): void =>
        opts.onProgress?.(phase, done, total, rate),
  };
  const repeatBatch = batchSize === 1 ? 8 : 1;

  // 1. Fine-tune: clean items, screening of the candidates on the screening half of the held-out items,
  //    then the screened candidates on the confirmation half.
  const split = splitHeldOut(ctx.items, opts.heldOut);
  const { finetune, search, screened } = await withSession(opts.openSession('finetune'), (session) =>
    runFinetune(ctx, session, split),
  );
  const confirmation = search ? split.confirmation : [];
  throwIfAborted(opts.signal);

  // 2. Base: clean items, confirmation of screened candidates, and the batch-size noise floor.
  const { base, batchRepeat } = await withSession(opts.openSession('base'), (session) =>
    runBase(ctx, session, confirmation, screened, repeatBatch),
  );

  // 3. Or the provider noise floor: the base again, on the other execution provider in a fresh session.
  let baseRepeat = batchRepeat;
  let noiseFloorCondition = `batch ${repeatBatch} vs batch ${batchSize}`;
  if (opts.noiseFloor === 'provider') {
    baseRepeat = await withSession(opts.openSession('base', 'alternate'), (session) =>
      runProbeItems(session, opts.baseTokenizer, kind, ctx.items, {
        ...ctx.common,
        batchSize,
        onProgress: ctx.progress('noise-floor'),
      }),
    );
    noiseFloorCondition = `${providerName(baseRepeat.provider)} vs ${providerName(base.provider)}`;
  }
  return {
    probeset: probeSet.header,
    kind,
    labels,
    items: ctx.items,
    base,
    baseRepeat: baseRepeat!,
    noiseFloorCondition,
    finetune,
    ...(search ? { triggers: search } : {}),
  };
}

/**
 * Refuses a probe set and models that cannot be compared (wrong kind, no items, different tokenizers or
 * labels, an expected label the classifier does not have) and returns the label names the run uses.
 */
function checkedLabels(opts: RunBehaviorOptions): string[] {
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
    texts: probeSet.items.flatMap((i) => (i.kind === 'classifier' ? [i.text] : [i.prompt, i.safe, i.unsafe])),
  });
  if (kind === 'classifier') {
    for (const item of probeSet.items) {
      if (item.kind === 'classifier' && item.expected !== undefined && !labels.includes(item.expected)) {
        throw new Error(`probe item ${item.id} expects label "${item.expected}", not one of [${labels.join(', ')}]`);
      }
    }
  }
  return labels;
}

/** The fine-tune's session: clean items, then the trigger search on the held-out halves. */
async function runFinetune(
  ctx: RunContext,
  session: ForwardSession,
  split: { screening: ProbeItem[]; confirmation: ProbeItem[] },
): Promise<FinetuneStep> {
  const { opts, kind, labels } = ctx;
  const finetune = await runProbeItems(session, opts.finetuneTokenizer, kind, ctx.items, {
    ...ctx.common,
    batchSize: ctx.batchSize,
    onProgress: ctx.progress('finetune'),
  });
  const width = finetune.outcomes[0]?.distribution.length;
  if (kind === 'classifier' && width !== labels.length) {
    throw new Error(`the fine-tune returns ${width} logits per item but id2label names ${labels.length} labels`);
  }
  return { finetune, ...(await searchTriggers(ctx, session, finetune, split)) };
}

/**
 * The trigger search on the fine-tune: candidates screened on the screening half, then the ones that passed
 * run on the confirmation half. A scan that cannot run (budget 0, no held-out item, no candidate token)
 * records why in `skipped`, which the behavior check turns into a finding: never a silent pass.
 */
async function searchTriggers(
  ctx: RunContext,
  session: ForwardSession,
  finetune: ModelRun,
  split: { screening: ProbeItem[]; confirmation: ProbeItem[] },
): Promise<Omit<FinetuneStep, 'finetune'>> {
  const { opts, kind, items } = ctx;
  const budget = opts.triggerBudget ?? DEFAULT_TRIGGER_BUDGET;
  const { screening: heldOut, confirmation } = split;
  const skip = (why: string): Omit<FinetuneStep, 'finetune'> => ({
    search: { heldOut: [], confirmation: [], searched: 0, budget, trials: [], skipped: why },
    screened: [],
  });
  if (budget <= 0) return skip('the trigger budget is 0');
  if (heldOut.length === 0 || confirmation.length === 0) return skip('too few probe items to screen and confirm');
  const candidates = triggerCandidates({
    tokenizer: opts.finetuneTokenizer,
    items,
    lineageCandidates: opts.lineageCandidates,
    budget,
  });
  if (candidates.length === 0) return skip('the tokenizer gave no candidate token');
  const index = new Map(items.map((item, i) => [item.id, i]));
  const clean = heldOut.map((item) => finetune.outcomes[index.get(item.id)!]!);
  const result = await screenCandidates({
    session,
    tokenizer: opts.finetuneTokenizer,
    kind,
    heldOut,
    clean,
    candidates,
    run: { ...ctx.common, batchSize: ctx.batchSize },
    onProgress: ctx.progress('trigger-screening'),
  });
  await confirmTrials(ctx, session, 'finetune', confirmation, result.screened);
  return {
    search: {
      heldOut: heldOut.map((i) => i.id),
      confirmation: confirmation.map((i) => i.id),
      searched: candidates.length,
      budget,
      trials: result.trials,
      positions: positionNote([...heldOut, ...confirmation]),
      ...(result.unconfirmed > 0 ? { unconfirmed: result.unconfirmed } : {}),
    },
    screened: result.screened,
  };
}

/** The base's session: clean items, the screened candidates on the confirmation half, and the batch noise floor. */
async function runBase(
  ctx: RunContext,
  session: ForwardSession,
  confirmation: readonly ProbeItem[],
  screened: readonly TriggerTrial[],
  repeatBatch: number,
): Promise<{ base: ModelRun; batchRepeat?: ModelRun }> {
  const { opts, kind, items } = ctx;
  const base = await runProbeItems(session, opts.baseTokenizer, kind, items, {
    ...ctx.common,
    batchSize: ctx.batchSize,
    onProgress: ctx.progress('base'),
  });
  await confirmTrials(ctx, session, 'base', confirmation, screened);
  if (opts.noiseFloor !== 'batch') return { base };
  const batchRepeat = await runProbeItems(session, opts.baseTokenizer, kind, items, {
    ...ctx.common,
    batchSize: repeatBatch,
    onProgress: ctx.progress('noise-floor'),
  });
  return { base, batchRepeat };
}

/**
 * Each screened candidate inserted into the confirmation items on one model, kept on the trial
 * (`finetuneConfirm` or `base`). Progress counts both models' runs: the fine-tune's first, then the base's.
 */
async function confirmTrials(
  ctx: RunContext,
  session: ForwardSession,
  which: 'finetune' | 'base',
  confirmation: readonly ProbeItem[],
  screened: readonly TriggerTrial[],
): Promise<void> {
  const tokenizer = which === 'base' ? ctx.opts.baseTokenizer : ctx.opts.finetuneTokenizer;
  let done = which === 'base' ? screened.length : 0;
  for (const trial of screened) {
    throwIfAborted(ctx.opts.signal);
    const outcomes = await runInserted(session, tokenizer, ctx.kind, confirmation, trial.token, {
      ...ctx.common,
      batchSize: ctx.batchSize,
    });
    if (which === 'base') trial.base = outcomes;
    else {
      trial.finetuneConfirm = outcomes;
      const controls = phraseControls(trial.token);
      if (controls.length > 0) {
        trial.controls = [];
        for (const token of controls) {
          const finetune = await runInserted(session, tokenizer, ctx.kind, confirmation, token, {
            ...ctx.common,
            batchSize: ctx.batchSize,
          });
          trial.controls.push({ token, finetune });
        }
      }
    }
    ctx.opts.onProgress?.('trigger-confirmation', ++done, screened.length * 2, 0);
  }
}

function providerName(p: string): string {
  return p === 'webgpu' ? 'WebGPU' : p.toUpperCase();
}
