/**
 * Module and function names that make a Keras configuration a code-execution gadget (techniques 34–35),
 * kept as data for the config rules (keras-rules.ts) and the Lambda bytecode rules (keras-lambda-rules.ts).
 */

/** Packages whose objects Keras itself (or its official add-ons) serializes. */
export const KERAS_MODULE = /^(keras|tf_keras|keras_hub|keras_nlp|keras_cv|tensorflow\.keras)(\.|$)/;

/** Modules that import, execute, spawn, touch files or the network (CVE-2025-1550, GHSA-pwq7-2gvj-vg9v). */
const GADGET_MODULES = new Set([
  'os', 'posix', 'nt', 'subprocess', 'builtins', '__builtin__', '__builtins__', 'sys', 'importlib', 'runpy', 'shutil',
  'socket', 'pty', 'ctypes', 'pickle', '_pickle', 'marshal', 'code', 'codeop', 'pdb', 'bdb', 'webbrowser', 'commands',
  'platform', 'multiprocessing', 'asyncio', 'io', '_io', 'pathlib', 'tempfile', 'urllib', 'requests', 'http',
  'ftplib', 'smtplib', 'telnetlib', 'operator', '_operator', 'functools', 'types', 'inspect', 'pydoc', 'pkgutil',
  'timeit', 'cProfile', 'profile', 'trace', 'numpy.testing', 'numpy.f2py', 'torch', 'tensorflow', 'jax', 'dill',
  'cloudpickle', 'joblib', 'yaml', 'glob', 'zipfile', 'tarfile',
]); // prettier-ignore

/** Keras functions that download files, load other models or switch safe_mode off (CVE-2025-8747, CVE-2025-9906). */
export const KERAS_GADGET_FUNCTIONS = new Set([
  'get_file',
  'enable_unsafe_deserialization',
  'load_model',
  'load_weights',
  'set_random_seed',
  'save_model',
]);

function rootModule(module: string): string {
  return module.split('.')[0] ?? module;
}

export function isGadgetModule(module: string): boolean {
  return GADGET_MODULES.has(module) || GADGET_MODULES.has(rootModule(module));
}
