import { type CallValue, type GlobalValue, type PValue } from '../formats/pickle/values.ts';
import { CYTHON_UNPICKLE, PICKLE_ALLOWLIST, type AllowEntry, type ShapeId } from './rules/pickle-allowlist.ts';
import { TORCH_NN_LAYERS } from './rules/torch-nn-modules.ts';
import { PICKLE_DENYLIST, type DenyEntry } from './rules/pickle-denylist.ts';
import { dangerousCallable, dangerousWord } from './rules/dangerous-names.ts';
import { stdlibReach } from './rules/stdlib-policy.ts';
import { COMPAT_IMPORT_MAPPING, COMPAT_NAME_MAPPING } from './rules/compat-pickle.ts';
import { constantBytes } from './pickle-bytes.ts';

/**
 * Judges the globals and calls an emulated pickle reaches: denylist first to explain (a gadget is
 * malicious wherever it appears), then the allowlist (benign only when listed and used in its shape);
 * anything else is unknown, hence suspicious.
 */

export type GlobalStatus = 'deny' | 'allow' | 'unknown';

export interface GlobalJudgement {
  status: GlobalStatus;
  /** The dotted path as the loader resolves it, Python 2 names mapped. */
  path: string;
  deny?: DenyEntry;
  allow?: AllowEntry;
  /** Why it is denied when not from the denylist: a dunder attribute path (technique 29). */
  dunder?: string;
}

const DUNDER = /^__\w+__$/;
/** Module tokens that look like dunders but are plain modules. */
const DUNDER_MODULES = new Set(['__builtin__', '__main__', '__future__']);

const DENY_BY_MODULE = new Map<string, DenyEntry[]>();
for (const d of PICKLE_DENYLIST) DENY_BY_MODULE.set(d.module, [...(DENY_BY_MODULE.get(d.module) ?? []), d]);

function entryCovers(d: DenyEntry, attr: string): boolean {
  if (d.names !== '*') return d.names.includes(attr);
  return !d.except?.includes(attr);
}

/** A deny entry matching `tokens` read as module prefix + attribute path (`os.path.join`, `os.system`). */
function denyFor(tokens: readonly string[]): DenyEntry | undefined {
  for (let j = tokens.length - 1; j >= 1; j--) {
    const entries = DENY_BY_MODULE.get(tokens.slice(0, j).join('.'));
    const hit = entries?.find((d) => entryCovers(d, tokens[j] as string));
    if (hit) return hit;
  }
  // `module` alone, e.g. a GLOBAL of a denied package's submodule path ending at the module.
  const whole = DENY_BY_MODULE.get(tokens.join('.'));
  return whole?.find((d) => d.names === '*' && !d.membersOnly);
}

/**
 * Modules keep others under private names (`tempfile._os`, `shutil._os`): a protocol-4 attribute path that
 * walks through `_os` reaches os. Leading underscores are dropped from attribute tokens for the deny check.
 */
function withoutPrivatePrefix(tokens: readonly string[]): string[] {
  return tokens.map((t) => (t.startsWith('_') && !DUNDER.test(t) ? t.replace(/^_+/, '') : t));
}

function denyOnPath(modTokens: readonly string[], nameTokens: readonly string[]): DenyEntry | undefined {
  const tokens = [...modTokens, ...nameTokens];
  // The module itself, then every suffix of the attribute path (`torch` + `os.system` is os.system).
  for (let i = 0; i < tokens.length; i++) {
    if (i > 0 && i < modTokens.length) continue;
    const suffix = i === 0 ? tokens : tokens.slice(i);
    const deny = denyFor(suffix) ?? (i > 0 ? denyFor(withoutPrivatePrefix(suffix)) : undefined);
    if (deny) return deny;
  }
  return undefined;
}

const ALLOW = new Map<string, AllowEntry>();
for (const entry of PICKLE_ALLOWLIST) {
  for (const n of entry.names) if (!ALLOW.has(`${entry.module}:${n}`)) ALLOW.set(`${entry.module}:${n}`, entry);
}

/**
 * torch.save(model) pickles the layers themselves: the loader creates each torch.nn layer without calling
 * __init__ and restores its attributes through Module.__setstate__, which runs no user code. Only the real
 * Module subclasses of torch.nn.modules (generated table) qualify, not the typing names it imports.
 */
const NN_MODULE_ENTRY: AllowEntry = {
  module: 'torch.nn.modules',
  names: [],
  framework: 'pytorch',
  source: 'https://github.com/pytorch/pytorch/blob/main/torch/nn/modules/module.py',
};

const CYTHON_ENTRY: AllowEntry = { module: '*', names: [], framework: 'numpy', source: CYTHON_UNPICKLE.source };

function allowFor(module: string, name: string): AllowEntry | undefined {
  const exact = ALLOW.get(`${module}:${name}`);
  if (exact) return exact;
  if (TORCH_NN_LAYERS.has(`${module}:${name}`)) return NN_MODULE_ENTRY;
  const cython =
    CYTHON_UNPICKLE.modulePrefixes.some((p) => module.startsWith(p)) && CYTHON_UNPICKLE.namePattern.test(name);
  return cython ? CYTHON_ENTRY : undefined;
}

/** Classifies an import the loader resolves: `module` + `name`, a dotted name being an attribute path. */
function judgeResolved(module: string, name: string): GlobalJudgement {
  const modTokens = module.split('.');
  const nameTokens = name.split('.');
  const path = `${module}.${name}`;
  // Technique 29: any dunder on the path (numpy.__builtins__, x.__class__.__subclasses__) escapes any module.
  const dunder = [...modTokens.filter((t) => !DUNDER_MODULES.has(t)), ...nameTokens].find((t) => DUNDER.test(t));
  const deny = denyOnPath(modTokens, nameTokens);
  if (deny) return { status: 'deny', path, deny, ...(dunder ? { dunder } : {}) };
  if (dunder) return { status: 'deny', path, dunder };
  const allow = allowFor(module, name);
  if (allow) return { status: 'allow', path, allow };
  const last = nameTokens[nameTokens.length - 1] as string;
  const dangerous = dangerousCallable(path, last) ?? stdlibReach(module, path) ?? dangerousWord(path, last);
  return dangerous ? { status: 'deny', path, deny: dangerous } : { status: 'unknown', path };
}

/**
 * Classifies an import `module` + `name` as written in a pickle. CPython maps Python 2 names for protocols
 * 0–2 (Lib/_compat_pickle.py) before importing and imports the written name from protocol 3 on, so both are
 * judged: a deny on either stands; otherwise the mapped name decides (the Python 2 module it replaces does
 * not exist in Python 3, so the written name can only fail to import).
 */
export function judgeGlobal(module: string, name: string): GlobalJudgement {
  const written = judgeResolved(module, name);
  const mapped = compatNames(module, name).map(([m, n]) => judgeResolved(m, n));
  const denied = [written, ...mapped].find((j) => j.status === 'deny');
  return denied ?? mapped[0] ?? written;
}

function compatNames(module: string, name: string): [string, string][] {
  const named = COMPAT_NAME_MAPPING[`${module}\n${name}`];
  if (named) return [[named[0], named[1]]];
  const renamed = COMPAT_IMPORT_MAPPING[module];
  return renamed ? [[renamed, name]] : [];
}

/** Judgements by name: a pickle names the same few globals thousands of times. */
const JUDGED = new Map<string, GlobalJudgement>();
const MAX_JUDGED = 10_000;

/** The same GlobalValue object is shared through the memo: judged once per object, then once per name. */
const JUDGED_VALUES = new WeakMap<GlobalValue, GlobalJudgement>();

export function judge(g: GlobalValue): GlobalJudgement {
  const cached = JUDGED_VALUES.get(g);
  if (cached) return cached;
  const key = `${g.module}\n${g.name}`;
  let j = JUDGED.get(key);
  if (!j) {
    if (JUDGED.size >= MAX_JUDGED) JUDGED.clear();
    j = judgeGlobal(g.module, g.name);
    JUDGED.set(key, j);
  }
  JUDGED_VALUES.set(g, j);
  return j;
}

function isInt(v: PValue | undefined): boolean {
  return v?.k === 'int' || v?.k === 'bool';
}

function isIntTuple(v: PValue | undefined): boolean {
  return (v?.k === 'tuple' || v?.k === 'list') && v.items.every(isInt);
}

function isGlobal(v: PValue | undefined, status: GlobalStatus = 'allow'): boolean {
  return v?.k === 'global' && judge(v).status === status;
}

/**
 * Whether every leaf under `root` passes `leafOk`, walking containers iteratively and each shared
 * sub-structure once (a memo GET bomb shares one list thousands of times), within `maxNodes`. Results are
 * remembered per container, so the many calls of a big checkpoint that share arguments cost one walk.
 */
function everyLeaf(
  root: PValue | undefined,
  leafOk: (v: PValue) => boolean,
  memo: WeakMap<object, boolean>,
  maxNodes = 10_000,
): boolean {
  if (root === undefined) return false;
  const known = memo.get(root);
  if (known !== undefined) return known;
  const seen = new Set<PValue>();
  const todo: PValue[] = [root];
  let ok = true;
  while (ok && todo.length > 0) {
    const v = todo.pop() as PValue;
    if (seen.has(v)) continue;
    seen.add(v);
    if (seen.size > maxNodes) ok = false;
    else if (v.k === 'tuple' || v.k === 'list' || v.k === 'set') for (const x of v.items) todo.push(x);
    else if (v.k === 'dict') for (const [k, x] of v.entries) todo.push(k, x);
    else ok = memo.get(v) ?? leafOk(v);
  }
  memo.set(root, ok);
  return ok;
}

const PLAIN = new WeakMap<object, boolean>();
const CONSTANT = new WeakMap<object, boolean>();

/** Plain data all the way down (no calls, no imports), bounded. */
function isPlainData(v: PValue | undefined): boolean {
  return everyLeaf(v, (x) => x.k !== 'global' && x.k !== 'call' && x.k !== 'ext' && x.k !== 'buffer', PLAIN);
}

/**
 * Arguments made of plain data, allowlisted globals, tensors (persistent ids) and the results of other
 * calls (each judged on its own), nested in containers: quantized and sparse tensor rebuilds pass tuples
 * such as (torch.per_tensor_affine, scale, zero_point).
 */
function isConstantArg(v: PValue): boolean {
  return everyLeaf(v, (x) => (x.k === 'global' ? isGlobal(x) : x.k !== 'ext' && x.k !== 'buffer'), CONSTANT);
}

type ShapeCheck = (args: readonly PValue[]) => boolean;

const SHAPES: Record<ShapeId, ShapeCheck> = {
  // torch._utils._rebuild_tensor_v2(storage, offset, size, stride, requires_grad, backward_hooks[, metadata]).
  'rebuild-tensor': (a) =>
    a.length >= 1 &&
    a.length <= 7 &&
    (a[0]?.k === 'persid' || a[0]?.k === 'call') &&
    (a.length < 2 || isInt(a[1])) &&
    (a.length < 3 || isIntTuple(a[2]) || a[2]?.k === 'call') &&
    (a.length < 4 || isIntTuple(a[3])),
  // numpy writes bytes under Python 3 as _codecs.encode('latin-1 text', 'latin1').
  'codecs-encode': (a) => a.length === 2 && a[0]?.k === 'str' && a[1]?.k === 'str' && /^latin-?1$/.test(a[1].v),
  // _reconstruct(ndarray or subclass, (0,), b'b').
  'np-reconstruct': (a) =>
    a.length === 3 && isGlobal(a[0]) && isIntTuple(a[1]) && (a[2]?.k === 'bytes' || a[2]?.k === 'call'),
  'np-dtype': (a) => a.length >= 1 && a.length <= 3 && a[0]?.k === 'str' && a.slice(1).every(isInt),
  'np-scalar': (a) =>
    a.length >= 1 && a.length <= 2 && a[0]?.k === 'call' && (a.length === 1 || isPlainData(a[1]) || a[1]?.k === 'call'),
  'torch-size': (a) => a.length === 1 && isIntTuple(a[0]),
  'constant-args': (a) => a.every(isConstantArg),
  // functools.partial(func, *args): harmless only when func is itself allowlisted.
  partial: (a) => a.length >= 1 && isGlobal(a[0]) && a.slice(1).every(isConstantArg),
  // copyreg._reconstructor(cls, base, state): cls and base must themselves be allowlisted.
  reconstructor: (a) => a.length === 3 && isGlobal(a[0]) && isGlobal(a[1]),
  'load-from-bytes': (a) => a.length === 1 && constantBytes(a[0]) !== undefined,
};

/** Whether an allowlisted callable is called in its expected shape (technique 33: shape matters). */
export function shapeProblem(entry: AllowEntry, call: CallValue): string | undefined {
  if (!entry.shape) return undefined;
  return SHAPES[entry.shape](call.args) ? undefined : `arguments do not have the expected shape (${entry.shape})`;
}

/** Containers a SETITEM/APPEND/ADDITEMS may legitimately target when they come from a call (OrderedDict…). */
const MUTABLE_RESULTS = new Set([
  'collections.OrderedDict',
  'collections.defaultdict',
  'collections.Counter',
  'collections.deque',
  'builtins.set',
  'builtins.dict',
  'builtins.list',
  'builtins.bytearray',
]);

/** A SETITEM/APPEND on a call result is fine when the result is a plain container class instance. */
export function isContainerResult(target: PValue): boolean {
  return target.k === 'call' && target.callee.k === 'global' && MUTABLE_RESULTS.has(judge(target.callee).path);
}
