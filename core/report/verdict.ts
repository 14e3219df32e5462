import type { Check, CheckId, Finding, Verdict } from './schema.ts';

/**
 * The checks without which nothing is Pass: every file fingerprinted and every file scanned for code that
 * runs when loaded. A reader takes Pass for "safe to deploy"; a run that skipped either has not shown it.
 */
export const REQUIRED_FOR_PASS: readonly CheckId[] = ['integrity', 'scan'];

/**
 * The verdict rule: fail on any critical finding; review on a high or medium finding, or on a check that
 * failed, errored or needs review; review when a check required for a pass did not run and pass; pass
 * otherwise. A check that fails without a critical finding is a bug in that check, so it still cannot pass.
 */
export function decideVerdict(checks: readonly Check[], findings: readonly Finding[]): Verdict {
  if (findings.some((f) => f.severity === 'critical')) return 'fail';
  if (checks.some((c) => c.status === 'fail')) return 'fail';
  if (findings.some((f) => f.severity === 'high' || f.severity === 'medium')) return 'review';
  if (checks.some((c) => c.status === 'error' || c.status === 'review')) return 'review';
  if (REQUIRED_FOR_PASS.some((id) => !checks.some((c) => c.id === id && c.status === 'pass'))) return 'review';
  return 'pass';
}

/** One plain sentence a non-engineer can act on. */
export function verdictHeadline(verdict: Verdict): string {
  switch (verdict) {
    case 'pass':
      return 'No problems found in the checks that ran.';
    case 'review':
      return 'Something needs a person to look at it before this model is used.';
    case 'fail':
      return 'Do not use this model: a check found a serious problem.';
  }
}
