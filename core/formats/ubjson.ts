import { FormatError, UnsupportedLayoutError } from './format-error.ts';
import type { DuplicateKey, JsonObject, JsonValue } from './strict-json.ts';

/**
 * A bounded reader of Universal Binary JSON (https://ubjson.org/type-reference/, draft 12), the encoding of
 * XGBoost's `.ubj` models (src/common/json.cc, UBJReader/UBJWriter): big-endian numbers, strings as a length
 * (any integer type) plus UTF-8, and the optimized containers `[$t#n` / `{$t#n` that XGBoost uses for its
 * typed arrays. Like strict-json it records repeated keys, builds prototype-less objects and caps depth and
 * value count; a high-precision number ('H') is not interpreted (UnsupportedLayoutError).
 */
export interface UbjsonLimits {
  maxDepth: number;
  /** Values of all containers together, typed-array elements included. */
  maxNodes: number;
  maxStringBytes: number;
}

export interface UbjsonResult {
  value: JsonValue;
  duplicates: DuplicateKey[];
}

const DEFAULT_LIMITS: UbjsonLimits = { maxDepth: 64, maxNodes: 20_000_000, maxStringBytes: 16 << 20 };
const FIXED_SIZE: Record<string, number> = { i: 1, U: 1, I: 2, l: 4, L: 8, d: 4, D: 8, C: 1 };

export function parseUbjson(bytes: Uint8Array, limits: Partial<UbjsonLimits> = {}): UbjsonResult {
  const reader = new UbjReader(bytes, { ...DEFAULT_LIMITS, ...limits });
  const value = reader.value(reader.marker(), 0, '');
  if (reader.pos !== bytes.byteLength) throw new FormatError('bytes follow the UBJSON value', reader.pos);
  return { value, duplicates: reader.duplicates };
}

class UbjReader {
  pos = 0;
  nodes = 0;
  readonly duplicates: DuplicateKey[] = [];
  private readonly view: DataView;
  private readonly utf8 = new TextDecoder('utf-8', { fatal: true });

  constructor(
    private readonly bytes: Uint8Array,
    private readonly limits: UbjsonLimits,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  /** The next type marker, skipping no-ops ('N'). */
  marker(): string {
    let m: string;
    do m = String.fromCharCode(this.byte());
    while (m === 'N');
    return m;
  }

  value(marker: string, depth: number, path: string): JsonValue {
    if (++this.nodes > this.limits.maxNodes)
      throw new FormatError(`more than ${this.limits.maxNodes} values`, this.pos);
    switch (marker) {
      case 'Z':
        return null;
      case 'T':
        return true;
      case 'F':
        return false;
      case 'S':
        return this.string();
      case 'H':
        throw new UnsupportedLayoutError('a high-precision number (H) is not interpreted');
      case '[':
        return this.array(depth + 1, path);
      case '{':
        return this.object(depth + 1, path);
      default:
        if (marker in FIXED_SIZE) return this.scalar(marker);
        throw new FormatError(`unknown UBJSON marker 0x${marker.charCodeAt(0).toString(16)}`, this.pos - 1);
    }
  }

  private scalar(marker: string): number | string {
    const at = this.take(FIXED_SIZE[marker]!);
    const v = this.view;
    switch (marker) {
      case 'i':
        return v.getInt8(at);
      case 'U':
        return v.getUint8(at);
      case 'I':
        return v.getInt16(at);
      case 'l':
        return v.getInt32(at);
      case 'L': {
        const n = v.getBigInt64(at);
        if (n > BigInt(Number.MAX_SAFE_INTEGER) || n < BigInt(Number.MIN_SAFE_INTEGER)) {
          throw new FormatError('a 64-bit integer is outside the exact range of a double', at);
        }
        return Number(n);
      }
      case 'd':
        return v.getFloat32(at);
      case 'D':
        return v.getFloat64(at);
      default:
        return String.fromCharCode(v.getUint8(at));
    }
  }

  /** A length or count: any integer type, not negative. */
  private length(): number {
    const at = this.pos;
    const m = this.marker();
    if (!'iUIlL'.includes(m)) throw new FormatError(`a length has type '${m}', not an integer`, at);
    const n = this.scalar(m) as number;
    if (n < 0) throw new FormatError(`negative length ${n}`, at);
    return n;
  }

  private string(): string {
    const n = this.length();
    if (n > this.limits.maxStringBytes) throw new FormatError(`a ${n}-byte string is over the limit`, this.pos);
    const at = this.take(n);
    try {
      return this.utf8.decode(this.bytes.subarray(at, at + n));
    } catch {
      throw new FormatError('a string is not UTF-8', at);
    }
  }

  /** `$type` and `#count` of an optimized container; a type requires a count (spec: "Optimized Format"). */
  private header(): { type: string | null; count: number | null } {
    let type: string | null = null;
    if (this.peek() === '$') {
      this.pos++;
      type = String.fromCharCode(this.byte());
      if (this.peek() !== '#') throw new FormatError('a typed container has no count', this.pos);
    }
    let count: number | null = null;
    if (this.peek() === '#') {
      this.pos++;
      count = this.length();
      if (this.nodes + count > this.limits.maxNodes) throw new FormatError(`a container of ${count} values`, this.pos);
      // Each element takes at least one byte unless its type carries no payload (Z, T, F).
      if (!(type !== null && 'ZTFN'.includes(type)) && count > this.bytes.byteLength - this.pos) {
        throw new FormatError(`a container of ${count} values is longer than the file`, this.pos);
      }
    }
    return { type, count };
  }

  private array(depth: number, path: string): JsonValue[] {
    this.deep(depth);
    const { type, count } = this.header();
    const out: JsonValue[] = [];
    if (count !== null) {
      for (let k = 0; k < count; k++) out.push(this.value(type ?? this.marker(), depth, path));
      return out;
    }
    for (let m = this.marker(); m !== ']'; m = this.marker()) out.push(this.value(m, depth, path));
    return out;
  }

  private object(depth: number, path: string): JsonObject {
    this.deep(depth);
    const { type, count } = this.header();
    const out = Object.create(null) as JsonObject;
    const entry = () => {
      const keyAt = this.pos;
      const key = this.string();
      if (key in out) this.duplicates.push({ path, key, offset: keyAt });
      out[key] = this.value(type ?? this.marker(), depth, `${path}/${key}`);
    };
    if (count !== null) {
      for (let k = 0; k < count; k++) entry();
      return out;
    }
    while (this.peek() !== '}') {
      if (this.peek() === 'N') this.pos++;
      else entry();
    }
    this.pos++;
    return out;
  }

  private deep(depth: number): void {
    if (depth > this.limits.maxDepth) throw new FormatError(`nesting deeper than ${this.limits.maxDepth}`, this.pos);
  }

  private peek(): string {
    if (this.pos >= this.bytes.byteLength) throw new FormatError('the UBJSON value is truncated', this.pos);
    return String.fromCharCode(this.bytes[this.pos]!);
  }

  private byte(): number {
    return this.bytes[this.take(1)]!;
  }

  private take(n: number): number {
    const at = this.pos;
    if (at + n > this.bytes.byteLength) throw new FormatError('the UBJSON value is truncated', at);
    this.pos += n;
    return at;
  }
}
