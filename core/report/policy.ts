// A verification policy for CI: a JSON file that tunes how findings count, without editing
// the checks themselves.
//
//   { "severity": { "MG-INT-003": "low", … },   severity overrides per finding code (default: none)
//     "failOn": "fail" | "review",              which verdict fails the pipeline, exit 2 (default "fail";
//                                               "review" makes a review verdict exit 2 as well)
//     "ignore": ["MG-…", …] }                   finding codes dropped from the report (default: none)
//
// Every field is optional; `{}` is the default policy and changes nothing. Unknown fields are refused, so
// a misspelt key cannot silently do nothing. After the findings are changed, the verdict is decided again
// by core/report/verdict.ts's rules. A check whose status followed from its own findings (its area's
// codes: MG-INT → integrity, MG-SIG → signature, …) is recomputed from what the policy left of them; a
// check whose status has another cause (a check in error, a failure without a matching finding) keeps it.
import { z } from 'zod';
import { SeveritySchema, type Check, type CheckId, type Finding, type Report, type Severity } from './schema.ts';
import { decideVerdict } from './verdict.ts';
import { jsonBoundProblem } from '../util/bounded-json.ts';

const CODE = /^MG-(INT|SIG|SCAN|BEH|LIN|ADP|PROV|RPT)-\d{3}$/;
const codeSchema = z.string().regex(CODE, 'expected a finding code like MG-SCAN-001');

export const PolicySchema = z.strictObject({
  severity: z.record(codeSchema, SeveritySchema).optional(),
  failOn: z.enum(['fail', 'review']).optional(),
  ignore: z.array(codeSchema).optional(),
});

export type Policy = z.infer<typeof PolicySchema>;

export const DEFAULT_POLICY: Required<Policy> = { severity: {}, failOn: 'fail', ignore: [] };

export class PolicyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PolicyError';
  }
}

/** Parses a policy file's text; every problem is reported with the file's name and the field's path. */
export function parsePolicy(text: string, fileName: string): Policy {
  let json: unknown;
  const bound = jsonBoundProblem(text);
  if (bound) throw new PolicyError(`${fileName}: ${bound.what}`);
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new PolicyError(`${fileName}: not valid JSON (${(error as Error).message})`);
  }
  const parsed = PolicySchema.safeParse(json);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => {
      const where = i.path.join('.') || '(top level)';
      // zod words a bad record key as "Invalid key in record"; say what a key must be.
      return i.code === 'invalid_key' ? `${where}: not a finding code like MG-SCAN-001` : `${where}: ${i.message}`;
    });
    throw new PolicyError(`${fileName}: not a ModelGate policy: ${problems.join('; ')}`);
  }
  return parsed.data;
}

const AREA_CHECK: Record<string, CheckId> = {
  INT: 'integrity',
  SIG: 'signature',
  SCAN: 'scan',
  BEH: 'behavior',
  LIN: 'lineage',
  PROV: 'provenance',
};

function checkOf(f: Finding): CheckId | undefined {
  return AREA_CHECK[f.code.split('-')[1] ?? ''];
}

/**
 * Findings that fail their check although below critical, as the check itself decides: the behavior check
 * fails on a safety category that got worse (core/probe/behavior-check.ts), reported as MG-BEH-002 at high.
 * Matched on code and severity, so a severity override of that code is followed like any other finding.
 */
const FAILS_AT: Partial<Record<CheckId, readonly { code: string; severity: Severity }[]>> = {
  behavior: [{ code: 'MG-BEH-002', severity: 'high' }],
};

/**
 * The status a check's own findings imply: critical fails, and so does a finding the check itself fails
 * on (FAILS_AT); high or medium needs review.
 */
function statusFromFindings(id: CheckId, findings: readonly Finding[]): Check['status'] {
  if (findings.some((f) => f.severity === 'critical')) return 'fail';
  const failsAt = FAILS_AT[id] ?? [];
  if (findings.some((f) => failsAt.some((r) => r.code === f.code && r.severity === f.severity))) return 'fail';
  if (findings.some((f) => f.severity === 'high' || f.severity === 'medium')) return 'review';
  return 'pass';
}

export interface PolicyOutcome {
  report: Report;
  /** Findings removed by `ignore`, and findings whose severity was overridden. */
  ignored: number;
  overridden: number;
  /** The verdict the pipeline should act on: with failOn "review", a review counts as a failure. */
  exitVerdict: Report['verdict'];
}

export function applyPolicy(report: Report, policy: Policy): PolicyOutcome {
  const ignore = new Set(policy.ignore ?? []);
  const severity: Record<string, Severity> = policy.severity ?? {};
  let overridden = 0;
  const findings: Finding[] = [];
  for (const f of report.findings) {
    if (ignore.has(f.code)) continue;
    const wanted = severity[f.code];
    if (wanted !== undefined && wanted !== f.severity) {
      overridden += 1;
      findings.push({ ...f, severity: wanted });
    } else findings.push(f);
  }
  const ignored = report.findings.length - findings.length;
  const checks = report.checks.map((check) => {
    if (check.status !== 'fail' && check.status !== 'review') return check;
    const before = report.findings.filter((f) => checkOf(f) === check.id);
    if (statusFromFindings(check.id, before) !== check.status) return check;
    const after = findings.filter((f) => checkOf(f) === check.id);
    const status = statusFromFindings(check.id, after);
    if (status === check.status) return check;
    return { ...check, status, summary: `${check.summary} (status ${status} under the policy, was ${check.status})` };
  });
  const verdict = decideVerdict(checks, findings);
  const failOn = policy.failOn ?? DEFAULT_POLICY.failOn;
  const exitVerdict = failOn === 'review' && verdict === 'review' ? 'fail' : verdict;
  const changed: Report = { ...report, checks, findings, verdict };
  if (ignored > 0 || overridden > 0) changed.policy = policyRecord(report.findings, ignore, severity);
  return { report: changed, ignored, overridden, exitVerdict };
}

/** The codes the policy actually removed or re-rated in this report (not every code the policy names). */
function policyRecord(
  findings: readonly Finding[],
  ignore: ReadonlySet<string>,
  severity: Record<string, Severity>,
): NonNullable<Report['policy']> {
  const ignored = [...new Set(findings.filter((f) => ignore.has(f.code)).map((f) => f.code))];
  const overridden: Record<string, Severity> = {};
  for (const f of findings) {
    const wanted = severity[f.code];
    if (!ignore.has(f.code) && wanted !== undefined && wanted !== f.severity) overridden[f.code] = wanted;
  }
  return { ignored, overridden };
}
