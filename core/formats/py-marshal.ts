import { FormatError, UnsupportedLayoutError } from './format-error.ts';

/**
 * Bounded reader of CPython's marshal format, for the one thing Keras stores in it: the code object of a
 * Lambda (`python_utils.func_dump` = base64 of `marshal.dumps(func.__code__)`). It never runs anything; it
 * lists what a code object refers to: `co_names` (globals and attributes it loads), its constants and the
 * code objects nested in them.
 *
 * Type codes and FLAG_REF: CPython Python/marshal.c (`r_object`). Code-object field order:
 * - 3.8–3.10: argcount, posonlyargcount, kwonlyargcount, nlocals, stacksize, flags (6 × int32), code, consts,
 *   names, varnames, freevars, cellvars, filename, name, firstlineno (int32), lnotab/linetable;
 * - 3.11–3.13: argcount, posonlyargcount, kwonlyargcount, stacksize, flags (5 × int32), code, consts, names,
 *   localsplusnames, localspluskinds, filename, name, qualname, firstlineno (int32), linetable, exceptiontable.
 * Any other layout (3.7 and older, or a future one whose fields do not fit these) is UnsupportedLayoutError:
 * the caller reports "could not verify", never clean.
 */

export type PyValue =
  | { t: 'none' | 'ellipsis' | 'stopiteration' }
  | { t: 'bool'; v: boolean }
  | { t: 'int'; v: number | 'big' }
  | { t: 'float' }
  | { t: 'bytes'; v: Uint8Array }
  | { t: 'str'; v: string }
  | { t: 'seq'; kind: 'tuple' | 'list' | 'set' | 'frozenset'; items: PyValue[] }
  | { t: 'dict'; entries: [PyValue, PyValue][] }
  | { t: 'slice'; items: PyValue[] }
  | PyCode;

export interface PyCode {
  t: 'code';
  name: string;
  /** Globals, attributes and imported modules the bytecode refers to by name. */
  names: string[];
  consts: PyValue[];
  /** Argument and local names (varnames / localsplusnames). */
  locals: string[];
  filename: string;
}

export type CodeLayout = '3.8-3.10' | '3.11-3.13';

export interface MarshalledCode {
  layout: CodeLayout;
  code: PyCode;
}

const FLAG_REF = 0x80;
const MAX_DEPTH = 64;
const MAX_OBJECTS = 200_000;
const MAX_ITEMS = 1 << 20;
/** Placeholder for a reference slot whose object is still being read (marshal.c: "invalid reference"). */
const PENDING: PyValue = { t: 'none' };

class MarshalReader {
  private p = 0;
  private objects = 0;
  private readonly refs: PyValue[] = [];
  private readonly view: DataView;

  constructor(
    private readonly b: Uint8Array,
    private readonly layout: CodeLayout,
  ) {
    this.view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  }

  get offset(): number {
    return this.p;
  }

  private need(n: number): void {
    if (n < 0 || this.p + n > this.b.byteLength) throw new FormatError('marshal data ends inside an object', this.p);
  }

  private u8(): number {
    this.need(1);
    return this.b[this.p++]!;
  }

  private i32(): number {
    this.need(4);
    const v = this.view.getInt32(this.p, true);
    this.p += 4;
    return v;
  }

  private take(n: number): Uint8Array {
    this.need(n);
    const out = this.b.subarray(this.p, this.p + n);
    this.p += n;
    return out;
  }

  private count(): number {
    const n = this.i32();
    if (n < 0 || n > MAX_ITEMS) throw new FormatError(`marshal size ${n} out of range`, this.p - 4);
    return n;
  }

  read(depth = 0): PyValue {
    if (depth > MAX_DEPTH) throw new UnsupportedLayoutError(`marshal nesting deeper than ${MAX_DEPTH}`);
    if (++this.objects > MAX_OBJECTS) throw new UnsupportedLayoutError(`more than ${MAX_OBJECTS} marshal objects`);
    const at = this.p;
    const byte = this.u8();
    const flagged = (byte & FLAG_REF) !== 0;
    // Containers and code take their reference slot before their contents (r_ref_reserve / R_REF).
    const slot = flagged ? this.refs.push(PENDING) - 1 : -1;
    const value = this.body(String.fromCharCode(byte & ~FLAG_REF), at, depth);
    if (slot >= 0) this.refs[slot] = value;
    return value;
  }

  private body(type: string, at: number, depth: number): PyValue {
    switch (type) {
      case 'N':
        return { t: 'none' };
      case '.':
        return { t: 'ellipsis' };
      case 'S':
        return { t: 'stopiteration' };
      case 'F':
      case 'T':
        return { t: 'bool', v: type === 'T' };
      case 'i':
        return { t: 'int', v: this.i32() };
      case 'I':
        this.take(8);
        return { t: 'int', v: 'big' };
      case 'l':
        return this.long();
      case 'g':
        this.take(8);
        return { t: 'float' };
      case 'y':
        this.take(16);
        return { t: 'float' };
      case 'f':
        this.take(this.u8());
        return { t: 'float' };
      case 'x':
        this.take(this.u8());
        this.take(this.u8());
        return { t: 'float' };
      case 's':
        return { t: 'bytes', v: this.take(this.count()) };
      case 't':
      case 'u':
        return { t: 'str', v: utf8(this.take(this.count()), at) };
      case 'a':
      case 'A':
        return { t: 'str', v: latin1(this.take(this.count())) };
      case 'z':
      case 'Z':
        return { t: 'str', v: latin1(this.take(this.u8())) };
      case 'r':
        return this.ref(at);
      case '(':
      case '[':
      case '<':
      case '>':
        return this.seq(type, this.count(), depth);
      case ')':
        return this.seq(type, this.u8(), depth);
      case '{':
        return this.dict(depth);
      case ':':
        return { t: 'slice', items: [this.read(depth + 1), this.read(depth + 1), this.read(depth + 1)] };
      case 'c':
        return this.code(depth);
      default:
        throw new FormatError(`unknown marshal type code 0x${type.charCodeAt(0).toString(16)}`, at);
    }
  }

  private long(): PyValue {
    const n = this.i32();
    if (Math.abs(n) > MAX_ITEMS) throw new FormatError(`marshal long of ${n} digits`, this.p - 4);
    this.take(Math.abs(n) * 2);
    return { t: 'int', v: 'big' };
  }

  private ref(at: number): PyValue {
    const index = this.i32();
    const value = this.refs[index];
    if (value === undefined || value === PENDING) throw new FormatError(`invalid marshal reference ${index}`, at);
    return value;
  }

  private seq(type: string, n: number, depth: number): PyValue {
    const kind = ({ '(': 'tuple', ')': 'tuple', '[': 'list', '<': 'set', '>': 'frozenset' } as const)[
      type as '(' | ')' | '[' | '<' | '>'
    ];
    const items: PyValue[] = [];
    for (let i = 0; i < n; i++) items.push(this.read(depth + 1));
    return { t: 'seq', kind, items };
  }

  private dict(depth: number): PyValue {
    const entries: [PyValue, PyValue][] = [];
    for (;;) {
      if (this.b[this.p] === 0x30) {
        this.p++; // TYPE_NULL ends the dict
        return { t: 'dict', entries };
      }
      if (entries.length >= MAX_ITEMS) throw new FormatError('marshal dict too large', this.p);
      entries.push([this.read(depth + 1), this.read(depth + 1)]);
    }
  }

  private code(depth: number): PyCode {
    const ints = this.layout === '3.8-3.10' ? 6 : 5;
    for (let i = 0; i < ints; i++) this.i32();
    const at = this.p;
    expect(this.read(depth + 1), 'bytes', 'co_code', at);
    const consts = asSeq(this.read(depth + 1), 'co_consts', at);
    const names = strings(this.read(depth + 1), 'co_names', at);
    let locals: string[];
    if (this.layout === '3.8-3.10') {
      locals = strings(this.read(depth + 1), 'co_varnames', at);
      strings(this.read(depth + 1), 'co_freevars', at);
      strings(this.read(depth + 1), 'co_cellvars', at);
    } else {
      locals = strings(this.read(depth + 1), 'co_localsplusnames', at);
      expect(this.read(depth + 1), 'bytes', 'co_localspluskinds', at);
    }
    const filename = str(this.read(depth + 1), 'co_filename', at);
    const name = str(this.read(depth + 1), 'co_name', at);
    if (this.layout === '3.11-3.13') str(this.read(depth + 1), 'co_qualname', at);
    this.i32(); // firstlineno
    expect(this.read(depth + 1), 'bytes', 'co_linetable', at);
    if (this.layout === '3.11-3.13') expect(this.read(depth + 1), 'bytes', 'co_exceptiontable', at);
    return { t: 'code', name, names, consts, locals, filename };
  }
}

function expect(v: PyValue, t: PyValue['t'], field: string, at: number): PyValue {
  if (v.t !== t) throw new LayoutMismatch(`${field} is ${v.t}, not ${t}`, at);
  return v;
}

function asSeq(v: PyValue, field: string, at: number): PyValue[] {
  if (v.t !== 'seq' || v.kind !== 'tuple') throw new LayoutMismatch(`${field} is not a tuple`, at);
  return v.items;
}

function strings(v: PyValue, field: string, at: number): string[] {
  return asSeq(v, field, at).map((item) => str(item, field, at));
}

function str(v: PyValue, field: string, at: number): string {
  if (v.t !== 'str') throw new LayoutMismatch(`${field} holds ${v.t}, not str`, at);
  return v.v;
}

/** A field of the wrong type: the data is not a code object of this layout (another version may fit). */
class LayoutMismatch extends FormatError {}

function utf8(b: Uint8Array, at: number): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(b);
  } catch {
    // CPython writes lone surrogates with "surrogatepass"; such a name is still a name, shown with U+FFFD.
    if (b.length > 1 << 20) throw new FormatError('marshal string too long', at);
    return new TextDecoder('utf-8').decode(b);
  }
}

function latin1(b: Uint8Array): string {
  let s = '';
  for (let i = 0; i < b.length; i += 8192) s += String.fromCharCode(...b.subarray(i, i + 8192));
  return s;
}

const LAYOUTS: readonly CodeLayout[] = ['3.11-3.13', '3.8-3.10'];

/**
 * Reads a marshalled code object. Tries each known layout; FormatError when the bytes are not marshal data
 * at all, UnsupportedLayoutError when they are a code object of no layout this reader knows.
 */
export function readMarshalledCode(bytes: Uint8Array): MarshalledCode {
  if (((bytes[0] ?? 0) & ~FLAG_REF) !== 0x63) {
    throw new FormatError('the data does not start with a marshalled code object', 0);
  }
  const mismatches: string[] = [];
  for (const layout of LAYOUTS) {
    try {
      const code = new MarshalReader(bytes, layout).read();
      return { layout, code: code as PyCode };
    } catch (e) {
      if (!(e instanceof LayoutMismatch) && !(e instanceof FormatError)) throw e;
      mismatches.push(`${layout}: ${e.message}`);
    }
  }
  throw new UnsupportedLayoutError(`not a code object of CPython 3.8–3.13 (${mismatches.join('; ')})`);
}

/** Every code object in `code`, itself first, depth-first through the constants. */
export function allCodeObjects(code: PyCode): PyCode[] {
  const out: PyCode[] = [];
  const stack: PyValue[] = [code];
  while (stack.length > 0) {
    const v = stack.pop()!;
    if (v.t === 'code') {
      out.push(v);
      stack.push(...v.consts);
    } else if (v.t === 'seq' || v.t === 'slice') stack.push(...v.items);
    else if (v.t === 'dict') for (const [k, x] of v.entries) stack.push(k, x);
  }
  return out;
}

/** String constants of a code object and of the containers among its constants (not of nested code). */
export function stringConstants(code: PyCode): string[] {
  const out: string[] = [];
  const stack: PyValue[] = [...code.consts];
  while (stack.length > 0) {
    const v = stack.pop()!;
    if (v.t === 'str') out.push(v.v);
    else if (v.t === 'bytes') out.push(latin1(v.v));
    else if (v.t === 'seq' || v.t === 'slice') stack.push(...v.items);
    else if (v.t === 'dict') for (const [k, x] of v.entries) stack.push(k, x);
  }
  return out;
}
