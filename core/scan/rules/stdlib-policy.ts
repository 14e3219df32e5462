import type { DenyEntry } from './pickle-denylist.ts';
import { STDLIB_MODULES } from './stdlib-modules.ts';

/**
 * Standard-library modules that only build values (containers, numbers, dates, text, regular expressions):
 * calling their functions from a pickle is unusual (suspicious) but reaches nothing outside the interpreter's
 * data. Their few dangerous names are on the denylist (builtins.eval, functools.reduce…). Every OTHER
 * standard-library module exists to reach the interpreter, processes, files, the network or the platform
 * (platform.architecture runs `file`, uuid.getnode runs ifconfig, warnings calls a loader's get_source,
 * weakref.finalize and contextlib call stored callbacks, wave/tarfile/shelve open files…), so a pickle that
 * imports from one is treated as reaching a gadget: fail closed, not "unknown".
 */
export const HARMLESS_STDLIB: ReadonlySet<string> = new Set([
  'builtins', '__builtin__', 'collections', 'datetime', '_datetime', 'decimal', '_decimal', '_pydecimal',
  'fractions', 'numbers', 'enum', 'math', 'cmath', 'string', 're', '_sre', 'struct', '_struct', 'array',
  'copyreg', 'functools', '_functools', 'itertools', 'heapq', '_heapq', 'bisect', '_bisect', 'statistics',
  'random', '_random', 'ipaddress', 'types', 'argparse', 'pathlib', 'keyword', 'textwrap', 'unicodedata',
  'difflib', 'hashlib', '_hashlib', 'hmac', 'base64', 'binascii', 'zlib', 'json', 'html', 'calendar', 'colorsys',
  'graphlib', 'reprlib', 'pprint', 'fnmatch', 'abc', '_abc', 'dataclasses', 'typing', 'queue', '_collections',
  '_collections_abc', 'operator', '_operator', 'codecs', '_codecs', 'io', '_io', 'numbers', 'zoneinfo', '_strptime',
  'locale', 'time',
]); // prettier-ignore

const SOURCE = 'https://docs.python.org/3/library/index.html';

/** The deny entry for a global of a standard-library module outside HARMLESS_STDLIB, or undefined. */
export function stdlibReach(module: string, path: string): DenyEntry | undefined {
  const top = module.split('.')[0] as string;
  if (!STDLIB_MODULES.has(top) || HARMLESS_STDLIB.has(top)) return undefined;
  return { module: path, names: '*', family: 'side-effect', technique: 26, source: SOURCE };
}
