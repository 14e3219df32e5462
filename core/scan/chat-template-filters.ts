import { MAX_FOLD_CHARS, printf, pyStr, strFormat, type Const } from './chat-template-values.ts';

/**
 * jinja2 filters and Python string methods evaluated on constants, so that a name spelled through them
 * (`'__ssalc__'|reverse`, `['_','_']|join`, `'%c'|format(95)`, `'X'.replace('X', '_')`) is seen whole.
 * Each returns undefined when it cannot fold, never a guess.
 */

type Fold = (v: Const, args: Const[], kwargs: Record<string, Const>) => Const | undefined;

const str = (v: Const): string | undefined => (typeof v === 'string' ? v : undefined);
const seq = (v: Const): readonly Const[] | undefined =>
  typeof v === 'string' ? [...v] : Array.isArray(v) ? (v as readonly Const[]) : undefined;
const capped = (s: string | undefined): string | undefined =>
  s === undefined || s.length > MAX_FOLD_CHARS ? undefined : s;

function joinSeq(v: Const, sep: Const | undefined): string | undefined {
  const items = seq(v);
  const glue = sep === undefined ? '' : str(sep);
  if (!items || glue === undefined) return undefined;
  const parts = items.map(pyStr);
  return parts.every((p) => p !== undefined) ? capped(parts.join(glue)) : undefined;
}

function replace(v: Const, args: Const[]): string | undefined {
  const [s, a, b, n] = [str(v), str(args[0] ?? null), str(args[1] ?? null), args[2]];
  if (s === undefined || a === undefined || b === undefined) return undefined;
  const count = typeof n === 'number' && n >= 0 ? n : Infinity;
  let out = '';
  let rest = s;
  for (let i = 0; i < count && a !== ''; i++) {
    const at = rest.indexOf(a);
    if (at === -1) break;
    out += rest.slice(0, at) + b;
    rest = rest.slice(at + a.length);
    if (out.length > MAX_FOLD_CHARS) return undefined;
  }
  return capped(out + rest);
}

function strip(s: string | undefined, chars: Const | undefined, left: boolean, right: boolean): string | undefined {
  if (s === undefined) return undefined;
  const set = chars === undefined || chars === null ? null : str(chars);
  if (set === undefined) return undefined;
  const drop = (c: string): boolean => (set === null ? /\s/.test(c) : set.includes(c));
  const cs = [...s];
  let i = 0;
  let j = cs.length;
  while (left && i < j && drop(cs[i] ?? '')) i++;
  while (right && j > i && drop(cs[j - 1] ?? '')) j--;
  return cs.slice(i, j).join('');
}

function reverse(v: Const): Const | undefined {
  if (typeof v === 'string') return [...v].reverse().join('');
  return Array.isArray(v) ? [...(v as Const[])].reverse() : undefined;
}

function pick(v: Const, at: 'first' | 'last'): Const | undefined {
  const items = seq(v);
  if (!items || items.length === 0) return undefined;
  return at === 'first' ? items[0] : items[items.length - 1];
}

function toInt(v: Const): Const | undefined {
  if (typeof v === 'number') return Math.trunc(v);
  if (typeof v === 'boolean') return Number(v);
  const s = str(v)?.trim().replace(/_/g, '');
  return s !== undefined && /^[+-]?\d{1,15}$/.test(s) ? Number(s) : 0;
}

const title = (s: string): string =>
  s.toLowerCase().replace(/(^|[^\p{L}])(\p{L})/gu, (_m, a, b) => a + b.toUpperCase());
const capitalize = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1).toLowerCase();

const FILTERS: Record<string, Fold> = {
  lower: (v) => str(v)?.toLowerCase(),
  upper: (v) => str(v)?.toUpperCase(),
  capitalize: (v) => (str(v) === undefined ? undefined : capitalize(str(v) ?? '')),
  title: (v) => (str(v) === undefined ? undefined : title(str(v) ?? '')),
  trim: (v, a) => strip(str(v), a[0], true, true),
  string: (v) => pyStr(v),
  e: (v) => str(v),
  escape: (v) => str(v),
  safe: (v) => str(v),
  reverse,
  join: (v, a) => joinSeq(v, a[0]),
  replace: (v, a) => replace(v, a),
  first: (v) => pick(v, 'first'),
  last: (v) => pick(v, 'last'),
  list: (v) => seq(v) as Const | undefined,
  length: (v) => seq(v)?.length,
  count: (v) => seq(v)?.length,
  int: (v) => toInt(v),
  format: (v, a) => (str(v) === undefined ? undefined : printf(str(v) ?? '', a)),
  center: (v) => str(v),
};

/** Python `str` methods a template can call on a constant string. */
const METHODS: Record<string, Fold> = {
  lower: FILTERS.lower as Fold,
  upper: FILTERS.upper as Fold,
  capitalize: FILTERS.capitalize as Fold,
  title: FILTERS.title as Fold,
  swapcase: (v) =>
    str(v)
      ?.split('')
      .map((c) => (c === c.toUpperCase() ? c.toLowerCase() : c.toUpperCase()))
      .join(''),
  strip: (v, a) => strip(str(v), a[0], true, true),
  lstrip: (v, a) => strip(str(v), a[0], true, false),
  rstrip: (v, a) => strip(str(v), a[0], false, true),
  replace: (v, a) => replace(v, a),
  join: (v, a) => (a[0] === undefined ? undefined : joinSeq(a[0], v)),
  format: (v, a, k) => (str(v) === undefined ? undefined : strFormat(str(v) ?? '', a, k)),
  removeprefix: (v, a) => {
    const [s, p] = [str(v), str(a[0] ?? null)];
    return s === undefined || p === undefined ? undefined : s.startsWith(p) ? s.slice(p.length) : s;
  },
  removesuffix: (v, a) => {
    const [s, p] = [str(v), str(a[0] ?? null)];
    return s === undefined || p === undefined ? undefined : p !== '' && s.endsWith(p) ? s.slice(0, -p.length) : s;
  },
  split: (v, a) => {
    const [s, sep] = [str(v), a[0] === undefined || a[0] === null ? null : str(a[0])];
    if (s === undefined || sep === undefined || sep === '') return undefined;
    return sep === null ? s.split(/\s+/).filter((p) => p !== '') : s.split(sep);
  },
};

export function foldFilter(name: string, v: Const, args: Const[], kwargs: Record<string, Const>): Const | undefined {
  return Object.hasOwn(FILTERS, name) ? FILTERS[name]?.(v, args, kwargs) : undefined;
}

export function foldMethod(name: string, v: Const, args: Const[], kwargs: Record<string, Const>): Const | undefined {
  return Object.hasOwn(METHODS, name) ? METHODS[name]?.(v, args, kwargs) : undefined;
}

/** Filters whose result is a string assembled from their input: a subscript key built this way is a name. */
export const STRING_FILTERS = new Set([
  'lower', 'upper', 'capitalize', 'title', 'trim', 'string', 'e', 'escape', 'safe', 'reverse', 'join', 'replace',
  'format', 'center', 'indent', 'striptags', 'truncate', 'wordwrap', 'urlencode', 'forceescape', 'filesizeformat',
  'pprint', 'tojson', 'xmlattr',
]); // prettier-ignore

/** Filters whose result is a number or a boolean. */
export const NUMERIC_FILTERS = new Set(['length', 'count', 'int', 'float', 'abs', 'round', 'sum', 'wordcount']);

/** Filters that return elements of their input (so a list of gadgets yields gadgets). */
export const ELEMENT_FILTERS = new Set([
  'first', 'last', 'random', 'list', 'reverse', 'select', 'reject', 'sort', 'unique', 'min', 'max', 'batch',
  'slice', 'default', 'd', 'selectattr', 'rejectattr', 'items', 'dictsort',
]); // prettier-ignore

/** Positions of a filter's arguments that name attributes (`selectattr('x')`, `sort(attribute='x')`). */
export const ATTRIBUTE_ARGS: Record<string, number> = {
  selectattr: 0,
  rejectattr: 0,
  groupby: 0,
  sum: 0,
  sort: 2,
  unique: 1,
  min: 1,
  max: 1,
};
