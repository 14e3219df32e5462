/**
 * Abstract values of a chat template's expressions: the constants an expression can evaluate to (so a name
 * assembled from pieces is seen whole), whether a string was assembled at render time, whether it is a
 * number, and whether it comes from a Jinja global that leads to Python internals. Folding follows Python's
 * semantics for the operations jinja2 compiles to, and every result is capped so `'_' * 10**9` stays small.
 */

export type Const = string | number | boolean | null | readonly Const[];

/** Where a value comes from: render data, or a Jinja global (or a piece of one) that reaches Python. */
export type Origin = 'data' | 'gadget-call' | 'internal' | 'escape' | 'gadget';

export interface Val {
  /** Every value it can take when that set is known and small; null when not known. */
  consts: readonly Const[] | null;
  /** A string assembled at render time (concatenation, repetition, formatting, joining…). */
  built: boolean;
  /** Known to be a number or a boolean: an index, never a name. */
  numeric: boolean;
  origin: Origin;
  /** The global it derives from, for messages. */
  gadget?: string;
  /** Union of the elements, for a container literal (its elements may be gadgets). */
  items?: Val;
}

export const MAX_FOLD_CHARS = 4096;
const MAX_CONSTS = 16;
const ORIGIN_RANK: Origin[] = ['data', 'gadget-call', 'internal', 'escape', 'gadget'];

export const DATA: Val = { consts: null, built: false, numeric: false, origin: 'data' };
export const BUILT: Val = { ...DATA, built: true };
export const NUMBER: Val = { ...DATA, numeric: true };
/** A variable not assigned yet in this pass: no value at all, so it adds nothing to a union. */
export const NOTHING_YET: Val = { consts: [], built: false, numeric: true, origin: 'data' };
export const BOOL: Val = { consts: [true, false], built: false, numeric: true, origin: 'data' };

export function known(...consts: Const[]): Val {
  return {
    consts,
    built: false,
    numeric: consts.every((c) => typeof c === 'number' || typeof c === 'boolean'),
    origin: 'data',
  };
}

/** The value that is either `a` or `b`: unknown once too many constants. */
export function join(a: Val | undefined, b: Val | undefined): Val {
  if (!a || isNothing(a)) return b ?? DATA;
  if (!b || isNothing(b)) return a;
  const origin = ORIGIN_RANK[Math.max(ORIGIN_RANK.indexOf(a.origin), ORIGIN_RANK.indexOf(b.origin))] ?? 'data';
  const out: Val = {
    consts: a.consts && b.consts ? dedupe([...a.consts, ...b.consts]) : null,
    built: a.built || b.built,
    numeric: a.numeric && b.numeric,
    origin,
  };
  const gadget = a.gadget ?? b.gadget;
  if (gadget !== undefined) out.gadget = gadget;
  if (a.items || b.items) out.items = join(a.items, b.items);
  return out;
}

function isNothing(v: Val): boolean {
  return v.consts?.length === 0 && !v.built && v.origin === 'data' && v.items === undefined;
}

function dedupe(consts: Const[]): Const[] | null {
  const seen = new Map<string, Const>();
  for (const c of consts) seen.set(JSON.stringify(c) ?? 'null', c);
  return seen.size > MAX_CONSTS ? null : [...seen.values()];
}

export function sameVal(a: Val, b: Val): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Applies `f` to every combination of constants; unknown when any side is unknown or a result is not. */
export function combine(vals: Val[], f: (cs: Const[]) => Const | undefined): readonly Const[] | null {
  let rows: Const[][] = [[]];
  for (const v of vals) {
    if (!v.consts || rows.length * v.consts.length > MAX_CONSTS) return null;
    rows = rows.flatMap((r) => (v.consts ?? []).map((c) => [...r, c]));
  }
  const out: Const[] = [];
  for (const r of rows) {
    const c = f(r);
    if (c === undefined) return null;
    out.push(c);
  }
  return dedupe(out);
}

/** Python's `str()` of a constant, as `~` and `%s` use it. */
export function pyStr(c: Const): string | undefined {
  if (typeof c === 'string') return c;
  if (typeof c === 'number') return Number.isInteger(c) ? String(c) : undefined;
  if (typeof c === 'boolean') return c ? 'True' : 'False';
  if (c === null) return 'None';
  return undefined;
}

function capped(s: string): string | undefined {
  return s.length > MAX_FOLD_CHARS ? undefined : s;
}

function isInt(c: Const): c is number {
  return typeof c === 'number' && Number.isSafeInteger(c);
}

/** Binary operators of jinja2 on constants (Python semantics); undefined when not foldable. */
export function foldBinary(op: string, a: Const, b: Const): Const | undefined {
  const intOf = (c: Const): number | undefined => (isInt(c) ? c : typeof c === 'boolean' ? Number(c) : undefined);
  const x = intOf(a);
  const y = intOf(b);
  switch (op) {
    case '~': {
      const l = pyStr(a);
      const r = pyStr(b);
      return l === undefined || r === undefined ? undefined : capped(l + r);
    }
    case '+':
      if (typeof a === 'string' && typeof b === 'string') return capped(a + b);
      if (Array.isArray(a) && Array.isArray(b)) return a.length + b.length > MAX_FOLD_CHARS ? undefined : [...a, ...b];
      return x !== undefined && y !== undefined ? safeInt(x + y) : undefined;
    case '-':
      return x !== undefined && y !== undefined ? safeInt(x - y) : undefined;
    case '*':
      return multiply(a, b, x, y);
    case '//':
      return x !== undefined && y ? Math.floor(x / y) : undefined;
    case '%':
      if (typeof a === 'string') return printf(a, Array.isArray(b) ? b : [b]);
      return x !== undefined && y ? x - y * Math.floor(x / y) : undefined;
    case '**':
      return x !== undefined && y !== undefined && y >= 0 && y <= 64 ? safeInt(x ** y) : undefined;
    default:
      return undefined;
  }
}

function safeInt(n: number): number | undefined {
  return Number.isSafeInteger(n) ? n : undefined;
}

function multiply(a: Const, b: Const, x: number | undefined, y: number | undefined): Const | undefined {
  const repeat = (s: string | readonly Const[], n: number): Const | undefined => {
    const count = Math.max(0, n);
    if (s.length * count > MAX_FOLD_CHARS) return undefined;
    return typeof s === 'string' ? s.repeat(count) : Array.from({ length: count }, () => s).flat();
  };
  if ((typeof a === 'string' || Array.isArray(a)) && y !== undefined) return repeat(a as string, y);
  if ((typeof b === 'string' || Array.isArray(b)) && x !== undefined) return repeat(b as string, x);
  return x !== undefined && y !== undefined && typeof a === 'number' && typeof b === 'number'
    ? safeInt(x * y)
    : undefined;
}

const PRINTF = /%(?:\(([^)]*)\))?([-#0 +]*)(\d*)(?:\.(\d+))?([sdircxXo%aeEfFgG])/g;

/** Python's `str % args` (the `%` operator and the `format` filter): `'%c' % 95` is `'_'`. */
export function printf(fmt: string, args: readonly Const[]): string | undefined {
  let i = 0;
  let failed = false;
  const out = fmt.replace(PRINTF, (_m, key: string | undefined, flags: string, width: string, _p, conv: string) => {
    if (conv === '%') return '%';
    if (key !== undefined) failed = true;
    const s = convert(conv, args[i++]);
    if (s === undefined) failed = true;
    return pad(s ?? '', flags, Math.min(Number(width || 0), MAX_FOLD_CHARS));
  });
  return failed || i !== args.length ? undefined : capped(out);
}

function convert(conv: string, arg: Const | undefined): string | undefined {
  if (arg === undefined) return undefined;
  if (conv === 's') return pyStr(arg);
  if (conv === 'c') {
    if (typeof arg === 'string') return arg.length === 1 ? arg : undefined;
    return isInt(arg) && arg >= 0 && arg <= 0x10ffff ? String.fromCodePoint(arg) : undefined;
  }
  if (!isInt(arg)) return undefined;
  if (conv === 'd' || conv === 'i') return String(arg);
  if (conv === 'x') return arg.toString(16);
  if (conv === 'X') return arg.toString(16).toUpperCase();
  if (conv === 'o') return arg.toString(8);
  return undefined;
}

function pad(s: string, flags: string, width: number): string {
  if (s.length >= width) return s;
  return flags.includes('-') ? s.padEnd(width) : s.padStart(width, flags.includes('0') ? '0' : ' ');
}

/** Python's `str.format` with positional and keyword fields; a field reading attributes is not folded. */
export function strFormat(fmt: string, args: readonly Const[], kwargs: Record<string, Const>): string | undefined {
  let auto = 0;
  let failed = false;
  const out = fmt.replace(/\{\{|\}\}|\{([^{}!:]*)(?:!([rsa]))?(?::([^{}]*))?\}/g, (m, field: string | undefined) => {
    if (m === '{{') return '{';
    if (m === '}}') return '}';
    const name = field ?? '';
    const arg = name === '' ? args[auto++] : /^\d+$/.test(name) ? args[Number(name)] : kwargs[name];
    const spec = /:([^{}]*)\}$/.exec(m)?.[1] ?? '';
    const s = arg === undefined ? undefined : spec.endsWith('c') ? convert('c', arg) : pyStr(arg);
    if (s === undefined) failed = true;
    return s ?? '';
  });
  return failed ? undefined : capped(out);
}

/** The `{…}` fields of a format string that read attributes or items (`{0.__class__}`, `{0[x]}`). */
export function formatFieldPaths(fmt: string): string[][] {
  const paths: string[][] = [];
  for (const m of fmt.matchAll(/\{([^{}!:]*)/g)) {
    const field = m[1] ?? '';
    if (/[.[]/.test(field))
      paths.push(
        field
          .split(/[.[\]]+/)
          .filter((p) => p !== '')
          .slice(1),
      );
  }
  return paths;
}

/** Python sequence indexing with negative indices. */
export function index(container: Const, key: Const): Const | undefined {
  if (!isInt(key) || (typeof container !== 'string' && !Array.isArray(container))) return undefined;
  const seq = typeof container === 'string' ? [...container] : (container as Const[]);
  return seq[key < 0 ? seq.length + key : key];
}

/** Python slicing `s[start:stop:step]` of a string or list. */
export function slice(container: Const, start: Const, stop: Const, step: Const): Const | undefined {
  if (typeof container !== 'string' && !Array.isArray(container)) return undefined;
  const seq = typeof container === 'string' ? [...container] : [...(container as Const[])];
  const st = step === null ? 1 : step;
  if (!isInt(st) || st === 0 || (start !== null && !isInt(start)) || (stop !== null && !isInt(stop))) return undefined;
  const n = seq.length;
  const norm = (v: number | null, dflt: number): number =>
    v === null ? dflt : v < 0 ? Math.max(v + n, st < 0 ? -1 : 0) : Math.min(v, st < 0 ? n - 1 : n);
  const out: Const[] = [];
  const from = norm(start as number | null, st > 0 ? 0 : n - 1);
  const to = norm(stop as number | null, st > 0 ? n : -1);
  for (let i = from; st > 0 ? i < to : i > to; i += st) out.push(seq[i] ?? null);
  return typeof container === 'string' ? out.join('') : out;
}
