import { OPCODE_BY_CODE, type OpcodeInfo } from './opcodes.ts';

/**
 * A bounded linear pickle disassembler: decodes one opcode and its argument at a time, never reading
 * past the buffer and never allocating from a length field before checking it against the bytes left
 * (technique 22: huge BINUNICODE8/BINBYTES8 lengths).
 */

export type OpArg = null | number | bigint | string | Uint8Array | readonly [string, string];

export interface PickleOp {
  offset: number;
  info: OpcodeInfo;
  arg: OpArg;
  /** Offset just past the op and its argument. */
  end: number;
}

export class PickleParseError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
    this.name = 'PickleParseError';
  }
}

const utf8 = new TextDecoder('utf-8');
const NEWLINE = 0x0a;

function need(bytes: Uint8Array, pos: number, n: number, what: string): void {
  if (n < 0 || pos + n > bytes.length) throw new PickleParseError(`truncated ${what}: needs ${n} bytes`, pos);
}

function uint(bytes: Uint8Array, pos: number, n: number): number {
  let v = 0;
  for (let i = n - 1; i >= 0; i--) v = v * 256 + (bytes[pos + i] ?? 0);
  return v;
}

/**
 * One protocol-0 line argument. At the end of the data without a newline, the C unpickler fails but the
 * pure-Python one (joblib's) takes the rest as the line and drops its last character where it expects the
 * newline (`readline()[:-1]`), then still runs the op: an INST there still calls. `chopped` applies that.
 */
function readLine(bytes: Uint8Array, pos: number, chopped = false): [string, number] {
  const nl = bytes.indexOf(NEWLINE, pos);
  if (nl >= 0) return [latin1(bytes.subarray(pos, nl)), nl + 1];
  if (pos >= bytes.length) throw new PickleParseError('line argument without a newline', pos);
  const end = chopped ? Math.max(pos, bytes.length - 1) : bytes.length;
  return [latin1(bytes.subarray(pos, end)), bytes.length];
}

/** Byte-for-byte string (Latin-1), so arbitrary bytes survive for escape decoding. */
export function latin1(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 8192) {
    s += String.fromCharCode(...bytes.subarray(i, Math.min(bytes.length, i + 8192)));
  }
  return s;
}

/** Two's complement little-endian → bigint (LONG1/LONG4, pickletools decode_long). */
export function decodeLong(bytes: Uint8Array): bigint {
  let v = 0n;
  for (let i = bytes.length - 1; i >= 0; i--) v = (v << 8n) | BigInt(bytes[i] ?? 0);
  if (bytes.length > 0 && (bytes[bytes.length - 1] ?? 0) >= 0x80) v -= 1n << BigInt(bytes.length * 8);
  return v;
}

/** Python's escape decoding of a quoted protocol-0 STRING argument (`'abc\\n'`). */
function decodeStringLine(raw: string, offset: number): string {
  const q = raw[0];
  if (raw.length < 2 || (q !== "'" && q !== '"') || raw[raw.length - 1] !== q) {
    throw new PickleParseError('STRING argument is not quoted', offset);
  }
  return unescape(raw.slice(1, -1), false);
}

const SIMPLE_ESCAPES: Record<string, string> = { n: '\n', r: '\r', t: '\t', '\\': '\\', "'": "'", '"': '"', a: '\x07' };

/** Backslash escapes as Python's escape_decode (bytes) or raw_unicode_escape (`unicodeOnly`). */
function unescape(s: string, unicodeOnly: boolean): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i] as string;
    if (c !== '\\' || i + 1 >= s.length) {
      out += c;
      continue;
    }
    const e = s[i + 1] as string;
    const hexLen = e === 'x' && !unicodeOnly ? 2 : e === 'u' ? 4 : e === 'U' ? 8 : 0;
    if (hexLen > 0 && /^[0-9a-fA-F]+$/.test(s.slice(i + 2, i + 2 + hexLen)) && i + 2 + hexLen <= s.length) {
      out += String.fromCodePoint(Math.min(0x10ffff, parseInt(s.slice(i + 2, i + 2 + hexLen), 16)));
      i += 1 + hexLen;
    } else if (!unicodeOnly && SIMPLE_ESCAPES[e] !== undefined) {
      out += SIMPLE_ESCAPES[e];
      i += 1;
    } else {
      out += c;
    }
  }
  return out;
}

const FIXED_SIZES: Partial<Record<ArgKindName, number>> = { u1: 1, u2: 2, u4: 4, u8: 8, i4: 4, f8: 8 };
type ArgKindName = OpcodeInfo['arg'];

/** No closures or literals per call: this runs once per opcode, millions of times for a big pickle. */
function readArg(bytes: Uint8Array, info: OpcodeInfo, pos: number): [OpArg, number] {
  const fixedSize = FIXED_SIZES[info.arg];
  if (fixedSize !== undefined) need(bytes, pos, fixedSize, info.name);
  switch (info.arg) {
    case 'none':
      return [null, pos];
    case 'u1':
      return [bytes[pos] as number, pos + 1];
    case 'u2':
    case 'u4':
    case 'u8':
      return [uint(bytes, pos, fixedSize as number), pos + (fixedSize as number)];
    case 'i4':
      return [uint(bytes, pos, 4) | 0, pos + 4];
    case 'f8':
      return [new DataView(bytes.buffer, bytes.byteOffset + pos, 8).getFloat64(0, false), pos + 8];
    case 'decimal-line':
    case 'ascii-line':
      return readLine(bytes, pos);
    case 'string-line': {
      const [raw, end] = readLine(bytes, pos, true);
      return [decodeStringLine(raw.trimEnd(), pos), end];
    }
    case 'unicode-line': {
      const [raw, end] = readLine(bytes, pos, true);
      return [unescape(raw, true), end];
    }
    case 'two-lines': {
      const [module, mid] = readLine(bytes, pos, true);
      // Python's loader imports the module even when the name line is missing (`readline()` gives b'').
      const [name, end] = mid < bytes.length ? readLine(bytes, mid, true) : ['', mid];
      return [[utf8Of(module), utf8Of(name)], end];
    }
    default:
      return readSized(bytes, info, pos);
  }
}

function utf8Of(latin: string): string {
  const b = new Uint8Array(latin.length);
  for (let i = 0; i < latin.length; i++) b[i] = latin.charCodeAt(i);
  return utf8.decode(b);
}

function readSized(bytes: Uint8Array, info: OpcodeInfo, pos: number): [OpArg, number] {
  const lenBytes = { long1: 1, 'bytes-u1': 1, long4: 4, 'bytes-u4': 4, 'bytes-i4': 4, 'bytes-u8': 8 }[
    info.arg as 'long1'
  ];
  need(bytes, pos, lenBytes, info.name);
  let len = uint(bytes, pos, lenBytes);
  if (info.arg === 'long4' || info.arg === 'bytes-i4') len = len | 0;
  if (len < 0) throw new PickleParseError(`${info.name} with a negative length`, pos);
  const start = pos + lenBytes;
  // The length is checked against the bytes left before anything is sliced (technique 22).
  need(bytes, start, len, info.name);
  const data = bytes.subarray(start, start + len);
  if (info.arg === 'long1' || info.arg === 'long4') {
    // CPython reads integers of any length: a long one is kept with an unknown value rather than refused.
    return [len > 4096 ? 0n : decodeLong(data), start + len];
  }
  return [data, start + len];
}

/** Decodes the op at `pos`; throws PickleParseError on an unknown opcode or a truncated argument. */
export function readOp(bytes: Uint8Array, pos: number): PickleOp {
  if (pos >= bytes.length) throw new PickleParseError('pickle ended without STOP', pos);
  const info = OPCODE_BY_CODE[bytes[pos] as number];
  if (!info) throw new PickleParseError(`invalid opcode 0x${(bytes[pos] as number).toString(16)}`, pos);
  const [arg, end] = readArg(bytes, info, pos + 1);
  return { offset: pos, info, arg, end };
}

/**
 * readOp into a caller-owned object: the emulator decodes millions of ops and keeps none of them, so the
 * common argument-less and one-byte ops allocate nothing.
 */
export function readOpInto(bytes: Uint8Array, pos: number, out: PickleOp): PickleOp {
  if (pos >= bytes.length) throw new PickleParseError('pickle ended without STOP', pos);
  const info = OPCODE_BY_CODE[bytes[pos] as number];
  if (!info) throw new PickleParseError(`invalid opcode 0x${(bytes[pos] as number).toString(16)}`, pos);
  out.offset = pos;
  out.info = info;
  if (info.arg === 'none') {
    out.arg = null;
    out.end = pos + 1;
  } else if (info.arg === 'u1') {
    need(bytes, pos + 1, 1, info.name);
    out.arg = bytes[pos + 1] as number;
    out.end = pos + 2;
  } else {
    const [arg, end] = readArg(bytes, info, pos + 1);
    out.arg = arg;
    out.end = end;
  }
  return out;
}

export interface Disassembly {
  ops: PickleOp[];
  /** Offset after STOP, or where decoding failed. */
  end: number;
  error?: PickleParseError;
}

/** Linear disassembly of one pickle from `start` to its STOP, at most `maxOps` ops. */
export function disassemble(bytes: Uint8Array, start = 0, maxOps = 1_000_000): Disassembly {
  const ops: PickleOp[] = [];
  let pos = start;
  try {
    while (ops.length < maxOps) {
      const op = readOp(bytes, pos);
      ops.push(op);
      pos = op.end;
      if (op.info.name === 'STOP') return { ops, end: pos };
    }
    return { ops, end: pos, error: new PickleParseError(`more than ${maxOps} ops`, pos) };
  } catch (e) {
    if (e instanceof PickleParseError) return { ops, end: pos, error: e };
    throw e;
  }
}

export interface FrameAnomaly {
  offset: number;
  message: string;
}

/**
 * What a framed reader (CPython's pure-Python _Unframer) would object to in a linear op list, where the
 * C unpickler reads on linearly: an op that straddles a frame end, a FRAME inside an unfinished frame,
 * a frame longer than the data. Any of these means two loaders can see different programs (technique 17).
 */
export function frameAnomalies(ops: readonly PickleOp[], streamEnd: number): FrameAnomaly[] {
  const out: FrameAnomaly[] = [];
  let frameEnd = -1;
  for (const op of ops) {
    if (frameEnd >= 0 && op.offset < frameEnd && op.end > frameEnd) {
      out.push({ offset: op.offset, message: `${op.info.name} straddles the frame end at ${frameEnd}` });
    }
    if (op.info.name !== 'FRAME') continue;
    if (frameEnd > op.offset) {
      out.push({ offset: op.offset, message: `FRAME starts before the previous frame ends at ${frameEnd}` });
    }
    frameEnd = op.end + (op.arg as number);
    if (frameEnd > streamEnd) out.push({ offset: op.offset, message: `FRAME length runs past the end of the data` });
  }
  return out;
}
