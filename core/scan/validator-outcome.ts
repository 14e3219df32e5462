import type { ScanContext, ScanFinding, ScanOutcome, ScanVerdict } from './types.ts';
import { worstVerdict } from './types.ts';
import { verdictOfFinding } from './finding-verdict.ts';
import type { ValidatorCode } from './validator-codes.ts';

/** What each validator finding does to the file's verdict. Unlisted codes are "invalid". */
/** What each validator code makes of a file on its own; a code not listed makes it invalid. */
export const VALIDATOR_CODE_VERDICTS: Partial<Record<ValidatorCode, ScanVerdict>> = {
  'MG-SCAN-229': 'malicious',
  'MG-SCAN-230': 'suspicious',
  'MG-SCAN-231': 'unverified',
  'MG-SCAN-241': 'malicious',
  'MG-SCAN-243': 'suspicious',
  'MG-SCAN-244': 'benign',
  'MG-SCAN-245': 'unverified',
  'MG-SCAN-261': 'malicious',
  'MG-SCAN-262': 'suspicious',
  'MG-SCAN-263': 'malicious',
  'MG-SCAN-264': 'suspicious',
  'MG-SCAN-265': 'suspicious',
  'MG-SCAN-266': 'unverified',
  'MG-SCAN-268': 'benign',
  'MG-SCAN-269': 'malicious',
  'MG-SCAN-270': 'unverified',
};

/**
 * Verdict = the worst verdict any finding implies; benign only when no finding implies otherwise.
 * The reason is the detail of the first finding that set the verdict, prefixed with the format.
 */
export function validatorOutcome(format: string, findings: ScanFinding[], ctx: ScanContext): ScanOutcome {
  const located = ctx.memberPath ? findings.map((f) => ({ ...f, member: f.member ?? ctx.memberPath })) : findings;
  const verdict = worstVerdict(located.map(verdictOfFinding));
  if (verdict === 'benign') return { format, verdict, findings: located };
  const first = located.find((f) => verdictOfFinding(f) === verdict);
  return { format, verdict, reason: `${format} ${first?.detail ?? ''}`.trim(), findings: located };
}
