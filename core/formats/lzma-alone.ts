import { u32, u64 } from './container-io.ts';

/**
 * LZMA-alone (".lzma", liblzma's FORMAT_ALONE) decoder, written from the LZMA specification in the LZMA
 * SDK: a range decoder driving adaptive binary probabilities for literals, matches, the four repeated
 * distances and an end-of-stream marker. joblib opens this container with `lzma.LZMAFile`, so a pickle
 * inside it runs on load; decoding it here lets the pickle be scanned instead of "could not verify".
 *
 * Bounded by construction: nothing is allocated from a header field (the window grows with the output
 * and never past `maxWindow`), output leaves in chunks of at most FLUSH (+ one match) bytes through
 * `emit`, which stops the decode by returning false, and every input read past the end throws.
 * Each symbol consumes range-coder bits, so finite input yields finite output: no hangs.
 */

/** Largest window kept in memory; a stream that reaches further back than this is refused, not trusted. */
export const MAX_WINDOW = 64 << 20;
/** Output is handed over at least this often, so the caller's budget sees a bomb early. */
const FLUSH = 64 << 10;
/** The spec's smallest dictionary: smaller header values still allow distances up to 4 KiB. */
const MIN_DICT = 1 << 12;
const HEADER_SIZE = 13;
const MAX_PROPS = 9 * 5 * 5;
const MAX_LC_LP = 4;
const MAX_KNOWN_SIZE = 2 ** 38;

export class LzmaError extends Error {}

/** Receives each decoded chunk (valid only during the call) and the compressed bytes consumed so far. */
export type LzmaEmit = (chunk: Uint8Array, consumed: number) => boolean;

export interface LzmaOptions {
  /** Window bytes at most (the caller's output cap); MAX_WINDOW applies as well. */
  maxWindow?: number;
}

interface LzmaHeader {
  lc: number;
  lp: number;
  pb: number;
  dictSize: number;
  /** null: unknown, the end marker is then required; a known size is below 2^38 (see parseHeader). */
  unpackSize: number | null;
}

/** Thrown out of the decode loop when `emit` refuses more output. */
class Stopped extends Error {}

/**
 * Decodes every LZMA-alone stream in `input`, back to back as `lzma.LZMAFile` reads them. Returns true
 * at the end of the input or when `emit` returned false; throws LzmaError on corrupt or truncated input.
 * Data after a complete stream that is not itself a valid stream ends decoding, as Python's reader ignores
 * it ("Trailing data isn't a valid compressed stream; ignore it", Lib/_compression.py): joblib loads such a
 * file, so what the first streams hold is what must be scanned.
 */
export function decodeLzmaAlone(input: Uint8Array, emit: LzmaEmit, opts: LzmaOptions = {}): boolean {
  const maxWindow = Math.max(1, Math.min(opts.maxWindow ?? MAX_WINDOW, MAX_WINDOW));
  let at = 0;
  let streams = 0;
  try {
    do {
      at = decodeStream(input, at, emit, maxWindow);
      streams++;
    } while (at < input.byteLength);
  } catch (error) {
    if (error instanceof Stopped) return true;
    if (streams > 0 && error instanceof LzmaError) return true;
    throw error;
  }
  return true;
}

/** Decodes one stream starting at `at`; returns the offset just after it. */
function decodeStream(input: Uint8Array, at: number, emit: LzmaEmit, maxWindow: number): number {
  const header = parseHeader(input, at);
  const rc = new RangeDecoder(input, at + HEADER_SIZE);
  const window = new OutWindow(Math.min(header.dictSize, maxWindow), (chunk) => emit(chunk, rc.pos));
  new LzmaDecoder(header, rc, window).run();
  window.flush();
  return rc.pos;
}

function parseHeader(input: Uint8Array, at: number): LzmaHeader {
  if (input.byteLength - at < HEADER_SIZE) throw new LzmaError(`header truncated at offset ${at}`);
  let props = input[at]!;
  if (props >= MAX_PROPS) throw new LzmaError(`invalid properties byte 0x${props.toString(16)} (lc/lp/pb)`);
  const lc = props % 9;
  props = Math.floor(props / 9);
  // liblzma (Python's lzma, so joblib) refuses lc + lp > 4 as "format not supported": so do we.
  if (lc + (props % 5) > MAX_LC_LP) throw new LzmaError(`lc + lp above ${MAX_LC_LP} (liblzma refuses it)`);
  const dictSize = u32(input, at + 1);
  if (!lzmaFileDictSize(dictSize)) throw new LzmaError(`dictionary size ${dictSize} is not 2^n or 2^n + 2^(n-1)`);
  const sizeUnknown = input.subarray(at + 5, at + HEADER_SIZE).every((b) => b === 0xff);
  const unpackSize = sizeUnknown ? null : u64(input, at + 5);
  if (unpackSize !== null && unpackSize >= MAX_KNOWN_SIZE) throw new LzmaError('stated size is 256 GiB or more');
  return { lc, lp: props % 5, pb: Math.floor(props / 5), dictSize: Math.max(MIN_DICT, dictSize), unpackSize };
}

/**
 * `lzma.LZMAFile` (joblib's reader) autodetects the format, and liblzma then takes a .lzma header only
 * with a dictionary size of 2^n or 2^n + 2^(n-1) (or 0xFFFFFFFF) and a stated size under 256 GiB, to
 * tell real headers from random bytes. Other headers are refused here too: joblib cannot load them.
 */
function lzmaFileDictSize(size: number): boolean {
  if (size === 0xffffffff) return true;
  let d = (size - 1) >>> 0;
  d |= d >>> 2;
  d |= d >>> 3;
  d |= d >>> 4;
  d |= d >>> 8;
  d |= d >>> 16;
  return (d + 1) >>> 0 === size;
}

const TOP = 1 << 24;
const PROB_BITS = 11;
const PROB_INIT = 1 << (PROB_BITS - 1);
const MOVE_BITS = 5;

/** The spec's range decoder: `range` and `code` are unsigned 32-bit values held in doubles. */
class RangeDecoder {
  range = 0xffffffff;
  code = 0;
  constructor(
    private readonly input: Uint8Array,
    public pos: number,
  ) {
    if (this.next() !== 0) throw new LzmaError('range decoder: first byte is not 0');
    for (let i = 0; i < 4; i++) this.code = this.code * 256 + this.next();
    if (this.code === this.range) throw new LzmaError('range decoder: corrupt initial code');
  }

  /** Truncated input is an error at the first missing byte, never a run of invented zeros. */
  private next(): number {
    if (this.pos >= this.input.byteLength) throw new LzmaError('input truncated before the end of the stream');
    return this.input[this.pos++]!;
  }

  private normalize(): void {
    if (this.range < TOP) {
      this.range = (this.range << 8) >>> 0;
      this.code = ((this.code << 8) | this.next()) >>> 0;
    }
  }

  /** One bit with the adaptive probability probs[i] (of a 0), updating it as the encoder did. */
  bit(probs: Uint16Array, i: number): number {
    const p = probs[i]!;
    const bound = (this.range >>> PROB_BITS) * p;
    let bit: number;
    if (this.code < bound) {
      probs[i] = p + (((1 << PROB_BITS) - p) >>> MOVE_BITS);
      this.range = bound;
      bit = 0;
    } else {
      probs[i] = p - (p >>> MOVE_BITS);
      this.code -= bound;
      this.range -= bound;
      bit = 1;
    }
    this.normalize();
    return bit;
  }

  /** `count` bits at probability 1/2 (the high bits of long distances), most significant first. */
  direct(count: number): number {
    let result = 0;
    for (let i = 0; i < count; i++) {
      this.range >>>= 1;
      let bit = 0;
      if (this.code >= this.range) {
        this.code -= this.range;
        bit = 1;
      }
      result = result * 2 + bit;
      this.normalize();
    }
    return result;
  }

  /** The encoder flushes so that a cleanly ended stream leaves code at 0. */
  finishedOk(): boolean {
    return this.code === 0;
  }
}

/** A bit tree of `bits` levels rooted at probs[base + 1], most significant bit first. */
function bitTree(rc: RangeDecoder, probs: Uint16Array, base: number, bits: number): number {
  let m = 1;
  for (let i = 0; i < bits; i++) m = (m << 1) | rc.bit(probs, base + m);
  return m - (1 << bits);
}

/** The same tree read least significant bit first (distance low bits, align bits). */
function reverseBitTree(rc: RangeDecoder, probs: Uint16Array, base: number, bits: number): number {
  let m = 1;
  let symbol = 0;
  for (let i = 0; i < bits; i++) {
    const bit = rc.bit(probs, base + m);
    m = (m << 1) | bit;
    symbol |= bit << i;
  }
  return symbol;
}

const POS_STATES_MAX = 1 << 4;
const LEN_LOW_BITS = 3;
const LEN_HIGH_BITS = 8;
const LEN_LOW = POS_STATES_MAX << LEN_LOW_BITS;

/** Match lengths 0…271 (plus MATCH_MIN): choice bits, then a low, mid or high tree. */
class LenDecoder {
  // [choice, choice2, low trees (per posState), mid trees (per posState), high tree]
  private readonly probs = new Uint16Array(2 + 2 * LEN_LOW + (1 << LEN_HIGH_BITS)).fill(PROB_INIT);

  decode(rc: RangeDecoder, posState: number): number {
    const tree = posState << LEN_LOW_BITS;
    if (rc.bit(this.probs, 0) === 0) return bitTree(rc, this.probs, 2 + tree - 1, LEN_LOW_BITS);
    if (rc.bit(this.probs, 1) === 0) return 8 + bitTree(rc, this.probs, 2 + LEN_LOW + tree - 1, LEN_LOW_BITS);
    return 16 + bitTree(rc, this.probs, 2 + 2 * LEN_LOW - 1, LEN_HIGH_BITS);
  }
}

const LEN_TO_POS_STATES = 4;
const POS_SLOT_BITS = 6;
const END_POS_MODEL = 14;
const FULL_DISTANCES = 1 << (END_POS_MODEL >> 1);
const ALIGN_BITS = 4;
const END_MARKER = 0xffffffff;

/** Match distances (0-based): a 6-bit slot, then reverse-tree or direct + align low bits. */
class DistanceDecoder {
  private readonly slots = new Uint16Array(LEN_TO_POS_STATES << POS_SLOT_BITS).fill(PROB_INIT);
  private readonly special = new Uint16Array(1 + FULL_DISTANCES - END_POS_MODEL).fill(PROB_INIT);
  private readonly align = new Uint16Array(1 << ALIGN_BITS).fill(PROB_INIT);

  /** `len` is the decoded length code (0-based): short matches have their own slot models. */
  decode(rc: RangeDecoder, len: number): number {
    const lenState = Math.min(len, LEN_TO_POS_STATES - 1);
    const slot = bitTree(rc, this.slots, (lenState << POS_SLOT_BITS) - 1, POS_SLOT_BITS);
    if (slot < 4) return slot;
    const directBits = (slot >>> 1) - 1;
    if (slot < END_POS_MODEL) {
      const base = (2 | (slot & 1)) << directBits;
      return base + reverseBitTree(rc, this.special, base - slot - 1, directBits);
    }
    // Up to 32 bits: unsigned arithmetic in doubles (the end marker is 0xFFFFFFFF).
    const base = ((2 | (slot & 1)) << directBits) >>> 0;
    const high = rc.direct(directBits - ALIGN_BITS) * (1 << ALIGN_BITS);
    return base + high + reverseBitTree(rc, this.align, -1, ALIGN_BITS);
  }
}

/**
 * The sliding window: output bytes the next matches may copy from. It starts small and doubles as
 * output arrives, up to `size`, then wraps; pending bytes are flushed before any wrap or growth, so
 * every byte is emitted exactly once and in order.
 */
class OutWindow {
  private buf: Uint8Array;
  private pos = 0;
  private flushed = 0;
  /** Bytes written to this window since the stream began. */
  total = 0;

  constructor(
    private readonly size: number,
    private readonly emit: (chunk: Uint8Array) => boolean,
  ) {
    this.buf = new Uint8Array(Math.min(size, FLUSH));
  }

  put(byte: number): void {
    if (this.pos === this.buf.byteLength) this.makeRoom();
    this.buf[this.pos++] = byte;
    this.total++;
  }

  /** The byte `dist` (≥ 1) positions back; callers check dist against `reach` first. */
  get(dist: number): number {
    const at = this.pos - dist;
    return this.buf[at >= 0 ? at : at + this.buf.byteLength]!;
  }

  /** Furthest distance a match may use: what has been written, within the window. */
  reach(): number {
    return Math.min(this.total, this.size);
  }

  /**
   * A match: runs of one byte (dist 1) and matches that neither overlap themselves nor wrap are bulk
   * copies; anything else goes byte by byte, since a match may repeat the bytes it is producing.
   */
  copy(dist: number, len: number): void {
    const from = this.pos - dist;
    if (from >= 0 && this.pos + len <= this.buf.byteLength && (dist === 1 || dist >= len)) {
      if (dist === 1) this.buf.fill(this.buf[from]!, this.pos, this.pos + len);
      else this.buf.copyWithin(this.pos, from, from + len);
      this.pos += len;
      this.total += len;
    } else this.copyBytes(dist, len);
  }

  private copyBytes(dist: number, len: number): void {
    let buf = this.buf;
    let pos = this.pos;
    let from = pos - dist;
    if (from < 0) from += buf.byteLength;
    for (let i = 0; i < len; i++) {
      if (pos === buf.byteLength) {
        this.pos = pos;
        this.makeRoom();
        buf = this.buf;
        pos = this.pos;
      }
      buf[pos++] = buf[from++]!;
      if (from === buf.byteLength) from = 0;
    }
    this.pos = pos;
    this.total += len;
  }

  /** Hands pending bytes over every FLUSH bytes, so the caller's limits act while decoding. */
  maybeFlush(): void {
    if (this.pos - this.flushed >= FLUSH) this.flush();
  }

  flush(): void {
    if (this.pos > this.flushed && !this.emit(this.buf.subarray(this.flushed, this.pos))) throw new Stopped();
    this.flushed = this.pos;
  }

  /** At the end of the buffer: grow it while under `size` (history stays in place), else wrap to 0. */
  private makeRoom(): void {
    this.flush();
    if (this.buf.byteLength < this.size) {
      const grown = new Uint8Array(Math.min(this.size, this.buf.byteLength * 2));
      grown.set(this.buf);
      this.buf = grown;
    } else {
      this.pos = 0;
      this.flushed = 0;
    }
  }
}

const STATES = 12;
const LIT_STATES = 7;
const MATCH_MIN = 2;
const LITERAL_CODER = 0x300;

/** The spec's state machine over what the last symbols were (literal, match, rep, short rep). */
const afterLiteral = (s: number) => (s < 4 ? 0 : s < 10 ? s - 3 : s - 6);
const afterMatch = (s: number) => (s < LIT_STATES ? 7 : 10);
const afterRep = (s: number) => (s < LIT_STATES ? 8 : 11);
const afterShortRep = (s: number) => (s < LIT_STATES ? 9 : 11);

/** One stream's decoder state: probabilities, the four repeated distances, the literal/match state. */
class LzmaDecoder {
  private readonly isMatch = new Uint16Array(STATES << 4).fill(PROB_INIT);
  private readonly isRep = new Uint16Array(STATES).fill(PROB_INIT);
  private readonly isRepG0 = new Uint16Array(STATES).fill(PROB_INIT);
  private readonly isRepG1 = new Uint16Array(STATES).fill(PROB_INIT);
  private readonly isRepG2 = new Uint16Array(STATES).fill(PROB_INIT);
  private readonly isRep0Long = new Uint16Array(STATES << 4).fill(PROB_INIT);
  private readonly literals: Uint16Array;
  private readonly lenDecoder = new LenDecoder();
  private readonly repLenDecoder = new LenDecoder();
  private readonly distances = new DistanceDecoder();
  private state = 0;
  private reps = [0, 0, 0, 0];
  /** Bytes still to produce when the header gives the size (Infinity when it does not). */
  private remaining: number;
  private readonly sizeKnown: boolean;

  constructor(
    private readonly header: LzmaHeader,
    private readonly rc: RangeDecoder,
    private readonly out: OutWindow,
  ) {
    this.literals = new Uint16Array(LITERAL_CODER << (header.lc + header.lp)).fill(PROB_INIT);
    this.remaining = header.unpackSize ?? Infinity;
    this.sizeKnown = header.unpackSize !== null;
  }

  /** Decodes symbols until the known size is reached or the end marker is read. */
  run(): void {
    const pbMask = (1 << this.header.pb) - 1;
    for (;;) {
      // With a known size the marker is optional: a clean range coder at that size ends the stream.
      if (this.remaining === 0 && this.rc.finishedOk()) return;
      const posState = this.out.total & pbMask;
      if (this.rc.bit(this.isMatch, (this.state << 4) + posState) === 0) this.literal();
      else if (this.rc.bit(this.isRep, this.state) === 1) this.rep(posState);
      else if (!this.match(posState)) return;
      this.out.maybeFlush();
    }
  }

  private literal(): void {
    this.spend(1);
    const { lc, lp } = this.header;
    const prev = this.out.total > 0 ? this.out.get(1) : 0;
    const litState = ((this.out.total & ((1 << lp) - 1)) << lc) + (prev >>> (8 - lc));
    const base = LITERAL_CODER * litState;
    let symbol = 1;
    // After a match the byte at rep0 predicts this one, bit by bit, until the first mismatch.
    if (this.state >= LIT_STATES) symbol = this.matchedLiteral(base, this.out.get(this.reps[0]! + 1));
    while (symbol < 0x100) symbol = (symbol << 1) | this.rc.bit(this.literals, base + symbol);
    this.out.put(symbol - 0x100);
    this.state = afterLiteral(this.state);
  }

  private matchedLiteral(base: number, matchByte: number): number {
    let symbol = 1;
    do {
      const matchBit = (matchByte >>> 7) & 1;
      matchByte <<= 1;
      const bit = this.rc.bit(this.literals, base + ((1 + matchBit) << 8) + symbol);
      symbol = (symbol << 1) | bit;
      if (matchBit !== bit) break;
    } while (symbol < 0x100);
    return symbol;
  }

  /** A match at one of the four last distances, or a one-byte "short rep" at rep0. */
  private rep(posState: number): void {
    if (this.out.total === 0) throw new LzmaError('repeated match before any output');
    const s = this.state;
    const reps = this.reps;
    if (this.rc.bit(this.isRepG0, s) === 0) {
      if (this.rc.bit(this.isRep0Long, (s << 4) + posState) === 0) {
        this.spend(1);
        this.state = afterShortRep(s);
        this.out.put(this.out.get(reps[0]! + 1));
        return;
      }
    } else {
      this.rotateReps(s);
    }
    const len = this.repLenDecoder.decode(this.rc, posState);
    this.state = afterRep(s);
    this.copy(len + MATCH_MIN);
  }

  /** Moves rep1, rep2 or rep3 to the front, shifting the ones before it down (the spec's order). */
  private rotateReps(s: number): void {
    const reps = this.reps;
    let dist: number;
    if (this.rc.bit(this.isRepG1, s) === 0) dist = reps[1]!;
    else {
      if (this.rc.bit(this.isRepG2, s) === 0) dist = reps[2]!;
      else {
        dist = reps[3]!;
        reps[3] = reps[2]!;
      }
      reps[2] = reps[1]!;
    }
    reps[1] = reps[0]!;
    reps[0] = dist;
  }

  /** A match at a new distance; returns false at the end marker. */
  private match(posState: number): boolean {
    const reps = this.reps;
    reps[3] = reps[2]!;
    reps[2] = reps[1]!;
    reps[1] = reps[0]!;
    const len = this.lenDecoder.decode(this.rc, posState);
    this.state = afterMatch(this.state);
    const dist = this.distances.decode(this.rc, len);
    if (dist === END_MARKER) {
      if (!this.rc.finishedOk()) throw new LzmaError('data after the end marker in the range coder');
      if (this.sizeKnown && this.remaining !== 0) throw new LzmaError('end marker before the stated size');
      return false;
    }
    reps[0] = dist;
    if (dist >= this.header.dictSize) throw new LzmaError(`match distance ${dist + 1} exceeds the dictionary size`);
    if (dist >= this.out.total) throw new LzmaError(`match distance ${dist + 1} reaches before the output`);
    if (dist >= this.out.reach()) throw new LzmaError(`match distance ${dist + 1} exceeds the decoder's window limit`);
    this.copy(len + MATCH_MIN);
    return true;
  }

  private copy(len: number): void {
    this.spend(len);
    this.out.copy(this.reps[0]! + 1, len);
  }

  /** A symbol that would pass the stated size is corrupt (the marker is the only thing allowed there). */
  private spend(len: number): void {
    if (len > this.remaining) throw new LzmaError('data past the uncompressed size in the header');
    this.remaining -= len;
  }
}
