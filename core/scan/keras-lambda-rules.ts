import type { KerasObjectRef } from '../formats/keras.ts';
import { UnsupportedLayoutError, FormatError } from '../formats/format-error.ts';
import { allCodeObjects, readMarshalledCode, stringConstants, type MarshalledCode } from '../formats/py-marshal.ts';
import { isJsonObject, type JsonValue } from '../formats/strict-json.ts';
import { catalogFinding } from './format-catalog.ts';
import { KERAS_CODES } from './keras-codes.ts';
import { isGadgetModule } from './rules/keras-gadgets.ts';
import { dangerousCallable, dangerousWord } from './rules/dangerous-names.ts';
import type { ScanFinding } from './types.ts';
import { decodeBase64 } from '../util/base64.ts';

/**
 * Lambda bytecode in a Keras configuration, decoded and judged by the names it uses. Keras stores a Python
 * lambda as base64 of `marshal.dumps(fn.__code__)` (keras/src/utils/python_utils.py `func_dump`) in:
 * - a Lambda layer's `function` / `output_shape` / `mask`: {class_name: "__lambda__", config: {code, defaults, closure}}
 *   (keras/src/layers/core/lambda_layer.py);
 * - any other serialized lambda: {class_name: "__lambda__", config: {value: [code, defaults, closure]}}
 *   (keras/src/saving/serialization_lib.py);
 * - Keras 2 / tf_keras Lambda: config.function = [code, defaults, closure] or code, function_type "lambda".
 * `func_load` rebuilds it with marshal.loads and the globals of python_utils (which has imported os,
 * marshal, codecs, binascii), so a name like `os` resolves without any import in the bytecode.
 */

/** Base64 of more than this many bytes is not decoded: "could not verify". */
const MAX_CODE_CHARS = 1 << 20;

/** Names that are not in the shared lists but reach code, files or the interpreter from a lambda. */
const LAMBDA_GADGET_NAMES = new Set([
  'input', 'help', 'exit', 'quit', 'FunctionType', 'CodeType', 'LambdaType', 'python_types', 'gfile', 'py_function',
  'numpy_function', 'py_func', 'read_file', 'write_file', 'ReadFile', 'WriteFile', 'get_file', 'load_model',
  'enable_unsafe_deserialization', 'func_load', 'b64decode', 'decode', 'a2b_base64',
]); // prettier-ignore

/**
 * Gadget modules whose name is also an ordinary attribute of tensor code (`tf.linalg.trace`, `tf.io`,
 * `jax.numpy`): co_names mixes globals and attributes, so these alone do not make a lambda dangerous. What
 * they reach is caught by its own name (`write_file`, `attrgetter`, `FunctionType` …).
 */
const AMBIGUOUS_MODULE_NAMES = new Set([
  'trace', 'profile', 'code', 'tensorflow', 'torch', 'jax', 'types', 'platform', 'operator', 'functools', 'io',
  'http', 'inspect', 'timeit', 'yaml', 'glob',
]); // prettier-ignore

function isLambdaGadgetModule(n: string): boolean {
  return isGadgetModule(n) && !AMBIGUOUS_MODULE_NAMES.has(n);
}

export interface LambdaCode {
  /** Where the code string sits, for the finding. */
  field: string;
  code: string;
}

/** The bytecode strings an object carries as a lambda, or none. */
export function lambdaCodes(o: KerasObjectRef): LambdaCode[] {
  const cfg = isJsonObject(o.config) ? o.config : undefined;
  if (!cfg) return [];
  if (o.className === '__lambda__') {
    const code = codeString(cfg.code) ?? codeString(cfg.value);
    return [{ field: `${o.path}/config`, code: code ?? '' }];
  }
  // Keras 2 / tf_keras: function (and output_shape) dumped in place, typed by function_type; Keras 1 wrote a
  // [code, defaults, closure] list without a type, and func_load still reads it as bytecode.
  const out: LambdaCode[] = [];
  const isLambdaLayer = o.className === 'Lambda' || /(^|>)Lambda$/.test(o.registeredName ?? '');
  if (
    isLambdaLayer &&
    cfg.function_type === undefined &&
    Array.isArray(cfg.function) &&
    typeof cfg.function[0] === 'string'
  ) {
    return [{ field: `${o.path}/config/function`, code: cfg.function[0] }];
  }
  for (const [key, type] of [
    ['function', 'function_type'],
    ['output_shape', 'output_shape_type'],
  ] as const) {
    if (cfg[type] !== 'lambda') continue;
    out.push({ field: `${o.path}/config/${key}`, code: codeString(cfg[key]) ?? '' });
  }
  return out;
}

/**
 * func_load accepts the code string itself or a [code, defaults, closure] list; tf.keras 2's SavedModel
 * metadata writes that list as a tuple object, {"class_name": "__tuple__", "items": [...]} (json_utils.py).
 */
function codeString(v: JsonValue | undefined): string | undefined {
  if (typeof v === 'string') return v;
  if (Array.isArray(v) && typeof v[0] === 'string') return v[0];
  if (isJsonObject(v) && v.class_name === '__tuple__' && Array.isArray(v.items)) return codeString(v.items);
  return undefined;
}

export interface LambdaContext {
  /** Where the configuration came from: a `.keras` config.json or an HDF5 attribute. */
  container: 'keras' | 'hdf5';
}

/** What Keras' safe_mode does about a lambda in this container, for the finding's detail. */
function safeModeNote(container: LambdaContext['container']): string {
  return container === 'keras'
    ? 'Keras 3 load_model(safe_mode=True) refuses it; safe_mode=False runs it'
    : 'Keras 2, tf_keras and Keras 3.0–3.11.2 run it from an .h5 file even with safe_mode=True (CVE-2025-9905)';
}

export function lambdaFindings(o: KerasObjectRef, lc: LambdaContext): ScanFinding[] {
  return lambdaCodes(o).map((l) => judgeLambda(l, lc));
}

function judgeLambda(l: LambdaCode, lc: LambdaContext): ScanFinding {
  const where = `Lambda code at ${l.field || '/'}`;
  const safeMode = safeModeNote(lc.container);
  const decoded = decodeLambda(l.code);
  if ('problem' in decoded) {
    const detail = `${where} could not be read (${decoded.problem}): could not verify what it does; ${safeMode}`;
    return catalogFinding(KERAS_CODES, 'lambdaUnreadable', detail, { evidence: { path: l.field, safeMode } });
  }
  const summary = summarize(decoded);
  // Evidence is bounded like the rest of the report: the first names and strings, each cut short.
  const strings = summary.strings.slice(0, 20).map((x) => (x.length > 200 ? `${x.slice(0, 197)}…` : x));
  const evidence = { path: l.field, layout: decoded.layout, names: summary.names.slice(0, 100), strings, safeMode };
  if (summary.dangerous.length > 0) {
    const detail = `${where} ${summary.description}; ${safeMode}`;
    return catalogFinding(KERAS_CODES, 'lambdaDangerous', detail, {
      evidence: { ...evidence, dangerous: summary.dangerous },
    });
  }
  return catalogFinding(KERAS_CODES, 'lambdaCode', `${where} ${summary.description}; ${safeMode}`, { evidence });
}

function decodeLambda(code: string): MarshalledCode | { problem: string } {
  if (code === '') return { problem: 'no code string' };
  if (code.length > MAX_CODE_CHARS) return { problem: `${code.length} characters, over the ${MAX_CODE_CHARS} limit` };
  const bytes = base64(code);
  if (!bytes) return { problem: 'not base64 (Keras would read it as raw_unicode_escape bytes)' };
  try {
    return readMarshalledCode(bytes);
  } catch (e) {
    if (e instanceof FormatError || e instanceof UnsupportedLayoutError) return { problem: e.message };
    throw e;
  }
}

/**
 * func_dump writes codecs.encode(…, "base64"): standard base64 in 76-character lines. Anything else (the
 * lenient decoder skips stray characters; func_load falls back to raw_unicode_escape) is not followed.
 */
function base64(s: string): Uint8Array | undefined {
  try {
    return decodeBase64(s.replace(/\s+/g, ''));
  } catch {
    return undefined;
  }
}

interface LambdaSummary {
  names: string[];
  strings: string[];
  dangerous: string[];
  description: string;
}

/** The names every nested code object uses and the dangerous ones among them, in plain words. */
export function summarize(decoded: MarshalledCode): LambdaSummary {
  const codes = allCodeObjects(decoded.code);
  const names = unique(codes.flatMap((c) => c.names));
  const strings = unique(codes.flatMap(stringConstants)).filter((s) => s.length > 0);
  const dangerous = names.filter(isDangerousName);
  const importer = names.some((n) => n === '__import__' || n === 'import_module');
  const imported = importer ? strings.filter((s) => /^[A-Za-z_][\w.]*$/.test(s) && isGadgetModule(s)) : [];
  return { names, strings, dangerous, description: describe(names, dangerous, imported, strings, codes.length) };
}

function isDangerousName(n: string): boolean {
  if (/^__\w+__$/.test(n)) return true; // dunder access: __import__, __class__.__subclasses__, __globals__ …
  if (isLambdaGadgetModule(n) || LAMBDA_GADGET_NAMES.has(n)) return true;
  return dangerousCallable('', n) !== undefined || dangerousWord('', n) !== undefined;
}

function describe(names: string[], dangerous: string[], imported: string[], strings: string[], codes: number) {
  const parts: string[] = [];
  const modules = unique([...imported, ...names.filter(isLambdaGadgetModule)]);
  const calls = dangerous.filter((n) => !isLambdaGadgetModule(n) && n !== '__import__' && n !== 'import_module');
  if (imported.length > 0) parts.push(`imports ${imported.join(', ')}`);
  if (calls.length > 0) {
    const target = modules.length === 1 ? `${modules[0]}.` : '';
    parts.push(`calls ${calls.map((c) => target + c).join(', ')}`);
  } else if (modules.length > 0 && imported.length === 0) parts.push(`uses ${modules.join(', ')}`);
  if (dangerous.length === 0) {
    parts.push(names.length > 0 ? `uses ${names.slice(0, 12).join(', ')}` : 'uses no global or attribute name');
  }
  // Qualified names of nested functions ('<lambda>.<locals>.<lambda>', CPython ≤ 3.10) are not arguments.
  const args = strings.filter((s) => !imported.includes(s) && !/^<\w+>(\.|$)/.test(s)).slice(0, 2);
  if (dangerous.length > 0 && args.length > 0) parts.push(`with ${args.map(quote).join(', ')}`);
  if (codes > 1) parts.push(`(${codes - 1} nested function${codes > 2 ? 's' : ''})`);
  return parts.join(', ').replace(', with ', ' with ').replace(', (', ' (');
}

function quote(s: string): string {
  return `'${s.length > 80 ? `${s.slice(0, 77)}…` : s}'`;
}

function unique(xs: string[]): string[] {
  return [...new Set(xs)];
}
