import type { CheckId, Report } from './schema.ts';

/** How a reader gets a check that did not run: in the portal and with the CLI. */
export const HOW_TO_CHECK: Record<CheckId, string> = {
  integrity: 'Verify the whole model folder (Verify page, or modelgate verify) so every file is fingerprinted.',
  signature:
    'Put the publisher’s model.sig in the folder and give their public key (Verify options, or modelgate verify --key).',
  scan: 'Verify the folder on the Verify page (or modelgate verify), which scans every file for code that runs when loaded.',
  behavior:
    'Compare it with its base model on the Compare page (or modelgate compare --base), which asks both the same probe questions.',
  lineage: 'Compare its weights with the base it names on the Compare page (or modelgate compare --base).',
  provenance: 'Include the model card (README.md) in the folder you verify.',
};

export const CHECK_NAMES: Record<CheckId, string> = {
  integrity: 'File fingerprints',
  signature: 'Publisher signature',
  scan: 'Malware scan',
  behavior: 'Behavior against the base model',
  lineage: 'Weights against the base model',
  provenance: 'Model card and licence',
};

export interface Coverage {
  ran: number;
  total: number;
  /** The checks that did not run, each with how to run it. */
  notRun: { id: CheckId; name: string; how: string }[];
}

/** "3 of 6 checks ran", and what was not checked: part of the verdict, never a footnote. */
export function coverageOf(report: Pick<Report, 'checks'>): Coverage {
  const notRun = report.checks
    .filter((c) => c.status === 'skipped')
    .map((c) => ({ id: c.id, name: CHECK_NAMES[c.id], how: HOW_TO_CHECK[c.id] }));
  return { ran: report.checks.length - notRun.length, total: report.checks.length, notRun };
}
