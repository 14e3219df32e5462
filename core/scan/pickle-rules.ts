import { type CallValue, type GlobalValue, type PValue } from '../formats/pickle/values.ts';
import { PICKLE_ALLOWLIST, type AllowEntry, type ShapeId } from './rules/pickle-allowlist.ts';
import { MODULE_ALIASES, PICKLE_DENYLIST, type DenyEntry } from './rules/pickle-denylist.ts';

/**
 * Judges the globals and calls an emulated pickle reaches: denylist first to explain (a gadget is
 * malicious wherever it appears), then the allowlist (benign only when listed and used in its shape);
 * anything else is unknown, hence suspicious (issue #3 §4, research §5.4).
 */

export type GlobalStatus = 'deny' | 'allow' | 'unknown';

export interface GlobalJudgement {
  status: GlobalStatus;
  /** The dotted path as the loader resolves it, aliases applied. */
  path: string;
  deny?: DenyEntry;
  allow?: AllowEntry;
  /** Why it is denied when not from the denylist: a dunder attribute path (technique 29). */
  dunder?: string;
}

const DUNDER = /^__\w+__$/;
/** Module tokens that look like dunders but are plain modules. */
const DUNDER_MODULES = new Set(['__builtin__', '__main__', '__future__']);

function aliasModule(module: string): string {
  const first = module.split('.')[0] as string;
  const alias = MODULE_ALIASES[first];
  return alias === undefined ? module : alias + module.slice(first.length);
}

const DENY_BY_MODULE = new Map<string, DenyEntry[]>();
for (const d of PICKLE_DENYLIST) DENY_BY_MODULE.set(d.module, [...(DENY_BY_MODULE.get(d.module) ?? []), d]);

/** A deny entry matching `tokens` read as module prefix + attribute path (`os.path.join`, `os.system`). */
function denyFor(tokens: readonly string[]): DenyEntry | undefined {
  for (let j = tokens.length - 1; j >= 1; j--) {
    const entries = DENY_BY_MODULE.get(tokens.slice(0, j).join('.'));
    if (!entries) continue;
    const attr = tokens[j] as string;
    const hit = entries.find((d) => d.names === '*' || d.names.includes(attr));
    if (hit) return hit;
  }
  // `module` alone, e.g. a GLOBAL of a denied package's submodule path ending at the module.
  const whole = DENY_BY_MODULE.get(tokens.join('.'));
  return whole?.find((d) => d.names === '*');
}

const ALLOW = new Map<string, AllowEntry>();
for (const entry of PICKLE_ALLOWLIST) {
  for (const n of entry.names) if (!ALLOW.has(`${entry.module}:${n}`)) ALLOW.set(`${entry.module}:${n}`, entry);
}

/** Classifies an import `module` + `name`; a dotted name is an attribute path (protocol ≥ 4, technique 24). */
export function judgeGlobal(module: string, name: string): GlobalJudgement {
  const mod = aliasModule(module);
  const modTokens = mod.split('.');
  const nameTokens = name.split('.');
  const path = `${mod}.${name}`;
  const tokens = [...modTokens, ...nameTokens];
  // Technique 29: any dunder on the path (numpy.__builtins__, x.__class__.__subclasses__) escapes any module.
  const dunder = [...modTokens.filter((t) => !DUNDER_MODULES.has(t)), ...nameTokens].find((t) => DUNDER.test(t));
  // The module itself, then every suffix of the attribute path (`torch` + `os.system` is os.system).
  for (let i = 0; i < tokens.length; i++) {
    if (i > 0 && i < modTokens.length) continue;
    const deny = denyFor(i === 0 ? tokens : tokens.slice(i));
    if (deny) return { status: 'deny', path, deny, ...(dunder ? { dunder } : {}) };
  }
  if (dunder) return { status: 'deny', path, dunder };
  const allow = ALLOW.get(`${mod}:${name}`);
  return allow ? { status: 'allow', path, allow } : { status: 'unknown', path };
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
  'constant-args': (a) => a.every((x) => isPlainData(x) || x.k === 'call' || x.k === 'persid' || isGlobal(x)),
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
