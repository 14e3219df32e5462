import type { KerasObjectRef } from '../formats/keras.ts';
import { isJsonObject, type JsonValue } from '../formats/strict-json.ts';
import { externalLocationProblem } from './scan-onnx.ts';
import type { ScanFinding } from './types.ts';
import { REFS, validatorFinding } from './validator-codes.ts';

/**
 * Rules over every serialized object of a Keras config (techniques 34–35). Kept as data: modules that
 * Keras ships, modules that are code-execution gadgets, and Keras-internal functions that defeat
 * safe_mode when named in a config.
 */

/** Packages whose objects Keras itself (or its official add-ons) serializes. */
const KERAS_MODULE = /^(keras|tf_keras|keras_hub|keras_nlp|keras_cv|tensorflow\.keras)(\.|$)/;

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
const KERAS_GADGET_FUNCTIONS = new Set([
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

function isGadgetModule(module: string): boolean {
  return GADGET_MODULES.has(module) || GADGET_MODULES.has(rootModule(module));
}

export function kerasFindings(objects: KerasObjectRef[]): ScanFinding[] {
  const findings: ScanFinding[] = [];
  for (const o of objects) {
    findings.push(...lambdaFindings(o), ...moduleFindings(o), ...tfsmFindings(o));
    if (findings.length >= 50) break;
  }
  return findings;
}

function isLambda(o: KerasObjectRef): boolean {
  return o.className === 'Lambda' || /(^|>)Lambda$/.test(o.registeredName ?? '');
}

/** Keras 3: config.function = {class_name: "__lambda__", config: {code: base64 marshal}}; Keras 2: [code, defaults, closure]. */
function lambdaFindings(o: KerasObjectRef): ScanFinding[] {
  if (!isLambda(o)) return [];
  const cfg = isJsonObject(o.config) ? o.config : {};
  const fn: JsonValue | undefined = cfg.function;
  const bytecode =
    (isJsonObject(fn) && fn.class_name === '__lambda__') ||
    cfg.function_type === 'lambda' ||
    (Array.isArray(fn) && typeof fn[0] === 'string');
  const evidence = { path: o.path, name: typeof cfg.name === 'string' ? cfg.name : undefined };
  if (bytecode) {
    return [
      validatorFinding('MG-SCAN-261', `Lambda layer at ${o.path || '/'} holds marshalled Python bytecode`, {
        reference: REFS.kerasLambda,
        evidence,
      }),
    ];
  }
  return [
    validatorFinding('MG-SCAN-262', `Lambda layer at ${o.path || '/'} calls a Python function`, {
      reference: REFS.kerasLambda,
      evidence,
    }),
  ];
}

function moduleFindings(o: KerasObjectRef): ScanFinding[] {
  const findings: ScanFinding[] = [];
  const evidence = { path: o.path, module: o.module, className: o.className, registeredName: o.registeredName };
  const fnName = typeof o.config === 'string' ? o.config : o.className;
  if (o.module !== undefined && !KERAS_MODULE.test(o.module)) {
    const code = isGadgetModule(o.module) ? 'MG-SCAN-263' : 'MG-SCAN-264';
    findings.push(
      validatorFinding(code, `object at ${o.path || '/'} imports '${o.className}' from module '${o.module}'`, {
        reference: REFS.kerasModule,
        evidence,
      }),
    );
  } else if (o.module !== undefined && o.className === 'function' && KERAS_GADGET_FUNCTIONS.has(fnName)) {
    findings.push(
      validatorFinding('MG-SCAN-263', `object at ${o.path || '/'} calls Keras function '${o.module}.${fnName}'`, {
        reference: REFS.kerasModule,
        evidence,
      }),
    );
  }
  const reg = o.registeredName;
  if (reg !== undefined && reg.includes('>')) {
    const pkg = reg.split('>')[0] ?? '';
    if (!KERAS_MODULE.test(pkg)) {
      const code = isGadgetModule(pkg) ? 'MG-SCAN-263' : 'MG-SCAN-264';
      findings.push(
        validatorFinding(code, `object at ${o.path || '/'} is registered as '${reg}', outside Keras`, {
          reference: REFS.kerasModule,
          evidence,
        }),
      );
    }
  }
  return findings;
}

function tfsmFindings(o: KerasObjectRef): ScanFinding[] {
  if (o.className !== 'TFSMLayer' && !/(^|>)TFSMLayer$/.test(o.registeredName ?? '')) return [];
  const cfg = isJsonObject(o.config) ? o.config : {};
  const path = typeof cfg.filepath === 'string' ? cfg.filepath : '';
  const problem =
    path === '' ? null : /^[a-z][a-z0-9+.-]*:\/\//i.test(path) ? 'is remote' : externalLocationProblem(path);
  const evidence = { path: o.path, filepath: path };
  if (problem) {
    return [
      validatorFinding(
        'MG-SCAN-269',
        `TFSMLayer at ${o.path || '/'} loads a SavedModel from '${path}', which ${problem}`,
        { reference: REFS.kerasTfsm, evidence },
      ),
    ];
  }
  return [
    validatorFinding('MG-SCAN-265', `TFSMLayer at ${o.path || '/'} loads the SavedModel '${path}'`, {
      reference: REFS.kerasTfsm,
      evidence,
    }),
  ];
}
