import type { ScanVerdict } from './types.ts';
import type { CatalogEntry } from '../check/types.ts';

/**
 * Finding codes of the pickle scanner (MG-SCAN-001 … 099, core/scan/README.md). Stable: never renumber
 * or reuse a code. `PICKLE_CODE_VERDICTS` says what each code makes of a file on its own.
 */
export const PICKLE_CODES = {
  'MG-SCAN-001': {
    severity: 'critical',
    title: 'This file would run a command or code when loaded',
    explanation:
      'Loading it calls a function that executes shell commands or Python code (os.system, subprocess, eval, exec…). This is how malware hides in model weights.',
  },
  'MG-SCAN-002': {
    severity: 'critical',
    title: 'This file would look up and call arbitrary code when loaded',
    explanation:
      'It uses a name resolver (getattr, __import__, importlib, pkgutil.resolve_name, operator getters…) that lets a pickle reach any function, a standard way around scanners.',
  },
  'MG-SCAN-003': {
    severity: 'critical',
    title: 'This file would read or write files when loaded',
    explanation: 'Loading it opens, writes, copies or deletes files on the machine that loads it.',
  },
  'MG-SCAN-004': {
    severity: 'critical',
    title: 'This file would connect to the network when loaded',
    explanation:
      'Loading it opens sockets, fetches URLs or starts a server, which can leak data or fetch more malware.',
  },
  'MG-SCAN-005': {
    severity: 'critical',
    title: 'This file loads another hidden pickle',
    explanation:
      'It passes bytes to a pickle loader (pickle.loads, dill, torch.load…), so a second program hidden in the data runs too. The inner bytes were scanned as well.',
  },
  'MG-SCAN-006': {
    severity: 'critical',
    title: 'This file uses a machine-learning library internal that can run code',
    explanation:
      'It calls a torch/numpy/mlflow/pandas internal known to execute code or fetch data (published scanner bypasses).',
  },
  'MG-SCAN-007': {
    severity: 'critical',
    title: 'This file reaches Python internals through special attributes',
    explanation:
      'It walks attributes like __builtins__, __globals__ or __subclasses__, which leads to eval and friends even from an allowed module.',
  },
  'MG-SCAN-008': {
    severity: 'critical',
    title: 'This file would change the system when loaded',
    explanation: 'Loading it has side effects outside the model (logging handlers, file writes, settings).',
  },
  'MG-SCAN-009': {
    severity: 'critical',
    title: 'This file makes the loader open a file outside the model folder',
    explanation:
      'An allowed object (such as a joblib array wrapper) names a file outside the folder, which the loader opens with pickling allowed: whatever that file holds would run.',
  },
  'MG-SCAN-010': {
    severity: 'medium',
    title: 'This file imports code that is not on the list of known-safe model classes',
    explanation:
      'Ordinary checkpoints only need tensors, arrays and a few containers. Any other import runs code from that library when loaded; it may be legitimate, but it cannot be verified.',
  },
  'MG-SCAN-011': {
    severity: 'medium',
    title: 'A known-safe function is used in an unusual way',
    explanation:
      'An allowed function is called with arguments of an unexpected shape, which real checkpoints never do.',
  },
  'MG-SCAN-012': {
    severity: 'medium',
    title: 'This file calls something computed at load time',
    explanation: 'It calls the result of another call or an object, a pattern used to chain gadgets.',
  },
  'MG-SCAN-013': {
    severity: 'high',
    title: 'This file rewrites attributes of a library function or class',
    explanation:
      'A BUILD instruction sets attributes on an imported function or class, so later calls behave differently (numpy.__builtins__ trick).',
  },
  'MG-SCAN-014': {
    severity: 'high',
    title: 'This file plants a special method on an object',
    explanation:
      'It sets a special attribute such as __setstate__ on an object, so restoring it calls an arbitrary function without a REDUCE instruction.',
  },
  'MG-SCAN-015': {
    severity: 'high',
    title: 'This file calls a method on an object that is not a plain container',
    explanation:
      'SETITEM/APPEND/ADDITEMS on something other than a dict, list or set calls that object’s own method (PyTorch weights_only bypass).',
  },
  'MG-SCAN-016': {
    severity: 'medium',
    title: 'This file uses pickle extension codes',
    explanation:
      'EXT opcodes refer to a registry that is empty unless the loading program filled it; real checkpoints do not use them.',
  },
  'MG-SCAN-017': {
    severity: 'low',
    title: 'This file needs data supplied from outside the file',
    explanation:
      'It refers to out-of-band buffers (pickle protocol 5) that the loader must pass in; it cannot load on its own.',
  },
  'MG-SCAN-020': {
    severity: 'high',
    title: 'Different loaders would read different programs from this file',
    explanation:
      'Its pickle frames disagree with its instructions, so a framed reader and a linear reader see different content. Scanners and loaders can be fooled this way.',
  },
  'MG-SCAN-021': {
    severity: 'medium',
    title: 'A pickle in this file is broken',
    explanation:
      'Parsing stopped at an error. Loaders run every instruction before the error, so what precedes it was scanned; the rest was searched for further pickles.',
  },
  'MG-SCAN-022': {
    severity: 'high',
    title: 'This is not a readable pickle',
    explanation: 'No complete pickle instruction stream could be read from it.',
  },
  'MG-SCAN-023': {
    severity: 'medium',
    title: 'The scan stopped at a safety limit',
    explanation:
      'The pickle is too large or too deeply nested for the scan limits (a deliberate bomb looks like this), so part of it was not checked.',
  },
  'MG-SCAN-024': {
    severity: 'info',
    title: 'The file has data after its pickles',
    explanation: 'Bytes after the last pickle were not a pickle (PyTorch legacy files keep tensor data there).',
  },
  'MG-SCAN-025': {
    severity: 'info',
    title: 'The file holds several pickles',
    explanation: 'Loaders such as PyTorch legacy read several pickles in a row; each one was scanned.',
  },
  'MG-SCAN-026': {
    severity: 'medium',
    title: 'A joblib array could not be skipped',
    explanation:
      'joblib stores raw array bytes inside its pickle; their size could not be worked out, so the rest was searched.',
  },
  'MG-SCAN-027': {
    severity: 'info',
    title: 'The names this pickle imports',
    explanation:
      'Every module and name the pickle asks the loader to import, exactly as written in the file, so a reviewer can see what loading it touches.',
  },
  'MG-SCAN-028': {
    severity: 'medium',
    title: 'This file makes the loader open another file of the folder',
    explanation:
      'An allowed object (such as an old-format joblib array wrapper) names a second file that the loader opens with pickling allowed. That file is scanned on its own; this one is only as safe as it.',
  },
  'MG-SCAN-029': {
    severity: 'critical',
    title: 'This file replaces a method that loading calls',
    explanation:
      'It stores a function under the name of a method (append, keys, read…) on an object; the unpickler or the library code that receives the object calls that name, so the stored function runs. Ordinary checkpoints never do this.',
  },
} as const satisfies Record<string, CatalogEntry>;

export type PickleCode = keyof typeof PICKLE_CODES;

/** Verdict a finding of each code implies on its own (the file's verdict is the worst). */
export const PICKLE_CODE_VERDICTS: Record<PickleCode, ScanVerdict> = {
  'MG-SCAN-001': 'malicious',
  'MG-SCAN-002': 'malicious',
  'MG-SCAN-003': 'malicious',
  'MG-SCAN-004': 'malicious',
  'MG-SCAN-005': 'malicious',
  'MG-SCAN-006': 'malicious',
  'MG-SCAN-007': 'malicious',
  'MG-SCAN-008': 'malicious',
  'MG-SCAN-009': 'malicious',
  'MG-SCAN-010': 'suspicious',
  'MG-SCAN-011': 'suspicious',
  'MG-SCAN-012': 'suspicious',
  'MG-SCAN-013': 'suspicious',
  'MG-SCAN-014': 'suspicious',
  'MG-SCAN-015': 'suspicious',
  'MG-SCAN-016': 'suspicious',
  'MG-SCAN-017': 'suspicious',
  'MG-SCAN-020': 'suspicious',
  'MG-SCAN-021': 'suspicious',
  'MG-SCAN-022': 'invalid',
  'MG-SCAN-023': 'unverified',
  'MG-SCAN-024': 'benign',
  'MG-SCAN-025': 'benign',
  'MG-SCAN-026': 'suspicious',
  'MG-SCAN-027': 'benign',
  'MG-SCAN-028': 'suspicious',
  'MG-SCAN-029': 'malicious',
};
