import { proxy, wrap } from 'comlink';
import type { BehaviorProgress, BehaviorRequest, BehaviorResult } from '@/workers/behavior-job';
import type { InferWorkerApi } from '@/workers/infer.worker';
import { behaviorTimeoutOutcome, type BudgetOutcome } from '@/core/probe/budget-outcome';
import type { ModelFile } from './model-files';

/**
 * A run that takes longer is stopped: the worker (and any model it holds) is terminated. It is the time
 * budget of everything untrusted the comparison runs in the browser: the tokenizers' regular expressions
 * and the two models, which share the inference worker (a tokenizer regex that never finishes blocks that
 * worker, so only terminating it ends the run).
 */
export const BEHAVIOR_TIME_BUDGET_MS = 15 * 60 * 1000;

export class BehaviorCancelled extends Error {
  readonly reason: 'cancelled' | 'timeout';
  /**
   * On 'timeout', the behavior check and its finding (MG-BEH-007): the report is still made, with
   * `extraChecks: [outcome.check]` and `extraFindings: outcome.findings`, and the run ends with that finding.
   */
  readonly outcome: BudgetOutcome | undefined;
  constructor(reason: 'cancelled' | 'timeout', budgetMs = BEHAVIOR_TIME_BUDGET_MS) {
    super(
      reason === 'cancelled'
        ? 'The behavioral comparison was cancelled.'
        : `The behavioral comparison ran past its ${Math.round(budgetMs / 60000)}-minute budget and was stopped.`,
    );
    this.name = 'BehaviorCancelled';
    this.reason = reason;
    this.outcome = reason === 'timeout' ? behaviorTimeoutOutcome(budgetMs) : undefined;
  }
}

/**
 * Runs base and fine-tune on the probe set in a fresh inference worker — the only place an untrusted model
 * runs, under the worker CSP (connect-src 'self' blob:, no other origin) — and terminates it when the run
 * ends, fails, is cancelled or exceeds its time budget: whichever comes first settles the promise once.
 */
export function compareBehaviorInWorker(
  request: Omit<BehaviorRequest, 'base' | 'finetune'> & { base: readonly ModelFile[]; finetune: readonly ModelFile[] },
  onProgress: BehaviorProgress,
  signal: AbortSignal,
  budgetMs = BEHAVIOR_TIME_BUDGET_MS,
): Promise<BehaviorResult> {
  if (signal.aborted) return Promise.reject(new BehaviorCancelled('cancelled'));
  const worker = new Worker('/workers/infer.worker.js', { type: 'module', name: 'infer-behavior' });
  const plain = (files: readonly ModelFile[]) => files.map(({ path, file }) => ({ path, file }));
  return new Promise<BehaviorResult>((resolve, reject) => {
    let settled = false;
    const settle = (outcome: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      worker.terminate();
      outcome();
    };
    const timer = setTimeout(() => settle(() => reject(new BehaviorCancelled('timeout', budgetMs))), budgetMs);
    const onAbort = () => settle(() => reject(new BehaviorCancelled('cancelled')));
    signal.addEventListener('abort', onAbort, { once: true });
    worker.addEventListener('error', (event) =>
      settle(() => reject(new Error(`the inference worker failed: ${event.message || 'it could not start'}`))),
    );
    // Progress messages travel on their own MessagePort and may still be queued after the worker is gone:
    // once settled, they must not repaint a finished or cancelled run as running.
    const progress: BehaviorProgress = (...args) => {
      if (!settled) onProgress(...args);
    };
    wrap<InferWorkerApi>(worker)
      .compareBehavior({ ...request, base: plain(request.base), finetune: plain(request.finetune) }, proxy(progress))
      .then(
        (result) => settle(() => resolve(result)),
        (error: unknown) => settle(() => reject(error)),
      );
  });
}
