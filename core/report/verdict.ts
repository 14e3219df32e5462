import type { Check, Finding, Verdict } from './schema.ts';

/**
 * The verdict rule: fail on any critical finding; review on a high or medium finding, or on a check that
 * failed, errored or needs review; pass otherwise. A check that fails without a critical finding is a
 * bug in that check, so it still cannot pass.
 */
export function decideVerdict(checks: readonly Check[], findings: readonly Finding[]): Verdict {
  if (findings.some((f) => f.severity === 'critical')) return 'fail';
  if (checks.some((c) => c.status === 'fail')) return 'fail';
  if (findings.some((f) => f.severity === 'high' || f.severity === 'medium')) return 'review';
  if (checks.some((c) => c.status === 'error' || c.status === 'review')) return 'review';
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
