import { makeFinding } from '../check/make-finding.ts';
import { RUN_CODES } from '../check/run-codes.ts';
import type { CheckId } from '../check/types.ts';
import type { ReportCheckResult } from '../report/build-report.ts';
import { behaviorStoppedOutcome } from '../probe/budget-outcome.ts';

const CHECK_NAMES: Record<CheckId, string> = {
  integrity: 'integrity check',
  signature: 'signature check',
  scan: 'malware scan',
  behavior: 'behavioral comparison',
  lineage: 'weight comparison',
  provenance: 'model card check',
};

/** An error a check may throw to say which file broke it (a parser bound, a budget). */
export interface FileError extends Error {
  file?: string;
}

/** A mistake in how the tool was called (a flag, a missing folder): the caller reports it, the run stops. */
export function isUsageError(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { usage?: unknown }).usage === true;
}

/** The cause in plain words: never a raw schema dump or a bare engine message. */
export function plainCause(error: unknown): string {
  if (!(error instanceof Error)) return String(error).slice(0, 2000);
  const issues = (error as { issues?: { path?: PropertyKey[]; message?: string }[] }).issues;
  if (error.name === 'ZodError' && Array.isArray(issues) && issues.length > 0) {
    const first = issues[0]!;
    const where = first.path?.length ? first.path.map(String).join('.') : 'the document';
    return `a value is outside what ModelGate accepts (${where}: ${first.message ?? 'invalid'})`;
  }
  if (error instanceof RangeError && /call stack/i.test(error.message)) {
    return 'the input is nested more deeply than the reader can follow';
  }
  return error.message.slice(0, 2000) || error.name;
}

/**
 * A check that threw becomes an `error` check with a finding naming the file and the cause; the other
 * checks still run, and the verdict cannot pass (core/report/verdict.ts reads `error` as review at best).
 */
export function checkErrorResult(id: CheckId, error: unknown): ReportCheckResult {
  // A budget that ran out or a file past a bound has its own finding (MG-BEH-006/007, MG-PROV-020).
  const stopped = id === 'behavior' ? behaviorStoppedOutcome(error) : undefined;
  if (stopped) return stopped;
  const cause = plainCause(error);
  const file = (error as FileError | undefined)?.file;
  return {
    check: { id, status: 'error', summary: `The ${CHECK_NAMES[id]} could not complete: ${cause}`.slice(0, 2000) },
    findings: [
      makeFinding(RUN_CODES, 'MG-RPT-002', {
        detail: `The ${CHECK_NAMES[id]} stopped${file ? ` on ${file}` : ''}: ${cause}`,
        ...(file ? { file } : {}),
      }),
    ],
  };
}

/** A step's value, or the error result of the check it belongs to. */
export type Attempt<T> = { ok: true; value: T } | { ok: false; failed: ReportCheckResult };

/** Runs one check's step so that a throw becomes that check's error result; usage errors and cancellation still stop the run. */
export async function attempt<T>(id: CheckId, run: () => Promise<T>, signal?: AbortSignal): Promise<Attempt<T>> {
  try {
    return { ok: true, value: await run() };
  } catch (error) {
    if (isUsageError(error) || signal?.aborted) throw error;
    return { ok: false, failed: checkErrorResult(id, error) };
  }
}
