import { makeFinding } from '../check/make-finding.ts';
import type { Check, Finding } from '../check/types.ts';
import { PROVENANCE_CODES, PROVENANCE_REMEDIES } from '../provenance/codes.ts';
import { BoundedJsonError } from '../util/bounded-json.ts';
import { BEHAVIOR_CODES, type BehaviorCode } from './behavior-codes.ts';
import { formatSeconds, TokenizerBudgetError } from './tokenizer-engine.ts';

/**
 * A behavioral comparison stopped by a time budget is a finding, not a crash: the report is still made with
 * every other check, the behavior check is `error` (never a pass) and the finding says what ran out.
 * A BudgetOutcome has the shape of buildReport's ReportCheckResult (check and findings, no record).
 */

export interface BudgetOutcome {
  check: Check;
  findings: Finding[];
}

function finding(code: BehaviorCode, detail: string, extra: { file?: string; evidence: Record<string, unknown> }) {
  return makeFinding(BEHAVIOR_CODES, code, { detail, ...extra });
}

/** MG-BEH-006: a tokenizer ran past its budget (TokenizerBudgetError from the CLI's worker engine). */
export function tokenizerBudgetOutcome(error: TokenizerBudgetError): BudgetOutcome {
  const where = error.folder ? `${error.folder}/${error.file}` : error.file;
  return {
    check: {
      id: 'behavior',
      status: 'error',
      summary: `The behavioral comparison was stopped: ${where} ran past its ${formatSeconds(error.budgetMs)} tokenizer budget.`,
    },
    findings: [
      finding(
        'MG-BEH-006',
        `${where} did not finish ${error.step} within its ${formatSeconds(error.budgetMs)} budget, so it was stopped and the behavioral comparison did not run. A normalizer or pre-tokenizer regular expression that backtracks without end does this, and hangs every program that loads the tokenizer.`,
        {
          file: error.file,
          evidence: { ...(error.folder ? { folder: error.folder } : {}), budgetMs: error.budgetMs, step: error.step },
        },
      ),
    ],
  };
}

/** MG-BEH-007: the whole comparison ran past its budget (the browser's inference worker, terminated). */
export function behaviorTimeoutOutcome(budgetMs: number): BudgetOutcome {
  const minutes = budgetMs >= 60_000 ? `${Math.round(budgetMs / 60_000)}-minute` : formatSeconds(budgetMs);
  return {
    check: {
      id: 'behavior',
      status: 'error',
      summary: `The behavioral comparison ran past its ${minutes} budget and was stopped.`,
    },
    findings: [
      finding(
        'MG-BEH-007',
        `The behavioral comparison did not finish within its ${minutes} budget, so the worker running it was stopped and the models' behavior was not compared.`,
        { evidence: { budgetMs } },
      ),
    ],
  };
}

/** The error, or one of its causes, of the given class. */
function causeOf<T extends Error>(error: unknown, type: abstract new (...args: never[]) => T): T | undefined {
  for (let e = error, i = 0; e instanceof Error && i < 10; e = e.cause, i++) if (e instanceof type) return e;
  return undefined;
}

/**
 * What to report when the behavioral comparison stops on a hostile file instead of failing the command: a
 * tokenizer that ran out of time (MG-BEH-006), a config.json / tokenizer.json that broke a size or nesting
 * bound (MG-PROV-020; the error's message, which names the file and the bound, is the detail), or an error
 * that carries its own behavior outcome (the page's BehaviorCancelled on its deadline, MG-BEH-007). Looks
 * through `cause`. Undefined for any other error.
 */
export function behaviorStoppedOutcome(error: unknown): BudgetOutcome | undefined {
  const carried = (error as { outcome?: BudgetOutcome } | undefined)?.outcome;
  if (carried?.check?.id === 'behavior' && Array.isArray(carried.findings)) return carried;
  const budget = causeOf(error, TokenizerBudgetError);
  if (budget) return tokenizerBudgetOutcome(budget);
  const bound = causeOf(error, BoundedJsonError);
  if (!bound) return undefined;
  // The outermost message names the file as the user gave it (the folder on disk); the bound's own names it
  // within its folder.
  const what = (error as Error).message.endsWith(bound.message.slice(bound.file.length))
    ? (error as Error).message
    : bound.message;
  return {
    check: { id: 'behavior', status: 'error', summary: `The behavioral comparison did not run: ${what}.` },
    findings: [
      makeFinding(PROVENANCE_CODES, 'MG-PROV-020', {
        detail: `${what}, so the behavioral comparison did not run.`,
        evidence: { bound: bound.bound, check: 'behavior' },
        remedy: PROVENANCE_REMEDIES['MG-PROV-020'],
      }),
    ],
  };
}
