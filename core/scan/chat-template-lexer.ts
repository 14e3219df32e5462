/**
 * Jinja's own lexing rules (jinja2 3.1 `lexer.py`, default delimiters): data, `{{ … }}`, `{% … %}`,
 * `{# … #}`, `{% raw %}` blocks, whitespace control and Python string escapes. The template is split the
 * way jinja2 splits it, not the way a lenient parser would, so a payload cannot hide in a place the checker
 * reads differently from the engine that renders it.
 */

/** Token kinds of the parser that builds the syntax tree (@huggingface/jinja). */
export type TokenType =
  | 'Text'
  | 'NumericLiteral'
  | 'StringLiteral'
  | 'Identifier'
  | 'Equals'
  | 'OpenParen'
  | 'CloseParen'
  | 'OpenStatement'
  | 'CloseStatement'
  | 'OpenExpression'
  | 'CloseExpression'
  | 'OpenSquareBracket'
  | 'CloseSquareBracket'
  | 'OpenCurlyBracket'
  | 'CloseCurlyBracket'
  | 'Comma'
  | 'Dot'
  | 'Colon'
  | 'Pipe'
  | 'AdditiveBinaryOperator'
  | 'MultiplicativeBinaryOperator'
  | 'ExponentiationBinaryOperator'
  | 'ComparisonBinaryOperator';

export interface JinjaToken {
  type: TokenType;
  value: string;
  /** Character offset in the template. */
  at: number;
}

/** A run of data, or the tokens between the delimiters of one tag. */
export interface Segment {
  kind: 'text' | 'expr' | 'stmt';
  at: number;
  text: string;
  tokens: JinjaToken[];
}

export class TemplateSyntaxError extends Error {
  constructor(
    message: string,
    readonly at: number,
  ) {
    super(message);
  }
}

const OPERATORS: [string, TokenType][] = [
  ['**', 'ExponentiationBinaryOperator'],
  ['//', 'MultiplicativeBinaryOperator'],
  ['==', 'ComparisonBinaryOperator'],
  ['!=', 'ComparisonBinaryOperator'],
  ['>=', 'ComparisonBinaryOperator'],
  ['<=', 'ComparisonBinaryOperator'],
  ['+', 'AdditiveBinaryOperator'],
  ['-', 'AdditiveBinaryOperator'],
  ['~', 'AdditiveBinaryOperator'],
  ['/', 'MultiplicativeBinaryOperator'],
  ['*', 'MultiplicativeBinaryOperator'],
  ['%', 'MultiplicativeBinaryOperator'],
  ['>', 'ComparisonBinaryOperator'],
  ['<', 'ComparisonBinaryOperator'],
  ['=', 'Equals'],
  ['.', 'Dot'],
  [':', 'Colon'],
  ['|', 'Pipe'],
  [',', 'Comma'],
  ['(', 'OpenParen'],
  [')', 'CloseParen'],
  ['[', 'OpenSquareBracket'],
  [']', 'CloseSquareBracket'],
  ['{', 'OpenCurlyBracket'],
  ['}', 'CloseCurlyBracket'],
];
const CLOSERS: Record<string, string> = { ')': '(', ']': '[', '}': '{' };

const WHITESPACE = /\s+/y;
const FLOAT = /(?:\d+_)*\d+(?:(?:\.(?:\d+_)*\d+)?e[+-]?(?:\d+_)*\d+|\.(?:\d+_)*\d+)/iy;
const INTEGER = /0b(?:_?[01])+|0o(?:_?[0-7])+|0x(?:_?[\da-f])+|[1-9](?:_?\d)*|0(?:_?0)*/iy;
const NAME = /[\p{L}\p{Nl}\p{Mn}\p{Mc}\p{Nd}\p{Pc}\u00b7\u2e2f]+/uy;
const STRING = /'([^'\\]*(?:\\[\s\S][^'\\]*)*)'|"([^"\\]*(?:\\[\s\S][^"\\]*)*)"/y;
const RAW_BEGIN = /\{%[-+]?\s*raw\s*(?:-%\}\s*|%\})/y;
const RAW_END = /\{%([-+]?)\s*endraw\s*(?:\+%\}|-%\}\s*|%\})/g;

/** Splits a template into data and tags, as jinja2's lexer does. */
export function lexSegments(src: string): Segment[] {
  const out: Segment[] = [];
  let pos = 0;
  while (pos < src.length) {
    const start = nextTagStart(src, pos);
    if (start === -1) {
      out.push(textSegment(src.slice(pos), pos));
      break;
    }
    const strip = src[start + 2] === '-';
    const text = src.slice(pos, start);
    out.push(textSegment(strip ? text.trimEnd() : text, pos));
    pos = lexTag(src, start, out);
  }
  return out.filter((s) => s.kind !== 'text' || s.text !== '');
}

function textSegment(text: string, at: number): Segment {
  return { kind: 'text', at, text, tokens: [] };
}

function nextTagStart(src: string, from: number): number {
  for (let i = src.indexOf('{', from); i !== -1; i = src.indexOf('{', i + 1)) {
    const c = src[i + 1];
    if (c === '{' || c === '%' || c === '#') return i;
  }
  return -1;
}

/** Lexes the tag at `start` (a comment, a raw block, an expression or a statement); returns the end. */
function lexTag(src: string, start: number, out: Segment[]): number {
  const marker = src[start + 1];
  if (marker === '#') return skipComment(src, start);
  RAW_BEGIN.lastIndex = start;
  const raw = marker === '%' ? RAW_BEGIN.exec(src) : null;
  if (raw) return lexRaw(src, start + raw[0].length, out);
  const sign = src[start + 2] === '-' || src[start + 2] === '+' ? 1 : 0;
  const kind = marker === '{' ? 'expr' : 'stmt';
  const { tokens, end } = lexCode(src, start + 2 + sign, kind === 'expr' ? '}}' : '%}');
  out.push({ kind, at: start, text: src.slice(start, end), tokens });
  return end;
}

function skipComment(src: string, start: number): number {
  const end = src.indexOf('#}', start + 2);
  if (end === -1) throw new TemplateSyntaxError('missing end of comment tag', start);
  const sign = src[start + 2] === '-' || src[start + 2] === '+' ? 1 : 0;
  return src[end - 1] === '-' && end - 1 >= start + 2 + sign ? skipSpace(src, end + 2) : end + 2;
}

function lexRaw(src: string, bodyStart: number, out: Segment[]): number {
  RAW_END.lastIndex = bodyStart;
  const m = RAW_END.exec(src);
  if (!m) throw new TemplateSyntaxError('missing end of raw directive', bodyStart);
  const body = src.slice(bodyStart, m.index);
  out.push(textSegment(m[1] === '-' ? body.trimEnd() : body, bodyStart));
  return m.index + m[0].length;
}

function skipSpace(src: string, pos: number): number {
  WHITESPACE.lastIndex = pos;
  return WHITESPACE.exec(src) ? WHITESPACE.lastIndex : pos;
}

/** Tokens up to the closing delimiter; an open bracket makes a closing delimiter an operator, as in jinja2. */
function lexCode(src: string, from: number, close: string): { tokens: JinjaToken[]; end: number } {
  const tokens: JinjaToken[] = [];
  const open: string[] = [];
  let pos = from;
  for (;;) {
    if (pos >= src.length) throw new TemplateSyntaxError(`unexpected end of template, expected '${close}'`, pos);
    if (open.length === 0) {
      if (src.startsWith(`-${close}`, pos)) return { tokens, end: skipSpace(src, pos + 3) };
      if (close === '%}' && src.startsWith('+%}', pos)) return { tokens, end: pos + 3 };
      if (src.startsWith(close, pos)) return { tokens, end: pos + 2 };
    }
    const next = skipSpace(src, pos);
    if (next !== pos) {
      pos = next;
      continue;
    }
    const { tok, end } = lexToken(src, pos);
    balance(open, tok);
    tokens.push(tok);
    pos = end;
  }
}

function balance(open: string[], tok: JinjaToken): void {
  if (tok.type === 'StringLiteral' || tok.type === 'NumericLiteral' || tok.type === 'Identifier') return;
  const v = tok.value;
  if (v === '(' || v === '[' || v === '{') open.push(v);
  else if (CLOSERS[v] !== undefined && open.pop() !== CLOSERS[v])
    throw new TemplateSyntaxError(`unexpected '${v}'`, tok.at);
}

/** One token at `pos`, tried in jinja2's order: float, integer, name, string, operator. */
function lexToken(src: string, pos: number): { tok: JinjaToken; end: number } {
  const sticky = (re: RegExp): string | null => {
    re.lastIndex = pos;
    return re.exec(src)?.[0] ?? null;
  };
  const token = (type: TokenType, value: string, raw: string) => ({
    tok: { type, value, at: pos },
    end: pos + raw.length,
  });
  const float = src[pos - 1] === '.' ? null : sticky(FLOAT);
  if (float !== null) return token('NumericLiteral', floatText(float), float);
  const int = sticky(INTEGER);
  if (int !== null) return token('NumericLiteral', integerText(int), int);
  const name = sticky(NAME);
  if (name !== null) return token('Identifier', name, name);
  const str = sticky(STRING);
  if (str !== null) return token('StringLiteral', decodePythonString(str.slice(1, -1), pos), str);
  for (const [op, type] of OPERATORS) if (src.startsWith(op, pos)) return token(type, op, op);
  throw new TemplateSyntaxError(`unexpected character '${src[pos]}'`, pos);
}

/** Decimal text of a Jinja integer (`0x5f`, `1_000`), which the parser reads with Number(). */
function integerText(raw: string): string {
  const digits = raw.replace(/_/g, '').toLowerCase();
  const n = /^0[box]/.test(digits) ? BigInt(digits) : BigInt(digits.replace(/^0+(?=\d)/, ''));
  return n.toString();
}

/** A float keeps a '.' so the parser builds a FloatLiteral, as jinja2 builds a Python float. */
function floatText(raw: string): string {
  const n = Number(raw.replace(/_/g, ''));
  const s = String(n);
  return /[.e]/.test(s) ? (s.includes('.') ? s : `${s.replace(/e/, '.0e')}`) : `${s}.0`;
}

/**
 * jinja2 decodes a literal with `value.encode('ascii', 'backslashreplace').decode('unicode-escape')`:
 * octal, \x, \u, \U and \N{…} escapes all build characters, so `'\137'` is `'_'`.
 */
export function decodePythonString(body: string, at: number): string {
  const s = body.replace(/\r\n?/g, '\n');
  let out = '';
  for (let i = 0; i < s.length;) {
    const c = s[i] ?? '';
    if (c !== '\\') {
      out += c;
      i++;
      continue;
    }
    const [text, used] = decodeEscape(s, i, at);
    out += text;
    i += used;
  }
  return out;
}

const SIMPLE_ESCAPES: Record<string, string> = {
  '\n': '',
  '\\': '\\',
  "'": "'",
  '"': '"',
  a: '\x07',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
};

function decodeEscape(s: string, i: number, at: number): [string, number] {
  const e = s[i + 1];
  if (e === undefined) throw new TemplateSyntaxError('string ends with a backslash', at);
  const simple = SIMPLE_ESCAPES[e];
  if (simple !== undefined) return [simple, 2];
  const oct = /^[0-7]{1,3}/.exec(s.slice(i + 1, i + 4));
  if (oct) return [String.fromCodePoint(parseInt(oct[0], 8)), 1 + oct[0].length];
  const width = e === 'x' ? 2 : e === 'u' ? 4 : e === 'U' ? 8 : 0;
  if (width > 0) return [hexEscape(s.slice(i + 2, i + 2 + width), width, at), 2 + width];
  if (e === 'N') return namedEscape(s, i, at);
  const cp = e.codePointAt(0) ?? 0;
  // backslashreplace turns a non-ASCII character into its own escape first, which then reads as text.
  if (cp > 0x7f) return [`\\${pythonEscapeOf(cp)}`, 1 + String.fromCodePoint(cp).length];
  return [`\\${e}`, 2];
}

function hexEscape(hex: string, width: number, at: number): string {
  if (hex.length !== width || !/^[0-9a-fA-F]+$/.test(hex)) throw new TemplateSyntaxError('truncated \\x escape', at);
  const cp = parseInt(hex, 16);
  if (cp > 0x10ffff) throw new TemplateSyntaxError('illegal Unicode character', at);
  return String.fromCodePoint(cp);
}

function pythonEscapeOf(cp: number): string {
  if (cp <= 0xff) return `x${cp.toString(16).padStart(2, '0')}`;
  if (cp <= 0xffff) return `u${cp.toString(16).padStart(4, '0')}`;
  return `U${cp.toString(16).padStart(8, '0')}`;
}

/** `\N{LOW LINE}`: the names an attacker needs to spell identifiers; any other name cannot be verified. */
function namedEscape(s: string, i: number, at: number): [string, number] {
  const m = /^\{([^}]*)\}/.exec(s.slice(i + 2, i + 2 + 80));
  if (!m) throw new TemplateSyntaxError('malformed \\N escape', at);
  const ch = unicodeName(m[1]?.toUpperCase() ?? '');
  if (ch === undefined) throw new UnverifiableEscape(m[1] ?? '', at);
  return [ch, 2 + m[0].length];
}

/** A valid Python escape whose character this checker does not know: the literal cannot be read. */
export class UnverifiableEscape extends Error {
  constructor(
    name: string,
    readonly at: number,
  ) {
    super(`\\N{${name}} escape`);
  }
}

const NAMED: Record<string, string> = {
  'LOW LINE': '_',
  'SPACING UNDERSCORE': '_',
  'FULL STOP': '.',
  PERIOD: '.',
  SPACE: ' ',
  'HYPHEN-MINUS': '-',
  SOLIDUS: '/',
  'REVERSE SOLIDUS': '\\',
  APOSTROPHE: "'",
  'QUOTATION MARK': '"',
  'LEFT PARENTHESIS': '(',
  'RIGHT PARENTHESIS': ')',
  'LEFT SQUARE BRACKET': '[',
  'RIGHT SQUARE BRACKET': ']',
  COMMA: ',',
  COLON: ':',
  SEMICOLON: ';',
  'EQUALS SIGN': '=',
  'PERCENT SIGN': '%',
  'NUMBER SIGN': '#',
  'LINE FEED': '\n',
};
const DIGITS = ['ZERO', 'ONE', 'TWO', 'THREE', 'FOUR', 'FIVE', 'SIX', 'SEVEN', 'EIGHT', 'NINE'];

function unicodeName(name: string): string | undefined {
  const letter = /^LATIN (SMALL|CAPITAL) LETTER ([A-Z])$/.exec(name);
  if (letter) return letter[1] === 'SMALL' ? (letter[2] ?? '').toLowerCase() : letter[2];
  const digit = /^DIGIT ([A-Z]+)$/.exec(name);
  if (digit) {
    const d = DIGITS.indexOf(digit[1] ?? '');
    return d >= 0 ? String(d) : undefined;
  }
  return NAMED[name];
}
