/**
 * A parser for the Python literals NumPy writes in .npy headers (what `ast.literal_eval` accepts, minus
 * what numpy never writes): dicts, lists, tuples, str, int, True/False/None. Nothing is evaluated.
 */
export type PyValue = string | number | boolean | null | PyValue[] | PyTuple | PyDict;
export class PyTuple {
  constructor(readonly items: PyValue[]) {}
}
export class PyDict {
  constructor(readonly entries: Map<string, PyValue>) {}
}

const MAX_NESTING = 32;

export function parsePyLiteral(text: string): PyValue {
  const p = { s: text, i: 0 };
  const value = parseValue(p, 0);
  skipSpace(p);
  if (p.i !== p.s.length) throw new Error(`unexpected text at ${p.i}`);
  return value;
}

interface Cursor {
  s: string;
  i: number;
}

function skipSpace(p: Cursor): void {
  while (p.i < p.s.length && ' \t\r\n'.includes(p.s[p.i]!)) p.i++;
}

function parseValue(p: Cursor, depth: number): PyValue {
  if (depth > MAX_NESTING) throw new Error('literal nested too deeply');
  skipSpace(p);
  const c = p.s[p.i];
  if (c === '{') return parseDict(p, depth);
  if (c === '[') return parseSeq(p, depth, ']');
  if (c === '(') {
    const items = parseSeq(p, depth, ')');
    return new PyTuple(items);
  }
  if (c === "'" || c === '"') return parseString(p);
  const word = /^(True|False|None|-?\d+)/.exec(p.s.slice(p.i, p.i + 24));
  if (!word) throw new Error(`unexpected character at ${p.i}`);
  p.i += word[0].length;
  if (word[0] === 'True' || word[0] === 'False') return word[0] === 'True';
  if (word[0] === 'None') return null;
  return Number(word[0]);
}

function parseSeq(p: Cursor, depth: number, close: string): PyValue[] {
  p.i++;
  const items: PyValue[] = [];
  for (;;) {
    skipSpace(p);
    if (p.s[p.i] === close) break;
    items.push(parseValue(p, depth + 1));
    skipSpace(p);
    if (p.s[p.i] === ',') p.i++;
    else if (p.s[p.i] !== close) throw new Error(`expected , or ${close} at ${p.i}`);
  }
  p.i++;
  return items;
}

function parseDict(p: Cursor, depth: number): PyDict {
  p.i++;
  const entries = new Map<string, PyValue>();
  for (;;) {
    skipSpace(p);
    if (p.s[p.i] === '}') break;
    const key = parseValue(p, depth + 1);
    if (typeof key !== 'string') throw new Error('dict key is not a string');
    if (entries.has(key)) throw new Error(`duplicate key ${key}`);
    skipSpace(p);
    if (p.s[p.i++] !== ':') throw new Error(`expected : at ${p.i - 1}`);
    entries.set(key, parseValue(p, depth + 1));
    skipSpace(p);
    if (p.s[p.i] === ',') p.i++;
    else if (p.s[p.i] !== '}') throw new Error(`expected , or } at ${p.i}`);
  }
  p.i++;
  return new PyDict(entries);
}

function parseString(p: Cursor): string {
  const quote = p.s[p.i++]!;
  let out = '';
  while (p.i < p.s.length && p.s[p.i] !== quote) {
    if (p.s[p.i] === '\\') p.i++;
    out += p.s[p.i++] ?? '';
  }
  if (p.s[p.i] !== quote) throw new Error('unterminated string');
  p.i++;
  return out;
}
