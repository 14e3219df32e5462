import {
  ATTRIBUTE_ARGS,
  ELEMENT_FILTERS,
  foldFilter,
  foldMethod,
  NUMERIC_FILTERS,
  STRING_FILTERS,
} from './chat-template-filters.ts';
import type { Program } from './chat-template-parse.ts';
import {
  BOOL,
  BUILT,
  combine,
  DATA,
  foldBinary,
  NOTHING_YET,
  formatFieldPaths,
  index,
  join,
  known,
  NUMBER,
  sameVal,
  slice,
  type Const,
  type Val,
} from './chat-template-values.ts';

/**
 * Abstract evaluation of a chat template's syntax tree. Every attribute or item a render could read is
 * checked by the name it would have at render time: names are folded from constants through variables
 * (`set`, `with`, loops, macro arguments, namespace attributes) flow-insensitively, repeating until the
 * variables stop changing. What cannot be folded but was assembled from pieces is treated as the name of
 * an internal; what comes from render data (messages, tools) is ordinary.
 */

export interface WalkIssue {
  level: 'malicious' | 'suspicious';
  what: string;
  /** Text to locate in the template for the offset of the finding. */
  needle: string;
}

/** A walk that needs more than its budget: the template is not verified. */
export class Unverifiable extends Error {}

type Node = { type: string } & Record<string, unknown>;

/** Jinja globals (and Flask's) whose attributes lead to Python internals. */
const GADGETS = new Set([
  'cycler', 'joiner', 'lipsum', 'namespace', 'range', 'dict', 'self', 'config', 'request', 'url_for',
  'get_flashed_messages', 'session', 'g',
]); // prettier-ignore
/** Globals that ordinary chat templates call; only reaching into them is suspect. */
const PLAIN_GLOBALS = new Set(['range', 'namespace', 'dict']);
/** Names only a sandbox escape reaches for: Python internals and process/import gadgets. */
export const ESCAPE_NAMES = new Set([
  'os', 'popen', 'subprocess', 'system', 'eval', 'exec', 'execfile', 'compile', 'builtins', 'globals', 'getattr',
  'setattr', 'delattr', 'mro', 'subclasses', 'import', 'import_module', 'importlib', 'func_globals', 'f_globals',
  'gi_frame', 'tb_frame', 'sys', 'modules', 'check_output', 'spawn', 'pty', 'socket', 'ctypes', 'marshal',
  'pickle', 'locals', 'vars', 'breakpoint',
]); // prettier-ignore
const CYCLER_METHODS = new Set(['next', 'reset', 'current']);
const STRING_METHODS = new Set([
  'join', 'format', 'format_map', 'replace', 'lower', 'upper', 'strip', 'lstrip', 'rstrip', 'title', 'capitalize',
  'swapcase', 'removeprefix', 'removesuffix', 'center', 'ljust', 'rjust', 'zfill', 'casefold', 'translate',
]); // prettier-ignore

const MAX_STEPS = 2_000_000;
const MAX_DEPTH = 200;
const MAX_PASSES = 6;

/** A Python internal: a dunder anywhere, or a name-mangled private (`_TemplateReference__context`). */
export function looksInternal(s: string): boolean {
  return /__\w+__/.test(s) || /^_[A-Za-z]\w*__\w/.test(s);
}

export function walkTemplate(program: Program): WalkIssue[] {
  const w = new Walker();
  // A first look learns which names the template assigns, so that a use before the assignment is not
  // taken for render data (which would hide the constants assigned later).
  w.body(program.body as unknown as Node[], false);
  w.restart();
  for (let pass = 0; pass < MAX_PASSES; pass++) {
    w.changed = false;
    w.body(program.body as unknown as Node[], false);
    if (!w.changed) break;
  }
  w.report = true;
  w.body(program.body as unknown as Node[], false);
  return w.issues;
}

class Walker {
  report = false;
  changed = false;
  issues: WalkIssue[] = [];
  private steps = 0;
  private bindings = new Map<string, Val>();
  private assigned = new Set<string>();
  private macros = new Map<string, { params: string[]; value: Val }>();

  restart(): void {
    this.assigned = new Set(this.bindings.keys());
    this.bindings.clear();
  }

  private flag(level: WalkIssue['level'], what: string, needle: string): void {
    if (this.report && !this.issues.some((i) => i.what === what && i.level === level))
      this.issues.push({ level, what, needle });
  }

  private bind(name: string, v: Val): void {
    const old = this.bindings.get(name);
    const next = join(old, v);
    if (!old || !sameVal(old, next)) {
      this.bindings.set(name, next);
      this.changed = true;
    }
  }

  /** Walks statements; returns the text they render when it is constant (for `set` blocks and macros). */
  body(nodes: Node[], capturing: boolean): Val {
    let text: string | null = '';
    for (const n of nodes) {
      const v = this.statement(n, capturing);
      const piece = v?.consts?.length === 1 ? v.consts[0] : undefined;
      text = text !== null && typeof piece === 'string' ? text + piece : v === null ? text : null;
    }
    return text === null ? BUILT : this.produced(known(text), capturing);
  }

  /** One statement; returns the value it outputs, or null when it outputs nothing by itself. */
  private statement(n: Node, capturing: boolean): Val | null {
    const kids = (k: string): Node[] => (n[k] ?? []) as Node[];
    switch (n.type) {
      case 'StringLiteral':
        // Data text or a literal output: harmless unless it is captured into a variable.
        return capturing ? this.produced(known(n.value as string), true) : known(n.value as string);
      case 'Comment':
      case 'Break':
      case 'Continue':
        return null;
      case 'If':
        this.expr(n.test as Node, 0);
        this.body(kids('body'), capturing);
        this.body(kids('alternate'), capturing);
        return BUILT;
      case 'For':
        this.bindTarget(n.loopvar as Node, elementOf(this.expr(n.iterable as Node, 0)));
        this.body(kids('body'), capturing);
        this.body(kids('defaultBlock'), capturing);
        return BUILT;
      case 'Set':
        this.bindTarget(n.assignee as Node, n.value ? this.expr(n.value as Node, 0) : this.body(kids('body'), true));
        return null;
      case 'Macro':
        return this.macro(n);
      case 'CallStatement':
        for (const p of kids('callerArgs')) this.bindTarget(p, DATA);
        this.expr(n.call as Node, 0);
        this.body(kids('body'), true);
        return BUILT;
      case 'FilterStatement':
        this.filter(this.body(kids('body'), true), n.filter as Node, 0);
        return BUILT;
      default:
        return this.expr(n, 0);
    }
  }

  private macro(n: Node): null {
    const params: string[] = [];
    for (const p of (n.args ?? []) as Node[]) {
      const key = p.type === 'KeywordArgumentExpression' ? (p.key as Node) : p;
      params.push(key.value as string);
      if (p.type === 'KeywordArgumentExpression') this.bind(key.value as string, this.expr(p.value as Node, 0));
    }
    const value = this.body((n.body ?? []) as Node[], true);
    this.macros.set((n.name as Node).value as string, { params, value });
    return null;
  }

  private bindTarget(target: Node, v: Val): void {
    if (target.type === 'Identifier') this.bind(target.value as string, v);
    else if (target.type === 'TupleLiteral' || target.type === 'ArrayLiteral')
      for (const t of target.value as Node[]) this.bindTarget(t, elementOf(v));
    else if (target.type === 'MemberExpression') {
      this.expr(target, 0);
      const path = memberPath(target);
      if (path !== null) this.bind(path, v);
    } else this.expr(target, 0);
  }

  /** Checks a new constant string: any that names an internal is flagged wherever it is built. */
  private produced(v: Val, check = true): Val {
    if (check)
      for (const c of v.consts ?? [])
        if (typeof c === 'string' && looksInternal(c))
          this.flag('malicious', `the string '${c.slice(0, 80)}' names a Python internal`, c);
    return v;
  }

  expr(n: Node, depth: number): Val {
    if (++this.steps > MAX_STEPS) throw new Unverifiable('the template is too large to walk');
    if (depth > MAX_DEPTH) throw new Unverifiable('expressions are nested too deeply');
    const sub = (k: string): Val => this.expr(n[k] as Node, depth + 1);
    switch (n.type) {
      case 'StringLiteral':
        return this.produced(known(n.value as string));
      case 'IntegerLiteral':
        return known(n.value as number);
      case 'FloatLiteral':
        return NUMBER;
      case 'ArrayLiteral':
      case 'TupleLiteral':
        return this.sequence(n.value as Node[], depth);
      case 'ObjectLiteral':
        return this.object(n.value as Map<Node, Node>, depth);
      case 'Identifier':
        return this.identifier(n.value as string);
      case 'MemberExpression':
        return this.member(n, depth);
      case 'CallExpression':
        return this.call(n, depth);
      case 'FilterExpression':
        return this.filter(sub('operand'), n.filter as Node, depth);
      case 'BinaryExpression':
        return this.binary((n.operator as { value: string }).value, sub('left'), sub('right'));
      case 'UnaryExpression':
        return this.unary((n.operator as { value: string }).value, sub('argument'));
      case 'Ternary':
        sub('condition');
        return join(sub('trueExpr'), sub('falseExpr'));
      case 'SelectExpression':
        sub('test');
        return sub('lhs');
      case 'TestExpression':
        sub('operand');
        return BOOL;
      case 'KeywordArgumentExpression':
        this.keyword((n.key as Node).value as string);
        return sub('value');
      case 'SpreadExpression':
      case 'KeywordSpreadExpression':
        return sub('argument');
      case 'SliceExpression':
        for (const k of ['start', 'stop', 'step']) if (n[k]) sub(k);
        return DATA;
      default:
        throw new Unverifiable(`unsupported syntax '${n.type}'`);
    }
  }

  private keyword(name: string): void {
    if (looksInternal(name)) this.flag('malicious', `the keyword '${name}' names a Python internal`, name);
  }

  private sequence(elements: Node[], depth: number): Val {
    const vals = elements.map((e) => this.expr(e, depth + 1));
    const consts = vals.every((v) => v.consts?.length === 1) ? [vals.map((v) => v.consts?.[0] ?? null)] : null;
    const items = vals.reduce<Val | undefined>((acc, v) => join(acc, v), undefined);
    return { ...DATA, consts, ...(items ? { items } : {}) };
  }

  private object(entries: Map<Node, Node>, depth: number): Val {
    let items: Val | undefined;
    for (const [k, v] of entries) items = join(join(items, this.expr(k, depth + 1)), this.expr(v, depth + 1));
    return { ...DATA, ...(items ? { items } : {}) };
  }

  private identifier(name: string): Val {
    if (name === 'true' || name === 'True') return known(true);
    if (name === 'false' || name === 'False') return known(false);
    if (name === 'none' || name === 'None') return known(null);
    const bound = this.bindings.get(name);
    if (bound) return bound;
    if (this.assigned.has(name)) return NOTHING_YET;
    if (GADGETS.has(name)) {
      if (!PLAIN_GLOBALS.has(name)) this.flag('suspicious', `'${name}' is a known sandbox-escape starting point`, name);
      return { ...DATA, origin: 'gadget', gadget: name };
    }
    if (ESCAPE_NAMES.has(name) || name.startsWith('__')) return { ...DATA, origin: 'escape', gadget: name };
    return DATA;
  }

  private member(n: Node, depth: number, evaluated?: Val): Val {
    const obj = evaluated ?? this.expr(n.object as Node, depth + 1);
    const prop = n.property as Node;
    if (prop.type === 'SliceExpression') return this.sliced(obj, prop, depth);
    const key = n.computed ? this.expr(prop, depth + 1) : known(prop.value as string | number);
    this.access(obj, key, n.computed ? 'item' : 'attribute');
    const path = memberPath(n);
    const viaPath = path === null ? undefined : this.bindings.get(path);
    const consts = combine([obj, key], ([o, k]) => (typeof k === 'number' ? index(o ?? null, k) : undefined));
    const base: Val = { ...DATA, consts, origin: derived(obj, key) };
    if (obj.gadget !== undefined) base.gadget = obj.gadget;
    return join(join(base, obj.items), viaPath);
  }

  private sliced(obj: Val, s: Node, depth: number): Val {
    const part = (k: string): Val => (s[k] ? this.expr(s[k] as Node, depth + 1) : known(null));
    const consts = combine([obj, part('start'), part('stop'), part('step')], ([o, a, b, c]) =>
      slice(o ?? null, a ?? null, b ?? null, c ?? null),
    );
    this.access(obj, NUMBER, 'item');
    return { ...obj, consts, origin: obj.origin === 'data' ? 'data' : 'internal' };
  }

  /** The checks on reading `key` from `obj` (attribute, item, `|attr`, or an attribute path of a filter). */
  private access(obj: Val, key: Val, how: string): void {
    const names = (key.consts ?? []).filter((c): c is string => typeof c === 'string');
    for (const s of names) {
      if (s.startsWith('_')) this.flag('malicious', `reads the ${how} '${s.slice(0, 80)}', a Python internal`, s);
      else if (ESCAPE_NAMES.has(s))
        this.flag(obj.origin === 'data' ? 'suspicious' : 'malicious', `reads the ${how} '${s}'`, s);
    }
    if (key.consts === null && key.built)
      this.flag('malicious', `reads an ${how} whose name is assembled at render time`, '');
    else if (key.consts === null && !key.numeric && obj.origin !== 'data')
      this.flag('suspicious', `reads an ${how} named at render time from '${obj.gadget ?? 'a global'}'`, '');
    const gadget = obj.gadget ?? '';
    if (obj.origin === 'gadget') this.flag('malicious', `reads into the Jinja global '${gadget}'`, gadget);
    if (obj.origin === 'escape') this.flag('malicious', `dereferences '${gadget}'`, gadget);
    if (obj.origin === 'gadget-call' && !names.every((s) => CYCLER_METHODS.has(s)))
      this.flag('suspicious', `reads into the object '${gadget}' returns`, gadget);
  }

  private call(n: Node, depth: number): Val {
    const args: Val[] = [];
    const kwargs: Record<string, Val> = {};
    for (const a of (n.args ?? []) as Node[]) {
      const v = this.expr(a, depth + 1);
      if (a.type === 'KeywordArgumentExpression') kwargs[(a.key as Node).value as string] = v;
      else args.push(v);
    }
    const callee = n.callee as Node;
    if (callee.type === 'Identifier') return this.callName(callee.value as string, args, kwargs);
    if (callee.type === 'MemberExpression' && !callee.computed)
      return this.callMethod(callee, (callee.property as Node).value as string, args, kwargs, depth);
    return this.callValue(this.expr(callee, depth + 1));
  }

  private callName(name: string, args: Val[], kwargs: Record<string, Val>): Val {
    const macro = this.macros.get(name);
    if (macro && !this.bindings.has(name)) {
      macro.params.forEach((p, i) => this.bind(p, join(args[i], kwargs[p])));
      return { ...macro.value, built: true };
    }
    if (name === 'caller') return BUILT;
    const callee = this.identifier(name);
    if (callee.origin !== 'gadget') return this.callValue(callee);
    if (callee.gadget === 'range') return rangeOf(args);
    if (callee.gadget === 'dict') {
      const items = Object.values(kwargs).reduce<Val | undefined>((acc, v) => join(acc, v), undefined);
      return { ...DATA, ...(items ? { items } : {}) };
    }
    if (callee.gadget === 'namespace' || callee.gadget === 'lipsum') return DATA;
    const origin = callee.gadget === 'cycler' || callee.gadget === 'joiner' ? 'gadget-call' : 'internal';
    return { ...DATA, origin, gadget: callee.gadget ?? name };
  }

  private callValue(callee: Val): Val {
    if (callee.origin === 'escape') this.flag('malicious', `calls '${callee.gadget ?? ''}'`, callee.gadget ?? '');
    if (callee.origin === 'gadget') return this.callName(callee.gadget ?? '', [], {});
    return callee.origin === 'data' || callee.origin === 'gadget-call' ? DATA : { ...DATA, origin: 'internal' };
  }

  private callMethod(callee: Node, method: string, args: Val[], kwargs: Record<string, Val>, depth: number): Val {
    const recv = this.expr(callee.object as Node, depth + 1);
    const fn = this.member(callee, depth, recv);
    if (method === 'format' || method === 'format_map') this.formatFields(recv);
    const kwNames = Object.keys(kwargs);
    const consts = combine([recv, ...args, ...kwNames.map((k) => kwargs[k] as Val)], ([r, ...rest]) => {
      const kw = Object.fromEntries(kwNames.map((k, i) => [k, rest[args.length + i] ?? null]));
      return foldMethod(method, r ?? null, rest.slice(0, args.length), kw);
    });
    if (consts) return this.produced({ ...DATA, consts, built: true });
    if (fn.origin === 'escape') this.flag('malicious', `calls '${method}'`, method);
    if (fn.origin !== 'data' && fn.origin !== 'gadget-call') return { ...DATA, origin: 'internal' };
    return STRING_METHODS.has(method) ? BUILT : DATA;
  }

  /** `'{0.__class__}'.format(x)` reads attributes without the attribute syntax. */
  private formatFields(recv: Val): void {
    if (recv.consts === null) {
      this.flag('suspicious', 'calls str.format on a string that is not known before rendering', 'format');
      return;
    }
    for (const c of recv.consts) {
      if (typeof c !== 'string') continue;
      for (const path of formatFieldPaths(c)) {
        const bad = path.find((p) => p.startsWith('_'));
        if (bad !== undefined) this.flag('malicious', `str.format reads the attribute '${bad}'`, bad);
        else this.flag('suspicious', 'str.format reads attributes of its arguments', c);
      }
    }
  }

  private filter(operand: Val, f: Node, depth: number): Val {
    const isCall = f.type === 'CallExpression';
    const name = ((isCall ? (f.callee as Node) : f).value ?? '') as string;
    const args: Val[] = [];
    const kwargs: Record<string, Val> = {};
    for (const a of (isCall ? f.args : []) as Node[]) {
      const v = this.expr(a, depth + 1);
      if (a.type === 'KeywordArgumentExpression') kwargs[(a.key as Node).value as string] = v;
      else args.push(v);
    }
    if (name === 'attr') {
      const key = args[0] ?? kwargs.name ?? DATA;
      this.access(operand, key, 'attribute');
      if (key.consts === null && !key.built)
        this.flag('suspicious', "the 'attr' filter reads an attribute named at render time", 'attr');
      return { ...DATA, origin: derived(operand, key), ...(operand.gadget ? { gadget: operand.gadget } : {}) };
    }
    this.attributeArgs(name, operand, args, kwargs);
    if (name === 'default' || name === 'd') return join(operand, args[0]);
    const consts = combine([operand, ...args], ([v, ...rest]) => foldFilter(name, v ?? null, rest, {}));
    if (consts) return this.produced({ ...DATA, consts, built: STRING_FILTERS.has(name) });
    if (NUMERIC_FILTERS.has(name)) return NUMBER;
    if (STRING_FILTERS.has(name)) return BUILT;
    return ELEMENT_FILTERS.has(name) ? { ...operand, consts: null } : DATA;
  }

  /** Filters that read attributes by name: `map('attr', n)`, `selectattr(n)`, `sort(attribute=n)`… */
  private attributeArgs(name: string, operand: Val, args: Val[], kwargs: Record<string, Val>): void {
    const paths: Val[] = [];
    if (kwargs.attribute) paths.push(kwargs.attribute);
    const at = ATTRIBUTE_ARGS[name];
    if (at !== undefined && args[at]) paths.push(args[at] as Val);
    if (name === 'map' && args[0]) {
      if (args[0].consts?.includes('attr')) paths.push(args[1] ?? DATA);
      else if (args[0].consts === null) this.flag('suspicious', "'map' applies a filter named at render time", 'map');
    }
    const element = elementOf(operand);
    for (const p of paths) {
      const parts = p.consts?.flatMap((c): Const[] => (typeof c === 'string' ? c.split('.') : [c]));
      this.access(element, parts ? { ...p, consts: parts } : p, `attribute (via '${name}')`);
      if (!parts && !p.built && !p.numeric)
        this.flag('suspicious', `'${name}' reads an attribute named at render time`, name);
    }
  }

  private binary(op: string, l: Val, r: Val): Val {
    if (op === 'and' || op === 'or') return join(l, r);
    if (['in', 'not in', '==', '!=', '<', '>', '<=', '>='].includes(op)) return BOOL;
    const consts = combine([l, r], ([a, b]) => foldBinary(op, a ?? null, b ?? null));
    const stringy = (v: Val): boolean => v.built || (v.consts ?? []).some((c) => typeof c === 'string');
    const built = op === '~' || (op === '%' ? stringy(l) : (op === '+' || op === '*') && (stringy(l) || stringy(r)));
    const numeric = ['-', '//', '/', '**'].includes(op) || (!built && l.numeric && r.numeric);
    const origin = l.origin === 'data' && r.origin === 'data' ? 'data' : 'internal';
    return this.produced({ consts, built, numeric, origin });
  }

  private unary(op: string, v: Val): Val {
    if (op === 'not') return BOOL;
    const consts = combine([v], ([x]) => (typeof x === 'number' ? (op === '-' ? -x : x) : undefined));
    return { ...NUMBER, consts };
  }
}

/** `ns.attr` as a variable name, so `{% set ns.attr = … %}` is followed to its uses. */
function memberPath(n: Node): string | null {
  const obj = n.object as Node;
  const prop = n.property as Node;
  return !n.computed && obj.type === 'Identifier' && prop.type === 'Identifier'
    ? `${obj.value as string}.${prop.value as string}`
    : null;
}

/** What reading a member of `obj` gives: a piece of an internal, unless `obj` is render data. */
function derived(obj: Val, key: Val): Val['origin'] {
  const names = (key.consts ?? []).filter((c): c is string => typeof c === 'string');
  if (obj.origin === 'gadget-call' && names.length > 0 && names.every((s) => CYCLER_METHODS.has(s))) return 'data';
  if (obj.origin !== 'data') return 'internal';
  return names.some((s) => ESCAPE_NAMES.has(s)) ? 'escape' : 'data';
}

/** One element of an iterable: its constants' elements, a container literal's items, or render data. */
function elementOf(v: Val): Val {
  if (v.items) return v.items;
  const origin = v.origin === 'data' ? 'data' : 'internal';
  const consts = v.consts?.flatMap((c): Const[] =>
    Array.isArray(c) ? [...(c as Const[])] : typeof c === 'string' ? [...c] : [],
  );
  if (consts && consts.length > 0 && consts.length <= 64) return { ...known(...consts), origin };
  return { ...DATA, origin };
}

function rangeOf(args: Val[]): Val {
  const consts = combine(args, (xs) => {
    const [a, b, step] = xs.length === 1 ? [0, xs[0], 1] : [xs[0], xs[1], xs[2] ?? 1];
    if (typeof a !== 'number' || typeof b !== 'number' || typeof step !== 'number' || step === 0) return undefined;
    const n = Math.ceil((b - a) / step);
    return n > 64 ? undefined : Array.from({ length: Math.max(0, n) }, (_x, i) => a + i * step);
  });
  return { ...DATA, consts, items: NUMBER };
}
