import { FormatError } from './format-error.ts';

/**
 * A JSON parser for hostile headers. JSON.parse silently keeps the last of duplicate keys, so a file
 * can mean one thing to us and another to a loader that keeps the first (technique 38, safetensors
 * #401); this parser records every duplicate. Objects have no prototype, so `__proto__` is an ordinary
 * key. Depth and node count are capped so a crafted header cannot exhaust the stack or the CPU.
 */

export type JsonValue = null | boolean | number | string | JsonValue[] | JsonObject;
export interface JsonObject {
  [key: string]: JsonValue;
}

export interface DuplicateKey {
  /** JSON-pointer-like path of the object holding the duplicate ("" = top level). */
  path: string;
  key: string;
  /** Character offset of the second occurrence. */
  offset: number;
}

export interface StrictJsonResult {
  value: JsonValue;
  duplicates: DuplicateKey[];
}

export interface StrictJsonLimits {
  maxDepth: number;
  maxNodes: number;
}

const DEFAULT_LIMITS: StrictJsonLimits = { maxDepth: 512, maxNodes: 5_000_000 };

export function isJsonObject(v: JsonValue | undefined): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Parses `text`; throws FormatError (offset = character index) on any syntax error or exceeded limit. */
export function parseStrictJson(text: string, limits: Partial<StrictJsonLimits> = {}): StrictJsonResult {
  const parser = new Parser(text, { ...DEFAULT_LIMITS, ...limits });
  parser.ws();
  const value = parser.value(0, '');
  parser.ws();
  if (parser.pos !== text.length) parser.fail('unexpected text after the JSON value');
  return { value, duplicates: parser.duplicates };
}

const ESCAPES: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };

class Parser {
  pos = 0;
  nodes = 0;
  duplicates: DuplicateKey[] = [];

  constructor(
    private readonly s: string,
    private readonly limits: StrictJsonLimits,
  ) {}

  fail(msg: string): never {
    throw new FormatError(`${msg} at character ${this.pos}`, this.pos);
  }

  ws(): void {
    for (;;) {
      const c = this.s.charCodeAt(this.pos);
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) this.pos++;
      else return;
    }
  }

  value(depth: number, path: string): JsonValue {
    if (++this.nodes > this.limits.maxNodes) this.fail(`more than ${this.limits.maxNodes} JSON values`);
    const c = this.s[this.pos];
    if (c === '{' || c === '[') {
      if (depth >= this.limits.maxDepth) this.fail(`JSON nested deeper than ${this.limits.maxDepth} levels`);
      return c === '{' ? this.object(depth + 1, path) : this.array(depth + 1, path);
    }
    if (c === '"') return this.string();
    if (c === 't') return this.literal('true', true);
    if (c === 'f') return this.literal('false', false);
    if (c === 'n') return this.literal('null', null);
    return this.number();
  }

  private object(depth: number, path: string): JsonObject {
    const out: JsonObject = Object.create(null) as JsonObject;
    const seen = new Set<string>();
    this.pos++;
    this.ws();
    if (this.s[this.pos] === '}') {
      this.pos++;
      return out;
    }
    for (;;) {
      if (this.s[this.pos] !== '"') this.fail('expected a string key');
      const keyAt = this.pos;
      const key = this.string();
      if (seen.has(key)) this.duplicates.push({ path, key, offset: keyAt });
      seen.add(key);
      this.ws();
      if (this.s[this.pos] !== ':') this.fail("expected ':'");
      this.pos++;
      this.ws();
      out[key] = this.value(depth, `${path}/${key}`);
      this.ws();
      const sep = this.s[this.pos++];
      if (sep === '}') return out;
      if (sep !== ',') this.fail("expected ',' or '}'");
      this.ws();
    }
  }

  private array(depth: number, path: string): JsonValue[] {
    const out: JsonValue[] = [];
    this.pos++;
    this.ws();
    if (this.s[this.pos] === ']') {
      this.pos++;
      return out;
    }
    for (;;) {
      out.push(this.value(depth, `${path}/${out.length}`));
      this.ws();
      const sep = this.s[this.pos++];
      if (sep === ']') return out;
      if (sep !== ',') this.fail("expected ',' or ']'");
      this.ws();
    }
  }

  private string(): string {
    this.pos++;
    let out = '';
    let start = this.pos;
    for (;;) {
      const c = this.s.charCodeAt(this.pos);
      if (Number.isNaN(c)) this.fail('unterminated string');
      if (c < 0x20) this.fail('control character in string');
      if (c === 0x22) {
        out += this.s.slice(start, this.pos++);
        return out;
      }
      if (c === 0x5c) {
        out += this.s.slice(start, this.pos);
        out += this.escape();
        start = this.pos;
      } else this.pos++;
    }
  }

  private escape(): string {
    const e = this.s[this.pos + 1] ?? '';
    if (e === 'u') {
      const hex = this.s.slice(this.pos + 2, this.pos + 6);
      if (!/^[0-9a-fA-F]{4}$/.test(hex)) this.fail('bad \\u escape');
      this.pos += 6;
      return String.fromCharCode(parseInt(hex, 16));
    }
    const mapped = ESCAPES[e];
    if (mapped === undefined) this.fail('bad escape');
    this.pos += 2;
    return mapped;
  }

  private literal<T>(word: string, v: T): T {
    if (this.s.startsWith(word, this.pos)) {
      this.pos += word.length;
      return v;
    }
    return this.fail('unexpected character');
  }

  private number(): number {
    const m = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/.exec(this.s.slice(this.pos, this.pos + 400));
    if (!m) this.fail('unexpected character');
    this.pos += m[0].length;
    return Number(m[0]);
  }
}
