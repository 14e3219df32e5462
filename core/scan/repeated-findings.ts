import type { ScanFinding, ScanOutcome } from './types.ts';

/** How many findings of one code a file's outcome lists before the rest are counted, not listed. */
export const FINDINGS_PER_CODE = 20;

/**
 * A hostile file can repeat one problem hundreds of thousands of times (an ONNX graph of 200,000 custom
 * nodes), which would make every report, link and SARIF log of it hundreds of megabytes. Each code keeps
 * its first FINDINGS_PER_CODE findings; the rest become one finding of the same code that says how many
 * were left out, so the verdict (which depends on the codes) and the count stay true.
 */
export function aggregateRepeatedFindings(outcome: ScanOutcome): ScanOutcome {
  const byCode = new Map<string, ScanFinding[]>();
  for (const f of outcome.findings) byCode.set(f.code, [...(byCode.get(f.code) ?? []), f]);
  if ([...byCode.values()].every((list) => list.length <= FINDINGS_PER_CODE)) return outcome;
  const findings: ScanFinding[] = [];
  for (const list of byCode.values()) {
    findings.push(...list.slice(0, FINDINGS_PER_CODE));
    const rest = list.length - FINDINGS_PER_CODE;
    if (rest > 0) findings.push(summary(list[0]!, rest));
  }
  return { ...outcome, findings };
}

function summary(first: ScanFinding, rest: number): ScanFinding {
  const { code, severity, title, member } = first;
  return {
    code,
    severity,
    title,
    detail: `${rest} more findings of this kind in the same file, not listed one by one`,
    ...(member ? { member } : {}),
    evidence: { repeated: rest },
  };
}
