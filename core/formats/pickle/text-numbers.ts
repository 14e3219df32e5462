/**
 * The number grammar of protocol-0 pickle arguments, as the UNION of what CPython's two unpicklers accept:
 * the C `_pickle` module (pickle.load, torch.load) and the pure-Python `pickle._Unpickler` (joblib). A scanner
 * that rejects a form one of them accepts stops reading where the loader goes on (and runs what follows), so
 * every form either accepts is accepted here; the values only need to be right where they matter (memo keys).
 *
 * Sources, CPython 3.8–3.13: Modules/_pickle.c `load_int` (PyOS_strtol base 0, then PyLong_FromString base 0),
 * `load_long` (one trailing `L` dropped, PyLong_FromString base 0), `load_float` (PyOS_string_to_double),
 * `load_get`/`load_put` (PyLong_FromString base 10); Lib/pickle.py `int(data, 0)`, `float(data)`, `int(data)`.
 * scripts/gen_pickle_grammar_vectors.py checks the grammar against CPython itself.
 */

/** Python's whitespace for bytes (str.strip on bytes, Py_ISSPACE; the same set as C's isspace). */
const PY_SPACE = /^[ \t\n\r\v\f]+|[ \t\n\r\v\f]+$/g;

/** int(x, 0) and PyLong_FromString(x, 0): prefixes, single underscores between digits, no leading zeros. */
const BASE0 = /^[+-]?(?:0[xX](?:_?[0-9a-fA-F])+|0[oO](?:_?[0-7])+|0[bB](?:_?[01])+|0(?:_?0)*|[1-9](?:_?[0-9])*)$/;
/**
 * The C unpickler tries strtol(s, base 0) first: leading space, a sign, `0x` hex, a leading `0` meaning
 * octal, no underscores, and it must stop at the newline or at a NUL. An empty text parses as 0.
 */
const STRTOL = /^(?:[ \t\n\r\v\f]*[+-]?(?:0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*))?$/;
/** int(x) / PyLong_FromString(x, 10): leading zeros allowed. */
const BASE10 = /^[+-]?[0-9](?:_?[0-9])*$/;
/** PyOS_string_to_double (C unpickler): no surrounding space, no underscores. */
const C_FLOAT = /^[+-]?(?:inf|infinity|nan|(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?)$/i;
/** float(x) (Python unpickler): surrounding space and underscores between digits allowed. */
const PY_FLOAT =
  /^[+-]?(?:inf|infinity|nan|(?:[0-9](?:_?[0-9])*(?:\.(?:[0-9](?:_?[0-9])*)?)?|\.[0-9](?:_?[0-9])*)(?:[eE][+-]?[0-9](?:_?[0-9])*)?)$/i;

/** What the C unpickler's parsers see: a C string, so the text ends at the first NUL byte. */
function upToNul(line: string): string {
  const nul = line.indexOf('\0');
  return nul >= 0 ? line.slice(0, nul) : line;
}

function strip(text: string): string {
  return text.replace(PY_SPACE, '');
}

/** Longest digit string converted to a value; longer ones are accepted with an unknown value (CPython reads them). */
const MAX_DIGITS = 4300;

function toBigInt(text: string, octalZero: boolean): bigint {
  if (text.length > MAX_DIGITS) return 0n;
  const negative = text.startsWith('-');
  const body = strip(text).replace(/^[+-]/, '').replace(/_/g, '');
  if (body === '') return 0n;
  const octal = octalZero && /^0[0-7]+$/.test(body);
  const value = /^0[xob]/i.test(body) ? BigInt(body) : octal ? BigInt(`0o${body.slice(1)}`) : BigInt(body);
  return negative ? -value : value;
}

/** INT arguments; `undefined` when neither unpickler would accept the text (an empty line is a bad readline). */
export function parseIntText(line: string): bigint | undefined {
  if (line === '') return undefined;
  const c = upToNul(line);
  if (STRTOL.test(c)) return toBigInt(strip(c), true);
  return parseLongText(line);
}

/** LONG arguments (the `L` suffix already dropped): PyLong_FromString / int(x, 0) only, no strtol. */
export function parseLongText(line: string): bigint | undefined {
  const text = strip(upToNul(line));
  return BASE0.test(text) ? toBigInt(text, false) : undefined;
}

const MAX_SSIZE = 2n ** 63n - 1n;

/** GET and PUT arguments (base 10): the C unpickler needs a key that fits a Py_ssize_t, Python's does not. */
export function parseMemoKey(line: string): bigint | undefined {
  const c = strip(upToNul(line));
  if (BASE10.test(c) && c.length <= 20 && toBigInt(c, false) <= MAX_SSIZE) return toBigInt(c, false);
  const py = strip(line);
  return !line.includes('\0') && BASE10.test(py) ? toBigInt(py, false) : undefined;
}

/** FLOAT arguments. */
export function parseFloatText(line: string): number | undefined {
  const c = upToNul(line);
  const text = C_FLOAT.test(c) ? c : !line.includes('\0') && PY_FLOAT.test(strip(line)) ? strip(line) : undefined;
  if (text === undefined) return undefined;
  const lower = text.toLowerCase().replace(/_/g, '');
  if (lower.endsWith('nan')) return NaN;
  if (lower.endsWith('inf') || lower.endsWith('infinity')) return lower.startsWith('-') ? -Infinity : Infinity;
  return Number(lower);
}

/** LONG drops one `L` right before the newline (Python 2 longs): `L123L\n`. */
export function stripLongSuffix(line: string): string {
  return line.endsWith('L') ? line.slice(0, -1) : line;
}
