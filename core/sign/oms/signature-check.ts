// Turns an OMS result into the Report's `signature` check and its findings, for
// buildReport's extraChecks / extraFindings.
import type { Check, Finding } from '../../check/types.ts';
import type { OmsProblem, OmsResult } from './result.ts';
import { SIGNATURE_CODES } from './signature-codes.ts';

export function problemFinding(p: OmsProblem): Finding {
  const { severity, title } = SIGNATURE_CODES[p.code];
  return {
    code: p.code,
    severity,
    title,
    detail: p.detail.slice(0, 10_000),
    ...(p.file ? { file: p.file } : {}),
    ...(p.evidence ? { evidence: p.evidence } : {}),
  };
}

function summary(result: OmsResult): string {
  const count = (code: string) => result.problems.filter((p) => p.code === code).length;
  if (result.status === 'valid') {
    return `Signature (${result.method}) verified: ${result.signer ?? 'signer'}; ${result.manifest?.verified ?? 0} files match what was signed.`;
  }
  if (result.status === 'not-verifiable')
    return `The signature could not be verified here (stopped at: ${result.stage}).`;
  if (result.stage !== 'done') return `The signature does not hold (stopped at: ${result.stage}).`;
  return `The signature verified, but the files differ: ${count('MG-SIG-006')} modified, ${count('MG-SIG-007')} missing, ${count('MG-SIG-008')} unsigned, ${count('MG-SIG-016')} unreadable.`;
}

export function signatureCheck(result: OmsResult): { check: Check; findings: Finding[] } {
  const status: Check['status'] = result.status === 'valid' ? 'pass' : result.status === 'invalid' ? 'fail' : 'review';
  return {
    check: { id: 'signature', status, summary: summary(result).slice(0, 2000) },
    findings: result.problems.map(problemFinding),
  };
}
