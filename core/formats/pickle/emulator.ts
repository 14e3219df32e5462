import { latin1, PickleParseError, readOpInto, type PickleOp } from './disassemble.ts';
import { HIGHEST_PROTOCOL, OPCODES } from './opcodes.ts';
import { NONE, type CallKind, type CallValue, type GlobalValue, type PValue } from './values.ts';
import { isNumpyArrayWrapper, joblibArraySpan } from '../joblib.ts';
import { parseFloatText, parseIntText, parseLongText, parseMemoKey, stripLongSuffix } from './text-numbers.ts';

/**
 * A pickle VM over symbolic values: the stack, metastack (marks) and memo
 * behave as CPython's Unpickler does, but nothing is imported or called: every import becomes a
 * GlobalValue and every invocation a CallValue recorded with its byte offset, even when its result
 * is later popped (technique 20). The loop is iterative; the only recursion is into joblib's inline
 * object-array pickles, capped by `maxNesting`.
 */

/** Structurally the pickle part of ScanBudget (core/scan/types.ts), shared by all pickles of a file. */
export interface OpBudget {
  maxPickleOps: number;
  used: { pickleOps: number };
}

export interface Anomaly {
  offset: number;
  kind:
    | 'frame'
    | 'ext'
    | 'out-of-band-buffer'
    | 'build-on-global'
    | 'dunder-state'
    | 'method-hijack'
    | 'limit'
    | 'joblib'
    | 'memo-overwrite'
    | 'mark-leftover';
  message: string;
}

export interface EmulationResult {
  start: number;
  /** Offset after STOP, or of the op that failed. */
  end: number;
  completed: boolean;
  error?: { offset: number; message: string };
  /** PROTO argument, or null for protocol 0/1 pickles (no PROTO opcode). */
  proto: number | null;
  globals: GlobalValue[];
  calls: CallValue[];
  anomalies: Anomaly[];
  ops: number;
  budgetExceeded: boolean;
  /** joblib arrays whose raw bytes were skipped. */
  joblibArrays: number;
  /**
   * Where a loader reading from a file resumes after this pickle when its STOP sat inside a FRAME: both
   * CPython unpicklers read the whole frame from the file, so the next pickle.load starts at the frame's end,
   * not after STOP. Absent when they agree.
   */
  resumeAt?: number;
  result?: PValue;
}

export interface EmulatorOptions {
  budget: OpBudget;
  /** Caps on live VM state; a stream that hits one is reported, never allowed to exhaust memory. */
  maxStack?: number;
  maxMemo?: number;
  maxNesting?: number;
  /** Longest string decoded in full; longer ones are kept truncated (names are never that long). */
  maxStringChars?: number;
  /**
   * Whether a call result is an instance of a plain container class (OrderedDict…), whose SETITEM/APPEND is
   * the container's own: such mutations are not recorded as calls (a big state dict makes millions).
   */
  isContainerResult?: (target: PValue) => boolean;
  /**
   * Read a NumpyArrayWrapper's raw array bytes as joblib's unpickler does (default). Every other loader
   * (pickle.load, torch.load) runs those bytes as opcodes: the scanner emulates both readings.
   */
  joblibArrays?: boolean;
}

const DEFAULTS = { maxStack: 1 << 20, maxMemo: 1 << 20, maxNesting: 4, maxStringChars: 1 << 20 };

const utf8 = new TextDecoder('utf-8');

class Stop extends Error {}

/** CPython's memo: index → value. Picklers number entries 0, 1, 2…, so an array holds them cheaply. */
class Memo {
  private readonly dense: (PValue | undefined)[] = [];
  private readonly sparse = new Map<number, PValue>();
  size = 0;

  get(idx: number): PValue | undefined {
    return idx < DENSE_LIMIT ? this.dense[idx] : this.sparse.get(idx);
  }

  has(idx: number): boolean {
    return this.get(idx) !== undefined;
  }

  set(idx: number, v: PValue): void {
    if (!this.has(idx)) this.size++;
    if (idx < DENSE_LIMIT) {
      // Fill holes so the array stays packed (a skipped index is as rare as a sparse pickle).
      while (this.dense.length < idx) this.dense.push(undefined);
      this.dense[idx] = v;
    } else this.sparse.set(idx, v);
  }
}

/** Indices above this go to the map, so a hostile LONG_BINPUT 4294967295 cannot allocate an array that long. */
const DENSE_LIMIT = 1 << 21;

class Machine {
  stack: PValue[] = [];
  meta: PValue[][] = [];
  /** Dense memo indices (what picklers write) in an array; others in a map. */
  memo = new Memo();
  proto: number | null = null;
  frameEnd = -1;
  /** joblib array bytes read from the file at a frame's end: where the op stream jumps once the frame is read. */
  frameJump: { at: number; to: number } | undefined;
  r: EmulationResult;
  op!: PickleOp;
  /** The one op object the loop decodes into (ops are not kept). */
  readonly scratch: PickleOp = {
    offset: 0,
    info: { name: 'STOP', code: 0x2e, arg: 'none', proto: 0 },
    arg: null,
    end: 0,
  };
  pos: number;
  readonly limits: typeof DEFAULTS;

  constructor(
    readonly bytes: Uint8Array,
    start: number,
    readonly opts: EmulatorOptions,
    readonly nesting: number,
  ) {
    this.pos = start;
    this.limits = { ...DEFAULTS, ...opts };
    this.r = {
      ...{ start, end: start, completed: false, proto: null, ops: 0, budgetExceeded: false, joblibArrays: 0 },
      ...{ globals: [], calls: [], anomalies: [] },
    };
  }

  fail(message: string): never {
    throw new PickleParseError(message, this.op.offset);
  }

  pop(): PValue {
    const v = this.stack.pop();
    if (v === undefined) this.fail(`${this.op.info.name} on an empty stack (stack underflow)`);
    return v;
  }

  top(): PValue {
    const v = this.stack[this.stack.length - 1];
    if (v === undefined) this.fail(`${this.op.info.name} on an empty stack (stack underflow)`);
    return v;
  }

  push(v: PValue): void {
    if (this.stack.length + this.meta.length >= this.limits.maxStack) {
      this.limit(`stack deeper than ${this.limits.maxStack}`);
    }
    this.stack.push(v);
  }

  popMark(): PValue[] {
    const items = this.stack;
    const prev = this.meta.pop();
    if (prev === undefined) this.fail(`${this.op.info.name} without a MARK`);
    this.stack = prev;
    return items;
  }

  limit(message: string): never {
    this.r.anomalies.push({ offset: this.op.offset, kind: 'limit', message });
    this.r.budgetExceeded = true;
    throw new Stop();
  }

  anomaly(kind: Anomaly['kind'], message: string): void {
    if (this.r.anomalies.length < 1000) this.r.anomalies.push({ offset: this.op.offset, kind, message });
  }

  call(kind: CallKind, callee: PValue, args: PValue[], method?: string, kwargs?: PValue): CallValue {
    const c: CallValue = { k: 'call', kind, callee, args, offset: this.op.offset };
    if (method !== undefined) c.method = method;
    if (kwargs !== undefined) c.kwargs = kwargs;
    this.r.calls.push(c);
    return c;
  }

  global(module: string, name: string): GlobalValue {
    const g: GlobalValue = { k: 'global', module, name, offset: this.op.offset, opcode: this.op.info.name };
    this.r.globals.push(g);
    return g;
  }

  str(data: Uint8Array, asLatin1 = false): PValue {
    const slice = data.subarray(0, Math.min(data.length, this.limits.maxStringChars * 4));
    const s = asLatin1 ? latin1(slice) : utf8.decode(slice);
    return { k: 'str', v: s.length > this.limits.maxStringChars ? s.slice(0, this.limits.maxStringChars) : s };
  }

  run(): EmulationResult {
    try {
      for (;;) {
        if (this.opts.budget.used.pickleOps >= this.opts.budget.maxPickleOps) {
          this.op = { offset: this.pos, info: { name: '-', code: 0, arg: 'none', proto: 0 }, arg: null, end: this.pos };
          this.limit(`pickle op budget of ${this.opts.budget.maxPickleOps} ops exhausted`);
        }
        if (this.frameJump && this.pos >= this.frameJump.at) {
          this.pos = Math.max(this.pos, this.frameJump.to);
          this.frameJump = undefined;
        }
        this.op = readOpInto(this.bytes, this.pos, this.scratch);
        this.opts.budget.used.pickleOps++;
        this.r.ops++;
        this.checkFrame();
        this.pos = this.op.end;
        HANDLER_BY_CODE[this.op.info.code]?.(this);
        if (this.op.info.name === 'STOP') {
          this.r.completed = true;
          break;
        }
      }
    } catch (e) {
      if (e instanceof PickleParseError) this.r.error = { offset: e.offset, message: e.message };
      else if (!(e instanceof Stop)) throw e;
    }
    this.r.end = this.r.completed ? this.pos : (this.r.error?.offset ?? this.pos);
    this.r.proto = this.proto;
    const resume = Math.max(this.frameEnd, this.frameJump?.to ?? -1);
    if (this.r.completed && resume > this.r.end) this.r.resumeAt = resume;
    return this.r;
  }

  /** Technique 17: what a framed reader would refuse, while we read on linearly as the C unpickler does. */
  checkFrame(): void {
    const op = this.op;
    if (this.frameEnd >= 0 && op.offset < this.frameEnd && op.end > this.frameEnd) {
      this.anomaly('frame', `${op.info.name} straddles the frame end at ${this.frameEnd}`);
    }
    if (op.info.name !== 'FRAME') return;
    if (this.frameEnd > op.offset) this.anomaly('frame', `FRAME before the previous frame ends at ${this.frameEnd}`);
    this.frameEnd = op.end + (op.arg as number);
    if (this.frameEnd > this.bytes.length) this.anomaly('frame', 'FRAME length runs past the end of the data');
  }
}

type Handler = (m: Machine) => void;

function intArg(m: Machine, parse: (line: string) => bigint | undefined, text: string): bigint {
  const v = parse(text);
  if (v === undefined) m.fail(`${m.op.info.name} argument is not an integer`);
  return v;
}

function memoIndex(m: Machine): number {
  const a = m.op.arg;
  const idx = typeof a === 'string' ? Number(intArg(m, parseMemoKey, a)) : (a as number);
  if (idx < 0) m.fail(`negative memo index ${idx}`);
  return idx;
}

function memoGet(m: Machine): void {
  const idx = memoIndex(m);
  const v = m.memo.get(idx);
  // CPython raises on a missing key (picklescan #52 invalid memo keys): a stream relying on it fails here.
  if (v === undefined) m.fail(`memo key ${idx} was never stored`);
  m.push(v);
}

function memoPut(m: Machine, idx: number): void {
  if (m.memo.size >= m.limits.maxMemo && !m.memo.has(idx)) m.limit(`memo larger than ${m.limits.maxMemo}`);
  // Technique 19: the memo holds the stack top, not the previous op's argument.
  m.memo.set(idx, m.top());
}

function constant(v: PValue): Handler {
  return (m) => m.push(v);
}

const pushOpArg: Handler = (m) => {
  const a = m.op.arg;
  if (a instanceof Uint8Array) m.push(m.str(a));
};

function toTuple(n: number): Handler {
  return (m) => {
    if (m.stack.length < n) m.fail(`${m.op.info.name} needs ${n} items (stack underflow)`);
    m.push({ k: 'tuple', items: m.stack.splice(m.stack.length - n, n) });
  };
}

function pairs(m: Machine, items: PValue[]): [PValue, PValue][] {
  if (items.length % 2 !== 0) m.fail(`${m.op.info.name} with an odd number of items`);
  const out: [PValue, PValue][] = [];
  for (let i = 0; i < items.length; i += 2) out.push([items[i] as PValue, items[i + 1] as PValue]);
  return out;
}

/**
 * Methods that the unpickler (APPEND/APPENDS/ADDITEMS/SETITEM) or code it calls (dict(x) calls x.keys(),
 * warnings reads __loader__.get_source, file-like readers call read/readline) looks up on an object: an
 * instance attribute set by BUILD shadows the class's method, so a callable stored there runs.
 */
const HOOKED_METHODS = new Set([
  'append', 'extend', 'add', 'keys', 'items', 'values', 'get', 'pop', 'update', 'setdefault', 'copy',
  'read', 'readline', 'readinto', 'write', 'seek', 'tell', 'fileno', 'close', 'get_source', 'get_data',
  'find_spec', 'load_module', 'exec_module', 'create_module', 'default_factory', 'format', 'join', 'decode',
]); // prettier-ignore

/** A function or class reference, or a partial of one: something stored to be called later. */
function isCallableValue(v: PValue): boolean {
  return v.k === 'global' || (v.k === 'call' && v.callee.k === 'global' && v.callee.name === 'partial');
}

function describe(v: PValue): string {
  const g = v.k === 'call' ? v.args[0] : v;
  const name = g?.k === 'global' ? `${g.module}.${g.name}` : 'a callable';
  return v.k === 'call' ? `functools.partial(${name}, …)` : name;
}

/** Technique 33 (GHSA-63cw-57p8-fm3p): SETITEM(S)/APPEND(S)/ADDITEMS on a non-container run its method. */
function mutate(m: Machine, kind: CallKind, method: string, want: PValue['k'], items: PValue[]): void {
  const target = m.top();
  // An attribute BUILD planted under the method's name is what CPython calls (instance attributes first).
  const planted = target.k === 'call' ? target.attrs?.get(method) : undefined;
  if (planted) {
    const args =
      kind === 'SETITEM' ? pairs(m, items).flat() : method === 'extend' ? [{ k: 'list' as const, items }] : items;
    m.call(kind, planted, args, method);
    return;
  }
  // Loops, not push(...items): one APPENDS may carry a million items, past the engine's argument limit.
  if (target.k === want && target.k === 'dict') for (const pair of pairs(m, items)) target.entries.push(pair);
  else if (target.k === want && (target.k === 'list' || target.k === 'set'))
    for (const v of items) target.items.push(v);
  else if (m.opts.isContainerResult?.(target)) pairs(m, kind === 'SETITEM' ? items : []);
  else m.call(kind, target, kind === 'SETITEM' ? [{ k: 'tuple', items: pairs(m, items).flat() }] : items, method);
}

function stackGlobal(m: Machine): void {
  const name = m.pop();
  const module = m.pop();
  if (module.k !== 'str' || name.k !== 'str') m.fail('STACK_GLOBAL needs two str operands');
  m.push(m.global(module.v, name.v));
}

function reduce(m: Machine): void {
  const args = m.pop();
  const callee = m.pop();
  m.push(m.call('REDUCE', callee, args.k === 'tuple' ? args.items : [args]));
}

function newobjEx(m: Machine): void {
  const kwargs = m.pop();
  const args = m.pop();
  const cls = m.pop();
  m.push(m.call('NEWOBJ_EX', cls, args.k === 'tuple' ? args.items : [args], undefined, kwargs));
}

function inst(m: Machine): void {
  const [module, name] = m.op.arg as readonly [string, string];
  const items = m.popMark();
  m.push(m.call('INST', m.global(module, name), items));
}

function obj(m: Machine): void {
  const items = m.popMark();
  const cls = items.shift();
  if (cls === undefined) m.fail('OBJ without a class');
  m.push(m.call('OBJ', cls, items));
}

/** String keys of a BUILD state: a dict, or (dict, slotstate) as object.__reduce_ex__ writes. */
function stateAttrs(state: PValue): [string, PValue][] {
  const parts = state.k === 'tuple' && state.items.length === 2 ? state.items : [state];
  const out: [string, PValue][] = [];
  for (const p of parts) if (p.k === 'dict') for (const [k, v] of p.entries) if (k.k === 'str') out.push([k.v, v]);
  return out;
}

function build(m: Machine): void {
  const state = m.pop();
  const target = m.top();
  if (target.k === 'call') {
    const setstate = target.attrs?.get('__setstate__');
    // Technique 21: an instance whose __setstate__ was planted by an earlier BUILD calls it with the state.
    if (setstate) return void m.call('BUILD-setstate', setstate, [state], '__setstate__');
    target.state = state;
  } else if (target.k === 'global') {
    // Technique 29: BUILD on a function/class/module rewrites library attributes at load time.
    m.anomaly('build-on-global', `BUILD sets attributes on ${target.module}.${target.name}`);
  }
  for (const [key, v] of stateAttrs(state)) {
    if (/^__.*__$/.test(key)) m.anomaly('dunder-state', `BUILD sets the special attribute ${key}`);
    else if (HOOKED_METHODS.has(key) && isCallableValue(v)) {
      m.anomaly('method-hijack', `BUILD replaces the method ${key} with ${describe(v)}`);
    }
    if (target.k === 'call') (target.attrs ??= new Map()).set(key, v);
  }
  if (target.k === 'call' && m.opts.joblibArrays !== false && isNumpyArrayWrapper(target.callee, target.args)) {
    joblibArray(m, target);
  }
}

/**
 * Technique 14: joblib writes a NumpyArrayWrapper's raw array bytes right after its BUILD. joblib reads them
 * from the file handle, not from the unpickler's frame buffer: inside a FRAME they sit at the frame's end,
 * and the op stream goes on with the rest of the frame, then after the array bytes.
 */
function joblibArray(m: Machine, wrapper: CallValue): void {
  const inFrame = m.frameEnd > m.pos;
  // Several arrays in one frame follow each other in the file after the frame's end.
  const arrayAt = inFrame ? (m.frameJump?.to ?? m.frameEnd) : m.pos;
  const span = joblibArraySpan(m.bytes, arrayAt, wrapper.state ?? NONE);
  if (span.kind === 'error') m.fail(`joblib array: ${span.message}`);
  m.r.joblibArrays++;
  if (span.kind === 'raw') {
    if (inFrame) m.frameJump = { at: m.frameEnd, to: span.end };
    else m.pos = span.end;
    return;
  }
  if (inFrame) {
    objectArrayAt(m, arrayAt, (end) => (m.frameJump = { at: m.frameEnd, to: end }));
    return;
  }
  objectArrayAt(m, m.pos, (end) => (m.pos = end));
}

/** Object arrays are pickled inline with pickle.dump(array, protocol=2): emulate that pickle too. */
function objectArrayAt(m: Machine, at: number, resume: (end: number) => void): void {
  if (m.nesting >= m.limits.maxNesting) m.limit('joblib object arrays nested too deep');
  // joblib reads the object array with a plain Unpickler: no array bytes are skipped inside it.
  const inner = new Machine(m.bytes, at, { ...m.opts, joblibArrays: false }, m.nesting + 1).run();
  for (const g of inner.globals) m.r.globals.push(g);
  for (const c of inner.calls) m.r.calls.push(c);
  for (const a of inner.anomalies) m.r.anomalies.push(a);
  m.r.joblibArrays += inner.joblibArrays;
  if (inner.budgetExceeded) m.limit('budget exhausted in a joblib object array');
  if (!inner.completed) m.fail(`joblib object array pickle: ${inner.error?.message ?? 'incomplete'}`);
  resume(inner.resumeAt ?? inner.end);
}

function proto(m: Machine): void {
  const v = m.op.arg as number;
  if (v > HIGHEST_PROTOCOL) m.fail(`unsupported pickle protocol ${v}`);
  m.proto = v;
}

const HANDLERS: Record<string, Handler> = {
  PROTO: proto,
  FRAME: () => undefined,
  STOP: (m) => void (m.r.result = m.pop()),
  MARK: (m) => {
    m.meta.push(m.stack);
    m.stack = [];
  },
  POP: (m) => void (m.stack.length > 0 ? m.stack.pop() : m.popMark()),
  POP_MARK: (m) => void m.popMark(),
  DUP: (m) => m.push(m.top()),
  NONE: constant(NONE),
  NEWTRUE: constant({ k: 'bool', v: true }),
  NEWFALSE: constant({ k: 'bool', v: false }),
  INT: (m) => {
    const t = m.op.arg as string;
    m.push(t === '00' || t === '01' ? { k: 'bool', v: t === '01' } : { k: 'int', v: intArg(m, parseIntText, t) });
  },
  LONG: (m) => m.push({ k: 'int', v: intArg(m, parseLongText, stripLongSuffix(m.op.arg as string)) }),
  BININT: (m) => m.push({ k: 'int', v: BigInt(m.op.arg as number) }),
  BININT1: (m) => m.push({ k: 'int', v: BigInt(m.op.arg as number) }),
  BININT2: (m) => m.push({ k: 'int', v: BigInt(m.op.arg as number) }),
  LONG1: (m) => m.push({ k: 'int', v: m.op.arg as bigint }),
  LONG4: (m) => m.push({ k: 'int', v: m.op.arg as bigint }),
  FLOAT: (m) => {
    const v = parseFloatText(m.op.arg as string);
    if (v === undefined) return m.fail('FLOAT argument is not a number');
    m.push({ k: 'float', v });
  },
  BINFLOAT: (m) => m.push({ k: 'float', v: m.op.arg as number }),
  STRING: (m) => m.push({ k: 'str', v: m.op.arg as string }),
  BINSTRING: (m) => m.push(m.str(m.op.arg as Uint8Array, true)),
  SHORT_BINSTRING: (m) => m.push(m.str(m.op.arg as Uint8Array, true)),
  UNICODE: (m) => m.push({ k: 'str', v: m.op.arg as string }),
  BINUNICODE: pushOpArg,
  SHORT_BINUNICODE: pushOpArg,
  BINUNICODE8: pushOpArg,
  BINBYTES: (m) => m.push({ k: 'bytes', v: m.op.arg as Uint8Array, offset: m.op.offset }),
  SHORT_BINBYTES: (m) => m.push({ k: 'bytes', v: m.op.arg as Uint8Array, offset: m.op.offset }),
  BINBYTES8: (m) => m.push({ k: 'bytes', v: m.op.arg as Uint8Array, offset: m.op.offset }),
  BYTEARRAY8: (m) => m.push({ k: 'bytes', v: m.op.arg as Uint8Array, offset: m.op.offset, bytearray: true }),
  NEXT_BUFFER: (m) => {
    m.anomaly('out-of-band-buffer', 'NEXT_BUFFER: needs out-of-band buffers the loader must supply');
    m.push({ k: 'buffer', offset: m.op.offset });
  },
  READONLY_BUFFER: (m) => void m.top(),
  EMPTY_TUPLE: constant({ k: 'tuple', items: [] }),
  TUPLE1: toTuple(1),
  TUPLE2: toTuple(2),
  TUPLE3: toTuple(3),
  TUPLE: (m) => m.push({ k: 'tuple', items: m.popMark() }),
  EMPTY_LIST: (m) => m.push({ k: 'list', items: [] }),
  LIST: (m) => m.push({ k: 'list', items: m.popMark() }),
  EMPTY_DICT: (m) => m.push({ k: 'dict', entries: [] }),
  DICT: (m) => m.push({ k: 'dict', entries: pairs(m, m.popMark()) }),
  EMPTY_SET: (m) => m.push({ k: 'set', items: [], frozen: false }),
  FROZENSET: (m) => m.push({ k: 'set', items: m.popMark(), frozen: true }),
  APPEND: (m) => {
    const v = m.pop();
    mutate(m, 'APPEND', 'append', 'list', [v]);
  },
  APPENDS: (m) => mutate(m, 'APPEND', 'extend', 'list', m.popMark()),
  SETITEM: (m) => {
    const v = m.pop();
    const k = m.pop();
    mutate(m, 'SETITEM', '__setitem__', 'dict', [k, v]);
  },
  SETITEMS: (m) => mutate(m, 'SETITEM', '__setitem__', 'dict', m.popMark()),
  ADDITEMS: (m) => mutate(m, 'ADDITEMS', 'add', 'set', m.popMark()),
  GET: memoGet,
  BINGET: memoGet,
  LONG_BINGET: memoGet,
  PUT: (m) => memoPut(m, memoIndex(m)),
  BINPUT: (m) => memoPut(m, memoIndex(m)),
  LONG_BINPUT: (m) => memoPut(m, memoIndex(m)),
  MEMOIZE: (m) => memoPut(m, m.memo.size),
  GLOBAL: (m) => {
    const [module, name] = m.op.arg as readonly [string, string];
    m.push(m.global(module, name));
  },
  STACK_GLOBAL: stackGlobal,
  INST: inst,
  OBJ: obj,
  REDUCE: reduce,
  NEWOBJ: (m) => {
    const args = m.pop();
    const cls = m.pop();
    m.push(m.call('NEWOBJ', cls, args.k === 'tuple' ? args.items : [args]));
  },
  NEWOBJ_EX: newobjEx,
  BUILD: build,
  PERSID: (m) => m.push({ k: 'persid', pid: { k: 'str', v: m.op.arg as string }, offset: m.op.offset }),
  BINPERSID: (m) => m.push({ k: 'persid', pid: m.pop(), offset: m.op.offset }),
  EXT1: ext,
  EXT2: ext,
  EXT4: ext,
};

/** Handlers indexed by opcode byte: one array read per op instead of a string-keyed lookup. */
const HANDLER_BY_CODE: (Handler | undefined)[] = [];
for (const [name, handler] of Object.entries(HANDLERS)) {
  const info = OPCODES.find((o) => o.name === name);
  if (info) HANDLER_BY_CODE[info.code] = handler;
}

/** EXT codes index copyreg's extension registry, empty unless the loading app registered codes. */
function ext(m: Machine): void {
  const code = m.op.arg as number;
  if (code <= 0) m.fail(`EXT code ${code} is not positive`);
  m.anomaly('ext', `${m.op.info.name} ${code}: a code from copyreg's extension registry (empty by default)`);
  m.push({ k: 'ext', code, offset: m.op.offset });
}

/** Emulates one pickle starting at `start` up to its STOP, an error or the budget. Never throws on input. */
export function emulate(bytes: Uint8Array, start: number, opts: EmulatorOptions): EmulationResult {
  return new Machine(bytes, start, opts, 0).run();
}
