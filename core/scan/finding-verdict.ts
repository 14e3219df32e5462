import { CONTAINER_CODES } from './container-codes.ts';
import { FORMAT_CATALOGS } from './format-catalogs.ts';
import { PICKLE_CODE_VERDICTS } from './pickle-codes.ts';
import type { ScanFinding, ScanVerdict } from './types.ts';
import { VALIDATOR_CODES } from './validator-codes.ts';
import { VALIDATOR_CODE_VERDICTS } from './validator-outcome.ts';

/**
 * Every scan code and the verdict it makes of a file on its own, from the catalogs that define them. Built
 * on first use: the outcome builders that call verdictOfFinding are imported by those catalogs' modules.
 */
let verdictOfCode: ReadonlyMap<string, ScanVerdict> | undefined;
const table = (): ReadonlyMap<string, ScanVerdict> =>
  (verdictOfCode ??= new Map<string, ScanVerdict>([
    ...Object.values(CONTAINER_CODES).map(({ code, verdict }) => [code, verdict] as const),
    ...(Object.keys(VALIDATOR_CODES) as (keyof typeof VALIDATOR_CODES)[]).map(
      (code) => [code, VALIDATOR_CODE_VERDICTS[code] ?? 'invalid'] as const,
    ),
    ...Object.entries(PICKLE_CODE_VERDICTS),
    ...FORMAT_CATALOGS.flatMap((catalog) =>
      Object.values(catalog).map(({ code, verdict }) => [code, verdict] as const),
    ),
  ]));

/**
 * The one place a file's scan verdict is read from a finding. A code no catalog knows is at least
 * suspicious: a finding nobody can interpret never leaves a file benign.
 */
export function verdictOfFinding(finding: ScanFinding): ScanVerdict {
  return table().get(finding.code) ?? 'suspicious';
}
