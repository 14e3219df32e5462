// What OMS verification returns: a status, where it stopped, and every problem as a catalog code.
import type { ManifestResult } from './manifest-check.ts';
import { SIGNATURE_CODES, type SignatureCode } from './signature-codes.ts';

export type OmsMethod = 'key' | 'certificate' | 'sigstore';

export type OmsTrust =
  | { method: 'key'; publicKeyPem: string }
  | { method: 'certificate'; caPems: readonly string[] }
  | { method: 'sigstore'; trustedRootJson: string; identity: string; issuer: string };

export interface OmsProblem {
  code: SignatureCode;
  detail: string;
  file?: string;
  evidence?: Record<string, unknown>;
}

export type OmsStage = 'bundle' | 'signer' | 'signature' | 'statement' | 'files' | 'done';

export interface OmsResult {
  /** valid: signature and every file check out; not-verifiable: never valid, never refuted. */
  status: 'valid' | 'invalid' | 'not-verifiable';
  /** The last stage reached: where a failure happened, 'done' when every stage ran. */
  stage: OmsStage;
  method: OmsMethod;
  signer?: string;
  subjectName?: string;
  rootDigest?: string;
  legacy?: boolean;
  problems: OmsProblem[];
  manifest?: ManifestResult;
}

const NOT_VERIFIABLE: ReadonlySet<SignatureCode> = new Set(['MG-SIG-010', 'MG-SIG-012']);

/** invalid on any critical or high problem; not-verifiable when something could not be checked. */
export function statusOf(problems: readonly OmsProblem[]): OmsResult['status'] {
  const severe = problems.some((p) => ['critical', 'high'].includes(SIGNATURE_CODES[p.code].severity));
  if (severe) return 'invalid';
  return problems.some((p) => NOT_VERIFIABLE.has(p.code)) ? 'not-verifiable' : 'valid';
}
