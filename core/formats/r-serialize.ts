import type { ByteSource } from '../io/byte-source.ts';
import { FormatError, UnsupportedLayoutError } from './format-error.ts';
import { WindowReader } from './window-reader.ts';

/**
 * R's serialization format (R Internals, "Serialization Formats"; src/main/serialize.c ReadItem): RDS files
 * (saveRDS) hold one stream, RData files (save) a `RDX2`/`RDX3` line and then one stream whose object is the
 * pairlist of saved variables. A stream is a format line (`X\n` XDR, `B\n` native, `A\n` ascii), the
 * version header, then items: an int of flags (type in the low byte, object/attribute/tag bits, `gp`
 * levels from bit 12) and the type's body. This reader follows all three formats to the end and
 * records what the loader would turn into code.
 */

/** SEXP types (Rinternals.h) and the serialize.c pseudo-types. */
export const SEXP = {
  NIL: 0,
  SYM: 1,
  LIST: 2,
  CLO: 3,
  ENV: 4,
  PROM: 5,
  LANG: 6,
  SPECIAL: 7,
  BUILTIN: 8,
  CHAR: 9,
  LGL: 10,
  INT: 13,
  REAL: 14,
  CPLX: 15,
  STR: 16,
  DOT: 17,
  VEC: 19,
  EXPR: 20,
  BCODE: 21,
  EXTPTR: 22,
  WEAKREF: 23,
  RAW: 24,
  S4: 25,
  ALTREP: 238,
  ATTRLIST: 239,
  ATTRLANG: 240,
  BASEENV: 241,
  EMPTYENV: 242,
  BCREPREF: 243,
  BCREPDEF: 244,
  GENERICREF: 245,
  CLASSREF: 246,
  PERSIST: 247,
  PACKAGE: 248,
  NAMESPACE: 249,
  BASENAMESPACE: 250,
  MISSINGARG: 251,
  UNBOUNDVALUE: 252,
  GLOBALENV: 253,
  NILVALUE: 254,
  REF: 255,
} as const;

/** serialize.c: singletons written as a bare flags word. */
const SINGLETONS = new Set<number>([
  SEXP.NILVALUE,
  SEXP.EMPTYENV,
  SEXP.BASEENV,
  SEXP.GLOBALENV,
  SEXP.UNBOUNDVALUE,
  SEXP.MISSINGARG,
  SEXP.BASENAMESPACE,
]);
/** `gp` bit of a frame cell that holds an active binding (Defn.h ACTIVE_BINDING_MASK). */
const ACTIVE_BINDING = 1 << 15;

/** Code the loader restores as something that runs: where it is and which functions it calls. */
export interface RCode {
  kind: 'closure' | 'promise' | 'byte code' | 'active binding' | 'builtin function' | 'language object';
  offset: number;
  /** Functions called (in call position, `pkg::name` kept whole), at most MAX_CALLS. */
  calls: Set<string>;
}

export interface RContents {
  format: 'xdr' | 'native' | 'ascii';
  version: number;
  /** Closures, promises, byte code, active bindings, builtins (outermost of a nest only). */
  code: RCode[];
  /** Language objects outside any code: formulas, recorded calls. */
  language: RCode[];
  externalPointers: number[];
  /** Namespaces unserialize loads (NAMESPACESXP) and ALTREP classes as `pkg::class`. */
  namespaces: Set<string>;
  altrepClasses: Set<string>;
  items: number;
}

export interface RLimits {
  maxItems: number;
  maxDepth: number;
  maxStringBytes: number;
}

const DEFAULT_LIMITS: RLimits = { maxItems: 5_000_000, maxDepth: 2_000, maxStringBytes: 1 << 24 };
const MAX_CALLS = 200;
const MAX_CODE = 100;

/** What an item is, as far as the checks need: its type, a symbol's name, a call's callee. */
interface RItem {
  type: number;
  symbol?: string;
  callee?: string;
  /** First elements of a pairlist chain (for `pkg::name` and ALTREP class info). */
  elements?: RItem[];
}

const NIL_ITEM: RItem = { type: SEXP.NIL };

/** The primitive reads of an R input stream (serialize.c InInteger, InString, InReal …) in one format. */
interface RStream {
  readonly position: number;
  readonly size: number;
  int(): Promise<number>;
  /** A string of `n` bytes (ascii streams decode escapes to get them). */
  bytes(n: number): Promise<Uint8Array>;
  /** Skips `count` vector elements of `bytes` bytes each, written as `words` words in ascii streams. */
  skipElements(count: number, bytes: number, words: number): Promise<void>;
  /** Whether `count` more elements can possibly fit in what is left of the file. */
  fits(count: number): boolean;
}

class BinaryStream implements RStream {
  position: number;
  private readonly reader: WindowReader;
  constructor(
    source: ByteSource,
    start: number,
    private readonly littleEndian: boolean,
  ) {
    this.reader = new WindowReader(source);
    this.position = start;
  }
  get size(): number {
    return this.reader.size;
  }
  private async take(n: number): Promise<DataView> {
    if (this.position + n > this.reader.size)
      throw new FormatError(
        `needs ${n} bytes at offset ${this.position}, the file ends at ${this.reader.size}`,
        this.position,
      );
    const b = await this.reader.bytes(this.position, n);
    this.position += n;
    return new DataView(b.buffer, b.byteOffset, b.byteLength);
  }
  async int(): Promise<number> {
    return (await this.take(4)).getInt32(0, this.littleEndian);
  }
  async bytes(n: number): Promise<Uint8Array> {
    const v = await this.take(n);
    return new Uint8Array(v.buffer, v.byteOffset, n).slice();
  }
  async skipElements(count: number, bytes: number): Promise<void> {
    const n = count * bytes;
    if (!Number.isSafeInteger(n) || n < 0 || this.position + n > this.reader.size)
      throw new FormatError(
        `a vector of ${count} elements at offset ${this.position} runs past the end of the file`,
        this.position,
      );
    this.position += n;
  }
  fits(count: number): boolean {
    return count * 4 <= this.reader.size - this.position;
  }
}

const NA_INTEGER = -(2 ** 31);
const WORD_LIMIT = 1024;
const ESCAPES: Record<string, number> = {
  n: 10,
  t: 9,
  v: 11,
  b: 8,
  r: 13,
  f: 12,
  a: 7,
  '\\': 92,
  '?': 63,
  "'": 39,
  '"': 34,
};

/** `saveRDS(ascii = TRUE)`: words separated by whitespace (InWord), strings with C escapes (InString). */
class AsciiStream implements RStream {
  position: number;
  private readonly reader: WindowReader;
  private window = new Uint8Array(0);
  private windowStart = 0;
  constructor(source: ByteSource, start: number) {
    this.reader = new WindowReader(source);
    this.position = start;
  }
  get size(): number {
    return this.reader.size;
  }
  /** The byte at `position`, or undefined at the end; reads go 64 KiB at a time. */
  private async peek(): Promise<number | undefined> {
    if (this.position >= this.reader.size) return undefined;
    const offset = this.position - this.windowStart;
    if (offset < 0 || offset >= this.window.byteLength) {
      this.window = (
        await this.reader.bytes(this.position, Math.min(1 << 16, this.reader.size - this.position))
      ).slice();
      this.windowStart = this.position;
    }
    return this.window[this.position - this.windowStart];
  }
  private async next(): Promise<number> {
    const c = await this.peek();
    if (c === undefined) throw new FormatError(`the stream ends at ${this.position}`, this.position);
    this.position++;
    return c;
  }
  private async skipSpace(): Promise<void> {
    for (let c = await this.peek(); c === 0x20 || (c !== undefined && c >= 0x09 && c <= 0x0d); c = await this.peek())
      this.position++;
  }
  private async word(): Promise<string> {
    await this.skipSpace();
    let w = '';
    for (let c = await this.peek(); c !== undefined && c > 0x20; c = await this.peek()) {
      if (w.length >= WORD_LIMIT) throw new FormatError(`a word longer than ${WORD_LIMIT} characters`, this.position);
      w += String.fromCharCode(c);
      this.position++;
    }
    if (w === '')
      throw new FormatError(`the stream ends at ${this.position} where a value was expected`, this.position);
    return w;
  }
  async int(): Promise<number> {
    const w = await this.word();
    if (w === 'NA') return NA_INTEGER;
    if (!/^[-+]?\d{1,10}$/.test(w)) throw new FormatError(`"${w.slice(0, 40)}" is not an integer`, this.position);
    const v = Number(w);
    if (v < NA_INTEGER || v >= 2 ** 31) throw new FormatError(`integer ${w} is out of range`, this.position);
    return v;
  }
  async bytes(n: number): Promise<Uint8Array> {
    if (n > this.reader.size - this.position)
      throw new FormatError(`a string of ${n} bytes does not fit`, this.position);
    const out = new Uint8Array(n);
    if (n > 0) await this.skipSpace();
    for (let i = 0; i < n; i++) {
      const c = await this.next();
      out[i] = c === 0x5c ? await this.escape() : c;
    }
    return out;
  }
  private async escape(): Promise<number> {
    const c = await this.next();
    const ch = String.fromCharCode(c);
    if (ch >= '0' && ch <= '7') {
      let d = c - 0x30;
      for (let j = 1; j < 3; j++) {
        const more = await this.peek();
        if (more === undefined || more < 0x30 || more > 0x37) break;
        d = d * 8 + (more - 0x30);
        this.position++;
      }
      return d & 0xff;
    }
    return ESCAPES[ch] ?? c;
  }
  async skipElements(count: number, _bytes: number, words: number): Promise<void> {
    if (!this.fits(count * words))
      throw new FormatError(`a vector of ${count} elements does not fit in the file`, this.position);
    for (let i = 0; i < count * words; i++) {
      const w = await this.word();
      if (!/^(NA|NaN|-?Inf|[-+]?[0-9a-fA-F.]+(?:[eE][-+]?\d+)?)$/.test(w))
        throw new FormatError(`"${w.slice(0, 40)}" is not a number`, this.position);
    }
  }
  fits(count: number): boolean {
    return count * 2 <= this.reader.size - this.position;
  }
}

class ItemReader {
  readonly contents: RContents;
  private readonly refs: RItem[] = [];
  /** Code objects being read, outermost first: calls found are recorded in each. */
  private readonly open: RCode[] = [];

  constructor(
    private readonly s: RStream,
    format: RContents['format'],
    version: number,
    private readonly limits: RLimits,
  ) {
    this.contents = {
      format,
      version,
      code: [],
      language: [],
      externalPointers: [],
      namespaces: new Set(),
      altrepClasses: new Set(),
      items: 0,
    };
  }

  async item(depth: number, flags?: number): Promise<RItem> {
    if (depth > this.limits.maxDepth)
      throw new UnsupportedLayoutError(`items nested deeper than ${this.limits.maxDepth}`);
    if (++this.contents.items > this.limits.maxItems)
      throw new UnsupportedLayoutError(`more than ${this.limits.maxItems} items`);
    const at = this.s.position;
    const f = flags ?? (await this.s.int());
    const type = f & 0xff;
    const hasAttr = (f & (1 << 9)) !== 0;
    if (SINGLETONS.has(type)) return { type };
    switch (type) {
      case SEXP.REF:
        return this.reference(f);
      case SEXP.PERSIST:
        throw new FormatError(
          'a persistent reference: readRDS has no hook to restore it ("no restore method available")',
          at,
        );
      case SEXP.NAMESPACE:
      case SEXP.PACKAGE:
        return this.namedEnvironment(type);
      case SEXP.SYM: {
        const item: RItem = { type, symbol: '' };
        this.refs.push(item);
        item.symbol = (await this.charsxp(depth)) ?? 'NA';
        return item;
      }
      case SEXP.ENV:
        return this.environment(depth);
      case SEXP.LIST:
      case SEXP.LANG:
      case SEXP.CLO:
      case SEXP.PROM:
      case SEXP.DOT:
      case SEXP.ATTRLIST:
      case SEXP.ATTRLANG:
        return this.pairs(f, at, depth);
      case SEXP.ALTREP:
        return this.altrep(depth);
      case SEXP.CLASSREF:
      case SEXP.GENERICREF:
        throw new FormatError(
          `type ${type} cannot appear in a stream ("this version of R cannot read class references")`,
          at,
        );
      default:
        return this.leaf(type, at, hasAttr, depth);
    }
  }

  private reference(flags: number): Promise<RItem> | RItem {
    const fromFlags = flags >>> 8;
    const resolve = (index: number): RItem => {
      const item = this.refs[index - 1];
      if (!item)
        throw new FormatError(
          `reference ${index} to an object not read yet (${this.refs.length} so far)`,
          this.s.position,
        );
      return item;
    };
    if (fromFlags !== 0) return resolve(fromFlags);
    return this.s.int().then(resolve);
  }

  /** InStringVec: a 0, a length, then that many strings (the name first). */
  private async namedEnvironment(type: number): Promise<RItem> {
    if ((await this.s.int()) !== 0) throw new FormatError('names vector does not start with 0', this.s.position);
    const n = await this.s.int();
    if (n < 0 || n > 1000) throw new FormatError(`names vector of ${n} strings`, this.s.position);
    const names: string[] = [];
    for (let i = 0; i < n; i++) names.push((await this.charsxp(0)) ?? 'NA');
    const item: RItem = { type, symbol: names[0] ?? '' };
    this.refs.push(item);
    if (type === SEXP.NAMESPACE) this.contents.namespaces.add(names[0] ?? '');
    return item;
  }

  private async environment(depth: number): Promise<RItem> {
    const item: RItem = { type: SEXP.ENV };
    this.refs.push(item);
    await this.s.int(); // locked
    for (let i = 0; i < 4; i++) await this.item(depth + 1); // enclosure, frame, hash table, attributes
    return item;
  }

  /**
   * LISTSXP/LANGSXP/CLOSXP/PROMSXP/DOTSXP: attributes, tag, CAR, CDR. The CDR chain is followed in a loop
   * (a long pairlist is a long chain, not deep nesting). A call's first CAR is its callee.
   */
  private async pairs(firstFlags: number, at: number, depth: number): Promise<RItem> {
    let flags = firstFlags;
    const head: RItem = { type: cellType(flags & 0xff), elements: [] };
    for (let index = 0; ; index++) {
      const rawType = flags & 0xff;
      const type = cellType(rawType);
      const hasAttr = rawType === SEXP.ATTRLANG || rawType === SEXP.ATTRLIST || (flags & (1 << 9)) !== 0;
      if (hasAttr) await this.item(depth + 1);
      if ((flags & (1 << 10)) !== 0) await this.item(depth + 1);
      const code = codeKind(type, type === SEXP.LIST && ((flags >>> 12) & ACTIVE_BINDING) !== 0);
      if (code) this.openCode(code, at);
      const car = await this.item(depth + 1);
      if (type === SEXP.LANG) this.recordCall(car, at);
      if (index === 0 && type === SEXP.LANG) head.callee = car.type === SEXP.SYM ? car.symbol : undefined;
      else if (head.elements!.length < 8) head.elements!.push(car);
      if (type === SEXP.CLO || type === SEXP.PROM) {
        await this.item(depth + 1); // the body / the expression
        if (code) this.closeCode();
        return head;
      }
      if (code) this.closeCode();
      at = this.s.position;
      const next = await this.s.int();
      if ((next & 0xff) !== SEXP.LIST && (next & 0xff) !== SEXP.ATTRLIST) {
        await this.item(depth + 1, next);
        return withQualifiedName(head);
      }
      flags = next;
      if (++this.contents.items > this.limits.maxItems)
        throw new UnsupportedLayoutError(`more than ${this.limits.maxItems} items`);
    }
  }

  /** Records a call's function name in every code object being read, or as a language object outside code. */
  private recordCall(callee: RItem, at: number): void {
    const name = callee.symbol;
    if (name === undefined || (callee.type !== SEXP.SYM && callee.type !== SEXP.LANG)) return;
    if (this.open.length === 0) {
      const record = (this.contents.language[0] ??= { kind: 'language object', offset: at, calls: new Set() });
      if (record.calls.size < MAX_CALLS) record.calls.add(name);
      return;
    }
    for (const c of this.open) if (c.calls.size < MAX_CALLS) c.calls.add(name);
  }

  private openCode(kind: RCode['kind'], at: number): void {
    const code: RCode = { kind, offset: at, calls: new Set() };
    if (this.open.length === 0 && this.contents.code.length < MAX_CODE) this.contents.code.push(code);
    this.open.push(code);
  }

  private closeCode(): void {
    this.open.pop();
  }

  private async altrep(depth: number): Promise<RItem> {
    const info = await this.item(depth + 1);
    const [cls, pkg] = info.elements ?? [];
    this.contents.altrepClasses.add(`${pkg?.symbol ?? '?'}::${cls?.symbol ?? '?'}`);
    await this.item(depth + 1); // state
    await this.item(depth + 1); // attributes
    return { type: SEXP.ALTREP };
  }

  private async leaf(type: number, at: number, hasAttr: boolean, depth: number): Promise<RItem> {
    const item: RItem = { type };
    switch (type) {
      case SEXP.EXTPTR:
        this.refs.push(item);
        this.contents.externalPointers.push(at);
        await this.item(depth + 1); // protected value
        await this.item(depth + 1); // tag
        break;
      case SEXP.WEAKREF:
        this.refs.push(item);
        break;
      case SEXP.SPECIAL:
      case SEXP.BUILTIN: {
        // A primitive function value, named: code inside code, or a function stored as data.
        const n = await this.s.int();
        if (n < 0 || n > 256) throw new FormatError(`builtin name of ${n} bytes`, at);
        const name = latin(await this.s.bytes(n));
        this.openCode('builtin function', at);
        for (const c of this.open) if (c.calls.size < MAX_CALLS) c.calls.add(name);
        this.closeCode();
        break;
      }
      case SEXP.CHAR: {
        const n = await this.s.int();
        if (n < -1) throw new FormatError(`string length ${n}`, at);
        if (n > this.limits.maxStringBytes) throw new UnsupportedLayoutError(`a string of ${n} bytes`);
        if (n >= 0) item.symbol = latin(await this.s.bytes(n));
        break;
      }
      case SEXP.LGL:
      case SEXP.INT:
        await this.s.skipElements(await this.length(), 4, 1);
        break;
      case SEXP.REAL:
        await this.s.skipElements(await this.length(), 8, 1);
        break;
      case SEXP.CPLX:
        await this.s.skipElements(await this.length(), 16, 2);
        break;
      case SEXP.RAW:
        await this.s.skipElements(await this.length(), 1, 1);
        break;
      case SEXP.STR:
      case SEXP.VEC:
      case SEXP.EXPR: {
        const n = await this.length();
        if (!this.s.fits(n)) throw new FormatError(`a vector of ${n} elements does not fit in the file`, at);
        for (let i = 0; i < n; i++) await this.item(depth + 1);
        break;
      }
      case SEXP.BCODE:
        await this.byteCode(at, depth);
        break;
      case SEXP.S4:
        break;
      default:
        throw new FormatError(`unknown item type ${type} at offset ${at}`, at);
    }
    if (hasAttr) await this.item(depth + 1);
    return item;
  }

  /** A vector length: an int, or -1 and two ints for long vectors (serialize.c InLength). */
  private async length(): Promise<number> {
    const n = await this.s.int();
    if (n >= 0) return n;
    if (n !== -1) throw new FormatError(`negative vector length ${n}`, this.s.position);
    const upper = await this.s.int();
    const lower = await this.s.int();
    return upper * 2 ** 32 + (lower >>> 0);
  }

  private async charsxp(depth: number): Promise<string | undefined> {
    const item = await this.item(depth + 1);
    if (item.type !== SEXP.CHAR) throw new FormatError(`expected a string, found type ${item.type}`, this.s.position);
    return item.symbol;
  }

  /** ReadBC: the number of repeated cells, then ReadBC1 (code vector, constants). */
  private async byteCode(at: number, depth: number): Promise<void> {
    const reps = await this.s.int();
    if (reps < 0 || reps > this.limits.maxItems) throw new FormatError(`byte code with ${reps} repeated cells`, at);
    this.openCode('byte code', at);
    await this.byteCode1(new Array<RItem>(Math.min(reps, 1 << 16)), depth);
    this.closeCode();
  }

  private async byteCode1(reps: RItem[], depth: number): Promise<void> {
    await this.item(depth + 1); // the instructions (an integer vector)
    const n = await this.s.int();
    if (n < 0 || !this.s.fits(n)) throw new FormatError(`byte code with ${n} constants`, this.s.position);
    for (let i = 0; i < n; i++) {
      const type = await this.s.int();
      if (type === SEXP.BCODE) await this.byteCode1(reps, depth + 1);
      else if (BC_LANG_TYPES.has(type)) await this.bcLang(type, reps, depth + 1);
      else await this.item(depth + 1);
    }
  }

  /** ReadBCLang: language cells of byte code constants, shared through the `reps` table. */
  private async bcLang(type: number, reps: RItem[], depth: number): Promise<RItem> {
    if (depth > this.limits.maxDepth)
      throw new UnsupportedLayoutError(`items nested deeper than ${this.limits.maxDepth}`);
    if (type === SEXP.BCREPREF) {
      const i = await this.s.int();
      return reps[i] ?? NIL_ITEM;
    }
    if (!BC_LANG_TYPES.has(type)) return this.item(depth + 1);
    const at = this.s.position;
    let pos = -1;
    if (type === SEXP.BCREPDEF) {
      pos = await this.s.int();
      type = await this.s.int();
    }
    const hasAttr = type === SEXP.ATTRLANG || type === SEXP.ATTRLIST;
    const cellType = type === SEXP.ATTRLANG ? SEXP.LANG : type === SEXP.ATTRLIST ? SEXP.LIST : type;
    if (cellType !== SEXP.LANG && cellType !== SEXP.LIST) throw new FormatError(`byte code cell of type ${type}`, at);
    const cell: RItem = { type: cellType };
    if (pos >= 0 && pos < reps.length) reps[pos] = cell;
    if (hasAttr) await this.item(depth + 1);
    await this.item(depth + 1); // tag
    const car = await this.bcLang(await this.s.int(), reps, depth + 1);
    if (cellType === SEXP.LANG) this.recordCall(car, at);
    await this.bcLang(await this.s.int(), reps, depth + 1);
    return cell;
  }
}

const BC_LANG_TYPES = new Set<number>([
  SEXP.BCREPREF,
  SEXP.BCREPDEF,
  SEXP.LANG,
  SEXP.LIST,
  SEXP.ATTRLANG,
  SEXP.ATTRLIST,
]);

function codeKind(type: number, active: boolean): RCode['kind'] | undefined {
  if (type === SEXP.CLO) return 'closure';
  if (type === SEXP.PROM) return 'promise';
  if (active) return 'active binding';
  return undefined;
}

function cellType(raw: number): number {
  return raw === SEXP.ATTRLANG ? SEXP.LANG : raw === SEXP.ATTRLIST ? SEXP.LIST : raw;
}

/** `pkg::name(…)`: the callee is a call to `::` whose two arguments are the names; the call is named whole. */
function withQualifiedName(item: RItem): RItem {
  if (item.type !== SEXP.LANG || (item.callee !== '::' && item.callee !== ':::')) return item;
  const [pkg, name] = item.elements ?? [];
  if (pkg?.symbol !== undefined && name?.symbol !== undefined)
    item.symbol = `${pkg.symbol}${item.callee}${name.symbol}`;
  return item;
}

function latin(bytes: Uint8Array): string {
  let out = '';
  for (const b of bytes.subarray(0, 4096)) out += String.fromCharCode(b);
  return out;
}

const RDATA_MAGIC = /^RD([XAB])([23])\n/;

/** Where the stream starts and how it is encoded, from the first bytes; undefined if this is not R data. */
export function rStreamHead(
  head: Uint8Array,
): { start: number; format: 'xdr' | 'native' | 'ascii'; rdata: boolean } | undefined {
  const text = String.fromCharCode(...head.subarray(0, 16));
  const rdata = RDATA_MAGIC.exec(text);
  const start = rdata ? 5 : 0;
  const line = text.slice(start, start + 2);
  const format = line === 'X\n' ? 'xdr' : line === 'B\n' ? 'native' : line === 'A\n' ? 'ascii' : undefined;
  if (!format) return undefined;
  if (rdata && rdata[1] !== (format === 'xdr' ? 'X' : format === 'native' ? 'B' : 'A')) return undefined;
  const body = start + 2;
  if (format === 'ascii')
    return /^[23]\n\d+\n\d+\n/.test(text.slice(body) + latin(head.subarray(16, 40)))
      ? { start, format, rdata: !!rdata }
      : undefined;
  if (head.byteLength < body + 12) return undefined;
  const view = new DataView(head.buffer, head.byteOffset + body, 12);
  const little = format === 'native';
  const version = view.getInt32(0, little);
  const minReader = view.getInt32(8, little);
  // The writer and the oldest reader are R versions packed as major*65536 + minor*256 + patch.
  if ((version !== 2 && version !== 3) || minReader < 0x20000 || minReader > 0x100000) return undefined;
  return { start, format, rdata: !!rdata };
}

/** Whether the head starts an R serialization stream (RDS) or an RData file. */
export function isRSerialized(head: Uint8Array): boolean {
  return rStreamHead(head) !== undefined;
}

/**
 * Reads the whole stream. Throws FormatError / UnsupportedLayoutError for the header, RReadError (with what
 * was read before) for the items.
 */
export async function readRSerialized(source: ByteSource, limits: Partial<RLimits> = {}): Promise<RContents> {
  const head = rStreamHead(await source.read(0, 64));
  if (!head) throw new FormatError('not an R serialization stream', 0);
  const s: RStream =
    head.format === 'ascii'
      ? new AsciiStream(source, head.start + 2)
      : new BinaryStream(source, head.start + 2, head.format === 'native');
  const version = await s.int();
  await s.int(); // writer's R version
  await s.int(); // oldest R version that reads it
  if (version === 3) {
    const n = await s.int();
    if (n < 0 || n > 255) throw new FormatError(`native encoding name of ${n} bytes`, s.position);
    await s.bytes(n);
  }
  const reader = new ItemReader(s, head.format, version, { ...DEFAULT_LIMITS, ...limits });
  try {
    await reader.item(0);
  } catch (error) {
    if (error instanceof FormatError || error instanceof UnsupportedLayoutError)
      throw new RReadError(error, reader.contents);
    throw error;
  }
  return reader.contents;
}

/** A read that stopped after the header: why (`cause`), and what had been read before it (`contents`). */
export class RReadError extends Error {
  constructor(
    override readonly cause: FormatError | UnsupportedLayoutError,
    readonly contents: RContents,
  ) {
    super(cause.message);
    this.name = 'RReadError';
  }
}
