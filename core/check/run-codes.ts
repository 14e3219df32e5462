import type { CatalogEntry } from './types.ts';

/**
 * Codes about the run itself rather than the model: a run that was cancelled, or a check that could not
 * complete. They keep a verdict from reading as a pass when part of the model was never checked.
 */
export const RUN_CODES = {
  'MG-RPT-001': {
    severity: 'medium',
    title: 'Verification was cancelled',
    explanation: 'The run was stopped before every file was checked; the report covers only part of the model.',
  },
  'MG-RPT-002': {
    severity: 'medium',
    title: 'A check could not complete',
    explanation:
      'One check stopped on a file it could not handle (a parser limit, a time budget, an unexpected error). The other checks ran; what this one would have found is unknown, so the model cannot pass.',
    remedy:
      'Look at the named file: a file built to break a parser is itself a warning sign. Re-run after removing or repairing it.',
  },
} as const satisfies Record<string, CatalogEntry>;

export type RunCode = keyof typeof RUN_CODES;
