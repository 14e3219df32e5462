import type { Check, CheckId, Finding, Report, Verdict } from './schema.ts';

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

/** The answer to the one question a triage reader brings: can this model be deployed? */
export function deployAnswer(verdict: Verdict): 'Yes' | 'No' | 'Ask an engineer' {
  return verdict === 'pass' ? 'Yes' : verdict === 'fail' ? 'No' : 'Ask an engineer';
}

/**
 * One plain sentence a non-engineer can act on, naming what was checked (the malware scan first) and, on a
 * failure, the problem itself: the worst finding, or the check that failed.
 */
export function verdictHeadline(report: Pick<Report, 'verdict' | 'checks' | 'findings'>): string {
  switch (report.verdict) {
    case 'pass':
      return 'No malware found and every file fingerprinted; nothing in the checks that ran needs attention.';
    case 'review': {
      const reason = worstReason(report);
      return `A person should look at this before the model is used${reason ? `: ${reason}` : '.'}`;
    }
    case 'fail':
      return `Do not use this model: ${worstReason(report) ?? 'a check failed'}`;
  }
}

const SEVERITY_ORDER = ['critical', 'high', 'medium', 'low', 'info'] as const;

/** The finding or check a reader should see first: the worst finding, else a check that did not pass. */
function worstReason(report: Pick<Report, 'checks' | 'findings'>): string | undefined {
  const worst = [...report.findings].sort(
    (a, b) => SEVERITY_ORDER.indexOf(a.severity) - SEVERITY_ORDER.indexOf(b.severity),
  )[0];
  if (worst && worst.severity !== 'low' && worst.severity !== 'info') {
    return `${lowerFirst(worst.title)}${worst.file ? ` (${worst.file})` : ''}.`;
  }
  const unfinished = report.checks.find((c) => c.status === 'fail' || c.status === 'error' || c.status === 'review');
  if (unfinished) return `${unfinished.id}: ${lowerFirst(unfinished.summary)}`;
  const missing = REQUIRED_FOR_PASS.find((id) => !report.checks.some((c) => c.id === id && c.status === 'pass'));
  if (missing) return missing === 'scan' ? 'the malware scan did not run.' : 'not every file was fingerprinted.';
  return undefined;
}

function lowerFirst(text: string): string {
  return /^[A-Z][a-z]/.test(text) ? text[0]!.toLowerCase() + text.slice(1) : text;
}
