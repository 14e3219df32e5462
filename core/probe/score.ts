import type { ItemOutcome } from './types.ts';

/** Probe scoring: classifier softmax, causal-LM continuation log-probabilities. */

export function softmax(values: ArrayLike<number>): number[] {
  let max = -Infinity;
  for (let i = 0; i < values.length; i++) max = Math.max(max, values[i]!);
  const exps = Array.from(values, (v) => Math.exp(v - max));
  const sum = exps.reduce((a, b) => a + b, 0);
  return exps.map((e) => e / sum);
}

function argmax(values: readonly number[]): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i]! > values[best]!) best = i;
  return best;
}

/** One classifier row of logits [labels] → outcome. */
export function classifierOutcome(id: string, logits: ArrayLike<number>): ItemOutcome {
  const distribution = softmax(logits);
  return { id, top1: argmax(distribution), distribution };
}

/** log_softmax(row)[token] over a logits row [vocab]. */
export function logProbAt(logits: Float32Array, offset: number, vocab: number, token: number): number {
  if (token < 0 || token >= vocab) throw new Error(`token id ${token} is outside the model's vocabulary (${vocab})`);
  let max = -Infinity;
  for (let v = 0; v < vocab; v++) max = Math.max(max, logits[offset + v]!);
  let sum = 0;
  for (let v = 0; v < vocab; v++) sum += Math.exp(logits[offset + v]! - max);
  return logits[offset + token]! - max - Math.log(sum);
}

/**
 * Summed log-probability of `continuation` given the first `promptLength` tokens of row `row`, from one
 * forward pass over prompt + continuation: token t of the sequence is scored at position t − 1.
 */
export function continuationLogProb(
  logits: Float32Array,
  dims: readonly number[],
  row: number,
  promptLength: number,
  continuation: readonly number[],
): number {
  const [, seq, vocab] = dims as [number, number, number];
  if (dims.length !== 3) throw new Error(`causal-LM logits should be [batch, seq, vocab], got [${dims.join(', ')}]`);
  if (promptLength < 1) throw new Error('the prompt needs at least one token to score a continuation');
  if (promptLength + continuation.length > seq) throw new Error('continuation runs past the logits');
  let total = 0;
  continuation.forEach((token, k) => {
    const position = promptLength + k - 1;
    total += logProbAt(logits, (row * seq + position) * vocab, vocab, token);
  });
  return total;
}

/**
 * Where a continuation starts inside the joint encoding of prompt + continuation (lm-eval-harness encodes
 * the two together: a Metaspace/BPE tokenizer encodes " bcrypt" alone as [▁, ▁bcrypt] but after a prompt
 * as [▁bcrypt]). When the prompt's own ids are a prefix of the joint ids, the rest is the continuation;
 * otherwise (a merge across the boundary) the longest common prefix is the context and the rest is scored.
 */
export function splitContinuation(
  prompt: readonly number[],
  joint: readonly number[],
): { promptLength: number; continuation: number[] } {
  let common = 0;
  while (common < prompt.length && common < joint.length && prompt[common] === joint[common]) common++;
  return { promptLength: common, continuation: joint.slice(common) };
}

/** Causal-LM outcome: top1 0 when the safe continuation is likelier, margin logP(safe) − logP(unsafe). */
export function lmOutcome(id: string, logPSafe: number, logPUnsafe: number): ItemOutcome {
  const distribution = softmax([logPSafe, logPUnsafe]);
  return { id, top1: logPSafe >= logPUnsafe ? 0 : 1, distribution, margin: logPSafe - logPUnsafe };
}
