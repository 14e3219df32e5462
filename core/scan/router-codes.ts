import type { CatalogEntry } from '../check/types.ts';

/** Finding codes of the router (MG-SCAN-900 … 999): routing, budgets, scanner failures. */
export const ROUTER_CODES = {
  'MG-SCAN-900': {
    severity: 'medium',
    title: 'Unknown file content: could not verify',
    explanation:
      'The file is not a format ModelGate can check (by its content, whatever its name), so nothing is known about what loading it would do.',
  },
  'MG-SCAN-901': {
    severity: 'high',
    title: 'The file is valid as two different formats',
    explanation:
      'A polyglot file reads as one thing to one loader and as another to the next; attackers use this to show a scanner the harmless side.',
  },
  'MG-SCAN-902': {
    severity: 'medium',
    title: 'Nested too deeply: could not verify',
    explanation:
      'Archives inside archives went deeper than the scanner’s limit; the innermost content was not checked.',
  },
  'MG-SCAN-903': {
    severity: 'medium',
    title: 'The scanner failed on this file: could not verify',
    explanation:
      'The scanner hit an internal error or its time or memory limit on this file. A failure is never a clean result.',
  },
  'MG-SCAN-904': {
    severity: 'medium',
    title: 'A pickle loader would read this file further than the scan could follow: could not verify',
    explanation:
      'Python pickle loaders (torch.load, pickle.load, joblib.load) start executing a file from its first byte whatever its format. Here they would read on past the part the scanner follows, so what they would run is unknown.',
  },
  'MG-SCAN-905': {
    severity: 'medium',
    title: 'An empty file: nothing in it could be checked',
    explanation:
      'The file has 0 bytes. A model file is never empty: this is a truncated download, a placeholder, or an entry the system could not read. Loading it fails or gives a loader something other than what was published, so it is not called clean.',
  },
  'MG-SCAN-906': {
    severity: 'medium',
    title: 'A file was not scanned: could not verify',
    explanation:
      'The scan did not reach this file (the run was cancelled, or the scan stopped before it). What loading it would do is unknown.',
  },
  'MG-SCAN-907': {
    severity: 'info',
    title: 'Raw tensor data, laid out by another file of the model',
    explanation:
      'This file has no header of its own, so its content alone says nothing. Another file of the folder that the scan read and found benign (a TensorFlow variables.index, an OpenVINO .xml, …) describes it, and its size is exactly what that file lays out: the loader reads these bytes only as tensor values.',
  },
} as const satisfies Record<string, CatalogEntry>;
