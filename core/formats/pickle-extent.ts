import type { ByteSource } from '../io/byte-source.ts';
import { OPCODE_BY_CODE } from './pickle/opcodes.ts';

/**
 * Where one pickle ends, found by walking opcode lengths through a ByteSource: the legacy torch stream
 * is several pickles back to back (techniques 9–11) and each must be handed to the pickle scanner.
 * Length-prefixed arguments are skipped, never read, so a multi-GB BINBYTES costs nothing.
 */

const WINDOW = 64 << 10;
const MAX_LINE = 1 << 20;

export class PickleExtentError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

class Window {
  private base = 0;
  private buf: Uint8Array = new Uint8Array(0);
  constructor(private readonly source: ByteSource) {}
  async bytes(pos: number, n: number): Promise<Uint8Array> {
    if (pos < this.base || pos + n > this.base + this.buf.byteLength) {
      this.buf = await this.source.read(pos, Math.max(n, WINDOW));
      this.base = pos;
    }
    if (pos + n > this.base + this.buf.byteLength) throw new PickleExtentError('pickle truncated', pos);
    return this.buf.subarray(pos - this.base, pos - this.base + n);
  }
  /** Offset just past the next "\n" at or after pos. */
  async lineEnd(pos: number): Promise<number> {
    for (let at = pos; at - pos < MAX_LINE;) {
      const chunk = await this.source.read(at, WINDOW);
      if (chunk.byteLength === 0) break;
      const nl = chunk.indexOf(0x0a);
      if (nl >= 0) return at + nl + 1;
      at += chunk.byteLength;
    }
    throw new PickleExtentError('unterminated text argument', pos);
  }
}

function uint(b: Uint8Array): number {
  let v = 0;
  for (let i = b.byteLength - 1; i >= 0; i--) v = v * 256 + b[i]!;
  return v;
}

const FIXED: Record<string, number> = { none: 0, u1: 1, u2: 2, i4: 4, u4: 4, u8: 8, f8: 8 };
const PREFIXED: Record<string, number> = {
  long1: 1,
  'bytes-u1': 1,
  long4: 4,
  'bytes-u4': 4,
  'bytes-i4': 4,
  'bytes-u8': 8,
};

/** Offset just past the STOP of the pickle starting at `start`; throws PickleExtentError. */
export async function pickleEnd(source: ByteSource, start: number, maxOps = 10_000_000): Promise<number> {
  const window = new Window(source);
  let pos = start;
  for (let ops = 0; ops < maxOps; ops++) {
    const code = (await window.bytes(pos, 1))[0]!;
    const info = OPCODE_BY_CODE[code];
    if (!info) throw new PickleExtentError(`invalid opcode 0x${code.toString(16)}`, pos);
    pos += 1;
    if (info.arg in FIXED) pos += FIXED[info.arg]!;
    else if (info.arg in PREFIXED) {
      const width = PREFIXED[info.arg]!;
      const length = uint(await window.bytes(pos, width));
      if ((info.arg === 'bytes-i4' || info.arg === 'long4') && length >= 0x80000000) {
        throw new PickleExtentError('negative length', pos);
      }
      pos += width + length;
    } else {
      pos = await window.lineEnd(pos);
      if (info.arg === 'two-lines') pos = await window.lineEnd(pos);
    }
    if (pos > source.size) throw new PickleExtentError('pickle truncated', pos);
    if (info.name === 'STOP') return pos;
  }
  throw new PickleExtentError(`more than ${maxOps} opcodes`, pos);
}
