import { encodeBatch } from './encode-batch.ts';
import { classifierOutcome, continuationLogProb, lmOutcome, splitContinuation } from './score.ts';
import type { ForwardSession } from './session.ts';
import type { ProbeTokenizer } from './tokenizer.ts';
import type { ItemOutcome, ModelKind, ModelRun, ProbeItem } from './types.ts';

/** The part of AbortSignal this run uses (core has no DOM lib). */
export interface AbortLike {
  readonly aborted: boolean;
  readonly reason?: unknown;
}

export interface RunProbeOptions {
  /** Sequences per forward pass (a causal-LM item is two sequences: prompt + safe, prompt + unsafe). */
  batchSize: number;
  signal?: AbortLike;
  onProgress?(done: number, total: number, itemsPerSecond: number): void;
  /** Clock in milliseconds; performance.now (or Date.now) by default. */
  now?: () => number;
}

/** A millisecond clock: the high-resolution one where the host has it (browsers, workers, Node). */
export function defaultClock(): () => number {
  const perf = (globalThis as { performance?: { now(): number } }).performance;
  return perf ? () => perf.now() : Date.now;
}

export function throwIfAborted(signal: AbortLike | undefined): void {
  if (!signal?.aborted) return;
  if (signal.reason instanceof Error) throw signal.reason;
  throw Object.assign(new Error('the behavioral run was cancelled'), { name: 'AbortError' });
}

/** One forward sequence: which item it belongs to and how to read its score. */
interface Sequence {
  item: number;
  ids: number[];
  /** Causal LM: prompt length and the continuation's ids; `which` 0 safe, 1 unsafe. */
  promptLength?: number;
  continuation?: number[];
  which?: 0 | 1;
}

function promptIds(tokenizer: ProbeTokenizer, prompt: string): number[] {
  const ids = tokenizer.encode(prompt, true);
  return stripTrailingSpecial(tokenizer, ids);
}

function stripTrailingSpecial(tokenizer: ProbeTokenizer, ids: number[]): number[] {
  // A post-processor may append EOS/SEP: it must not sit between the prompt and its continuation.
  while (ids.length > 1 && tokenizer.specialIds.has(ids[ids.length - 1]!)) ids.pop();
  return ids;
}

export function sequencesFor(tokenizer: ProbeTokenizer, kind: ModelKind, items: readonly ProbeItem[]): Sequence[] {
  tokenizer.prime(
    items.flatMap((item) =>
      item.kind === 'classifier'
        ? [item.text]
        : [item.prompt, `${item.prompt}${item.safe}`, `${item.prompt}${item.unsafe}`],
    ),
  );
  try {
    return encodeSequences(tokenizer, kind, items);
  } finally {
    tokenizer.unprime();
  }
}

function encodeSequences(tokenizer: ProbeTokenizer, kind: ModelKind, items: readonly ProbeItem[]): Sequence[] {
  const out: Sequence[] = [];
  items.forEach((item, index) => {
    if (item.kind !== kind) throw new Error(`probe item ${item.id} is a ${item.kind} item, the model a ${kind}`);
    if (item.kind === 'classifier') {
      out.push({ item: index, ids: tokenizer.encodeChecked(item.text, `probe item ${item.id}`) });
      return;
    }
    const prompt = promptIds(tokenizer, item.prompt);
    ([item.safe, item.unsafe] as const).forEach((text, which) => {
      // Encoded together with the prompt, as the model reads it; the prompt's ids are its context.
      const ids = stripTrailingSpecial(tokenizer, tokenizer.encode(`${item.prompt}${text}`, true));
      const { promptLength, continuation } = splitContinuation(prompt, ids);
      if (continuation.length === 0) throw new Error(`probe item ${item.id}: an empty continuation`);
      if (promptLength < 1) {
        throw new Error(`probe item ${item.id}: the continuation merges with the prompt's first token`);
      }
      tokenizer.checkLength(ids.length, `probe item ${item.id}`);
      out.push({ item: index, ids, promptLength, continuation, which: which as 0 | 1 });
    });
  });
  return out;
}

/** Runs every item through one session; outcomes in item order. */
export async function runProbeItems(
  session: ForwardSession,
  tokenizer: ProbeTokenizer,
  kind: ModelKind,
  items: readonly ProbeItem[],
  options: RunProbeOptions,
): Promise<ModelRun> {
  const now = options.now ?? defaultClock();
  const batchSize = Math.max(1, Math.floor(options.batchSize));
  const sequences = sequencesFor(tokenizer, kind, items);
  const outcomes: (ItemOutcome | undefined)[] = new Array(items.length);
  const lm: { safe?: number; unsafe?: number }[] = items.map(() => ({}));
  const padId = tokenizer.padId();
  const started = now();
  let done = 0;
  const rate = (): number => done / Math.max((now() - started) / 1000, 1e-6);
  for (let start = 0; start < sequences.length; start += batchSize) {
    throwIfAborted(options.signal);
    const chunk = sequences.slice(start, start + batchSize);
    const { feeds } = encodeBatch(
      chunk.map((s) => s.ids),
      session,
      padId,
    );
    const { logits, dims } = await session.run(feeds);
    if (dims[0] !== chunk.length) throw new Error(`logits batch ${dims[0]} but ${chunk.length} sequences were fed`);
    chunk.forEach((s, row) => {
      const item = items[s.item]!;
      if (kind === 'classifier') {
        const labels = dims[dims.length - 1]!;
        const perRow = logits.length / chunk.length;
        // [batch, labels] or [batch, seq, labels]: the first position is the pooled one in HF exports.
        outcomes[s.item] = classifierOutcome(item.id, logits.subarray(row * perRow, row * perRow + labels));
        done++;
      } else {
        const lp = continuationLogProb(logits, dims, row, s.promptLength!, s.continuation!);
        const slot = lm[s.item]!;
        if (s.which === 0) slot.safe = lp;
        else slot.unsafe = lp;
        if (slot.safe !== undefined && slot.unsafe !== undefined) {
          outcomes[s.item] = lmOutcome(item.id, slot.safe, slot.unsafe);
          done++;
        }
      }
    });
    options.onProgress?.(done, items.length, rate());
  }
  const elapsed = Math.max((now() - started) / 1000, 1e-6);
  return {
    provider: session.provider,
    batchSize,
    outcomes: outcomes.map((o, i) => {
      if (!o) throw new Error(`probe item ${items[i]?.id ?? i} was not scored`);
      return o;
    }),
    itemsPerSecond: items.length / elapsed,
  };
}
