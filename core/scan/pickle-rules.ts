import { type CallValue, type GlobalValue, type PValue } from '../formats/pickle/values.ts';
import { PICKLE_ALLOWLIST, TORCH_NN_MODULES, type AllowEntry, type ShapeId } from './rules/pickle-allowlist.ts';
import { PICKLE_DENYLIST, type DenyEntry } from './rules/pickle-denylist.ts';
import { dangerousCallable } from './rules/dangerous-names.ts';
import { COMPAT_IMPORT_MAPPING, COMPAT_NAME_MAPPING } from './rules/compat-pickle.ts';

/**
 * Judges the globals and calls an emulated pickle reaches: denylist first to explain (a gadget is
 * malicious wherever it appears), then the allowlist (benign only when listed and used in its shape);
 * anything else is unknown, hence suspicious (issue #3 §4, research §5.4).
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

const NN_MODULE_ENTRY: AllowEntry = {
  module: 'torch.nn.modules',
  names: [],
  framework: 'pytorch',
  source: TORCH_NN_MODULES.source,
};

function allowFor(module: string, name: string): AllowEntry | undefined {
  const exact = ALLOW.get(`${module}:${name}`);
  if (exact) return exact;
  const nn = module.startsWith(TORCH_NN_MODULES.modulePrefix) && TORCH_NN_MODULES.namePattern.test(name);
  return nn ? NN_MODULE_ENTRY : undefined;
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
  const dangerous = dangerousCallable(path, nameTokens[nameTokens.length - 1] as string);
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

export function judge(g: GlobalValue): GlobalJudgement {
  return judgeGlobal(g.module, g.name);
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

/** Plain data all the way down (no calls, no imports), bounded. */
function isPlainData(v: PValue | undefined, budget = { n: 10_000 }): boolean {
  if (v === undefined || --budget.n < 0) return false;
  if (v.k === 'tuple' || v.k === 'list' || v.k === 'set') return v.items.every((x) => isPlainData(x, budget));
  if (v.k === 'dict') return v.entries.every(([k, x]) => isPlainData(k, budget) && isPlainData(x, budget));
  return v.k !== 'global' && v.k !== 'call' && v.k !== 'ext' && v.k !== 'buffer';
}

/**
 * Arguments made of plain data, allowlisted globals, tensors (persistent ids) and the results of other
 * calls (each judged on its own), nested in containers: quantized and sparse tensor rebuilds pass tuples
 * such as (torch.per_tensor_affine, scale, zero_point).
 */
function isConstantArg(v: PValue, budget: { n: number }): boolean {
  if (--budget.n < 0) return false;
  if (v.k === 'tuple' || v.k === 'list' || v.k === 'set') return v.items.every((x) => isConstantArg(x, budget));
  if (v.k === 'dict') return v.entries.every(([k, x]) => isConstantArg(k, budget) && isConstantArg(x, budget));
  if (v.k === 'global') return isGlobal(v);
  return v.k !== 'ext' && v.k !== 'buffer';
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
  'constant-args': (a) => {
    const budget = { n: 10_000 };
    return a.every((x) => isConstantArg(x, budget));
  },
  // functools.partial(func, *args): harmless only when func is itself allowlisted.
  partial: (a) => a.length >= 1 && isGlobal(a[0]) && a.slice(1).every((x) => isConstantArg(x, { n: 10_000 })),
  // copyreg._reconstructor(cls, base, state): cls and base must themselves be allowlisted.
  reconstructor: (a) => a.length === 3 && isGlobal(a[0]) && isGlobal(a[1]),
  'load-from-bytes': (a) => a.length === 1 && a[0]?.k === 'bytes',
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
