import type { ByteSource } from '../io/byte-source.ts';
import { FormatError } from './format-error.ts';
import { MsgpackCursor, type Fetch, type MsgpackToken } from './msgpack-cursor.ts';
import { WindowReader } from './window-reader.ts';

/**
 * Reader of Flax msgpack files (`flax.serialization.to_bytes` / `msgpack_serialize`, and the legacy
 * `flax.training.checkpoints.save_checkpoint` file): one msgpack map whose leaves are ext values. From
 * flax/serialization.py: ext 1 = ndarray, ext 2 = native complex, ext 3 = numpy scalar; an array payload is
 * the msgpack of (shape, dtype name, row-major bytes); arrays over 2**30 bytes are split into a map with the
 * key `__msgpack_chunked_array__` whose `shape` and `chunks` maps number their entries "0", "1", …
 *
 * The reader walks the whole tree through windows (payloads are located, never held) and reports every leaf
 * that the loader would not turn into plain data exactly; it throws FormatError where the loader's msgpack
 * unpacking itself would fail.
 */

export const FLAX_EXT = { ndarray: 1, complex: 2, npscalar: 3 } as const;

/** Why a leaf is not plain data Flax writes, for the scanner to pick the finding code. */
export type FlaxIssueKind =
  | 'bad-array' // the loader's numpy reshape fails: shape × itemsize ≠ buffer, or a payload that is not (shape, dtype, bytes)
  | 'unknown-dtype' // a dtype name outside the numeric ones Flax writes
  | 'unknown-ext' // an ext code Flax does not define: msgpack_restore hands back a raw ExtType
  | 'bad-complex' // a complex payload that is not (real, imag)
  | 'bad-chunked' // a chunked-array map the loader cannot reassemble
  | 'odd-layout' // something the loader reads but Flax never writes (non-string keys, a text buffer)
  | 'limit'; // past the reader's bounds: the rest was not checked

export interface FlaxIssue {
  kind: FlaxIssueKind;
  detail: string;
  offset: number;
  path: string;
}

/** A bytes leaf: Flax hands it back untouched, but code that stored a pickle there unpickles it. */
export interface FlaxBytesLeaf {
  path: string;
  offset: number;
  length: number;
}

export interface FlaxTree {
  arrays: number;
  /** Bytes of array data whose shape and dtype were checked. */
  arrayBytes: number;
  leaves: number;
  issues: FlaxIssue[];
  bytesLeaves: FlaxBytesLeaf[];
}

export interface FlaxLimits {
  maxDepth: number;
  maxNodes: number;
  /** Map keys and text leaves longer than this are not decoded (a limit issue). */
  maxStringBytes: number;
}

export const FLAX_LIMITS: FlaxLimits = { maxDepth: 64, maxNodes: 2_000_000, maxStringBytes: 1 << 20 };

/**
 * dtype names (numpy's `dtype.name`, what Flax writes) and their item sizes. `bfloat16` is special-cased by
 * flax's `_dtype_from_name`; the rest go to `np.dtype(name)`. Platform-dependent (`float128`), object, string
 * and structured dtypes are left out: an array of them is not something Flax writes.
 */
export const FLAX_DTYPES: ReadonlyMap<string, number> = new Map([
  ['bool', 1],
  ['int8', 1],
  ['uint8', 1],
  ['int16', 2],
  ['uint16', 2],
  ['int32', 4],
  ['uint32', 4],
  ['int64', 8],
  ['uint64', 8],
  ['float16', 2],
  ['bfloat16', 2],
  ['float32', 4],
  ['float64', 8],
  ['complex64', 8],
  ['complex128', 16],
]);

/** numpy's limit on dimensions (NPY_MAXDIMS in numpy 2). */
const MAX_DIMS = 64;
const CHUNKED_KEY = '__msgpack_chunked_array__';
const WINDOW = 64 << 10;

/** What the walk keeps of a value: enough to check a chunked-array map, nothing of the tensor bytes. */
type Node =
  | { kind: 'map'; entries: Map<string, Node> }
  | { kind: 'array'; dtype: string; shape: number[]; offset: number }
  | { kind: 'int'; value: number }
  | { kind: 'other' };

const utf8 = new TextDecoder('utf-8', { fatal: true });

export async function readFlaxMsgpack(source: ByteSource, limits: FlaxLimits = FLAX_LIMITS): Promise<FlaxTree> {
  // Small windows: the walk jumps over each array's bytes, so a large window would mostly read tensor data.
  const reader = new WindowReader(source, WINDOW);
  const fetch: Fetch = (offset, length) => reader.bytes(offset, length);
  const walk = new FlaxWalk(fetch, limits);
  const cursor = new MsgpackCursor(fetch, 0, source.size);
  const top = await cursor.next();
  if (top.kind !== 'map') throw new FormatError('the file does not start with a msgpack map', 0);
  await walk.map(cursor, top, '', 1);
  if (cursor.pos !== source.size) {
    // msgpack.unpackb raises ExtraData on anything after the first value.
    throw new FormatError(`${source.size - cursor.pos} bytes follow the tree`, cursor.pos, 'trailing');
  }
  return walk.tree;
}

class FlaxWalk {
  readonly tree: FlaxTree = { arrays: 0, arrayBytes: 0, leaves: 0, issues: [], bytesLeaves: [] };
  private nodes = 0;

  constructor(
    private readonly fetch: Fetch,
    private readonly limits: FlaxLimits,
  ) {}

  private issue(kind: FlaxIssueKind, detail: string, offset: number, path: string): void {
    if (this.tree.issues.length < 100) this.tree.issues.push({ kind, detail, offset, path });
  }

  async value(cursor: MsgpackCursor, path: string, depth: number): Promise<Node> {
    if (++this.nodes > this.limits.maxNodes) {
      throw new LimitReached(`more than ${this.limits.maxNodes} values`, cursor.pos, path);
    }
    const token = await cursor.next();
    switch (token.kind) {
      case 'map':
        return this.map(cursor, token, path, depth + 1);
      case 'array':
        return this.list(cursor, token, path, depth + 1);
      case 'ext':
        this.tree.leaves++;
        return this.ext(token, path);
      case 'bin':
        this.tree.leaves++;
        this.tree.bytesLeaves.push({ path, offset: token.dataAt, length: token.length });
        return { kind: 'other' };
      case 'str':
        this.tree.leaves++;
        await this.text(cursor, token, path);
        return { kind: 'other' };
      case 'int':
        this.tree.leaves++;
        return { kind: 'int', value: Number(token.value) };
      default:
        this.tree.leaves++;
        return { kind: 'other' };
    }
  }

  async map(
    cursor: MsgpackCursor,
    token: { count: number; offset: number },
    path: string,
    depth: number,
  ): Promise<Node> {
    this.checkDepth(depth, token.offset, path);
    const entries = new Map<string, Node>();
    for (let i = 0; i < token.count; i++) {
      const key = await this.key(cursor, path);
      const child = await this.value(cursor, path ? `${path}/${key}` : key, depth);
      entries.set(key, child);
    }
    if (entries.has(CHUNKED_KEY)) return this.chunked(entries, token.offset, path);
    return { kind: 'map', entries };
  }

  private async list(
    cursor: MsgpackCursor,
    token: { count: number; offset: number },
    path: string,
    depth: number,
  ): Promise<Node> {
    this.checkDepth(depth, token.offset, path);
    for (let i = 0; i < token.count; i++) await this.value(cursor, `${path}[${i}]`, depth);
    return { kind: 'other' };
  }

  private checkDepth(depth: number, offset: number, path: string): void {
    if (depth > this.limits.maxDepth)
      throw new LimitReached(`nested deeper than ${this.limits.maxDepth}`, offset, path);
  }

  /** Keys Flax writes are strings; msgpack_restore also takes other scalars (strict_map_key=False). */
  private async key(cursor: MsgpackCursor, path: string): Promise<string> {
    const token = await cursor.next();
    if (token.kind === 'str') {
      if (token.length > this.limits.maxStringBytes) {
        throw new LimitReached(`a key of ${token.length} bytes`, token.offset, path);
      }
      return decodeText(await cursor.payloadBytes(token), token.offset);
    }
    if (token.kind === 'map' || token.kind === 'array') {
      // Python cannot hash a dict or list key: unpacking fails.
      throw new FormatError(`a ${token.kind} used as a map key at offset ${token.offset}`, token.offset);
    }
    this.issue('odd-layout', `a ${token.kind} map key (Flax writes string keys)`, token.offset, path);
    return `(${token.kind} key at ${token.offset})`;
  }

  private async text(cursor: MsgpackCursor, token: MsgpackToken & { kind: 'str' }, path: string): Promise<void> {
    if (token.length > this.limits.maxStringBytes) {
      this.issue('limit', `a text leaf of ${token.length} bytes was not decoded`, token.offset, path);
      return;
    }
    decodeText(await cursor.payloadBytes(token), token.offset);
  }

  private async ext(token: MsgpackToken & { kind: 'ext' }, path: string): Promise<Node> {
    if (token.type === FLAX_EXT.ndarray || token.type === FLAX_EXT.npscalar) return this.ndarray(token, path);
    if (token.type === FLAX_EXT.complex) {
      await this.complex(token, path);
      return { kind: 'other' };
    }
    this.issue('unknown-ext', `ext type ${token.type} (${token.length} bytes)`, token.offset, path);
    return { kind: 'other' };
  }

  /** (shape, dtype name, bytes), decoded as `_ndarray_from_bytes` does: np.frombuffer(...).reshape(shape). */
  private async ndarray(token: MsgpackToken & { kind: 'ext' }, path: string): Promise<Node> {
    const at = token.offset;
    const header = await this.arrayHeader(token, path);
    if (!header) return { kind: 'other' };
    const { shape, dtype, bufferLength } = header;
    this.tree.arrays++;
    const itemsize = FLAX_DTYPES.get(dtype);
    if (itemsize === undefined) {
      this.issue('unknown-dtype', `dtype ${JSON.stringify(dtype)} is not one Flax writes`, at, path);
      return { kind: 'other' };
    }
    const count = shape.reduce((a, b) => a * b, 1);
    if (count * itemsize !== bufferLength) {
      const want = `shape [${shape.join(', ')}] of ${dtype} needs ${count * itemsize} bytes`;
      this.issue('bad-array', `${want}, the buffer has ${bufferLength}`, at, path);
      return { kind: 'other' };
    }
    this.tree.arrayBytes += bufferLength;
    return { kind: 'array', dtype, shape, offset: at };
  }

  private async arrayHeader(
    token: MsgpackToken & { kind: 'ext' },
    path: string,
  ): Promise<{ shape: number[]; dtype: string; bufferLength: number } | undefined> {
    const bad = (why: string) => {
      this.issue('bad-array', `array payload: ${why}`, token.offset, path);
      return undefined;
    };
    const inner = new MsgpackCursor(this.fetch, token.dataAt, token.dataAt + token.length);
    try {
      const outer = await inner.next();
      if (outer.kind !== 'array' || outer.count !== 3) return bad('not a (shape, dtype, bytes) triple');
      const dims = await inner.next();
      if (dims.kind !== 'array' || dims.count > MAX_DIMS) return bad('the shape is not a list of up to 64 sizes');
      const shape: number[] = [];
      for (let i = 0; i < dims.count; i++) {
        const d = await inner.next();
        if (d.kind !== 'int' || typeof d.value !== 'number' || d.value < 0) return bad('a size is not a count');
        shape.push(d.value);
      }
      const name = await inner.next();
      if ((name.kind !== 'str' && name.kind !== 'bin') || name.length > 64) return bad('the dtype is not a name');
      const dtype = new TextDecoder('latin1').decode(await inner.payloadBytes(name));
      const buffer = await inner.next();
      if (buffer.kind === 'str') this.issue('odd-layout', 'the array bytes are a msgpack str', buffer.offset, path);
      else if (buffer.kind !== 'bin') return bad('the data is not bytes');
      if (inner.pos !== inner.end) return bad(`${inner.end - inner.pos} bytes follow the triple`);
      return { shape, dtype, bufferLength: buffer.length };
    } catch (error) {
      if (error instanceof FormatError) return bad(error.message);
      throw error;
    }
  }

  /** `msgpack.unpackb(data)` then `complex(t[0], t[1])`: two numbers, nothing after. */
  private async complex(token: MsgpackToken & { kind: 'ext' }, path: string): Promise<void> {
    const inner = new MsgpackCursor(this.fetch, token.dataAt, token.dataAt + token.length);
    const numeric = (t: MsgpackToken) => t.kind === 'int' || t.kind === 'float';
    try {
      const pair = await inner.next();
      const ok =
        pair.kind === 'array' && pair.count === 2 && numeric(await inner.next()) && numeric(await inner.next());
      if (ok && inner.pos === inner.end) return;
    } catch (error) {
      if (!(error instanceof FormatError)) throw error;
    }
    this.issue('bad-complex', 'a complex leaf is not a (real, imag) pair', token.offset, path);
  }

  /**
   * `_unchunk`: shape = entries "0".."n-1" of `shape`, the array = np.concatenate of `chunks` "0".."m-1",
   * reshaped. Anything else makes the loader raise.
   */
  private chunked(entries: Map<string, Node>, offset: number, path: string): Node {
    const fail = (why: string): Node => {
      this.issue('bad-chunked', `chunked array: ${why}`, offset, path);
      return { kind: 'other' };
    };
    const shapeNode = entries.get('shape');
    const chunksNode = entries.get('chunks');
    if (shapeNode?.kind !== 'map' || chunksNode?.kind !== 'map') return fail('no shape or chunks map');
    const shape = numbered(shapeNode.entries).map((n) => (n?.kind === 'int' && n.value >= 0 ? n.value : -1));
    if (shape.includes(-1)) return fail('the shape is not numbered sizes');
    const chunks = numbered(chunksNode.entries);
    const dtype = chunks[0]?.kind === 'array' ? chunks[0].dtype : undefined;
    if (dtype === undefined || chunks.some((c) => c?.kind !== 'array' || c.dtype !== dtype || c.shape.length !== 1)) {
      return fail('the chunks are not numbered flat arrays of one dtype');
    }
    const total = chunks.reduce((sum, c) => sum + (c?.kind === 'array' ? (c.shape[0] ?? 0) : 0), 0);
    if (total !== shape.reduce((a, b) => a * b, 1)) return fail(`${total} elements do not fill [${shape.join(', ')}]`);
    return { kind: 'array', dtype, shape, offset };
  }
}

/** Entries "0", "1", … in order, as `_dict_to_tuple` reads them; undefined where one is missing. */
function numbered(entries: Map<string, Node>): (Node | undefined)[] {
  return Array.from({ length: entries.size }, (_, i) => entries.get(String(i)));
}

/** Python's msgpack (raw=False) decodes str as strict UTF-8 and fails on anything else. */
function decodeText(bytes: Uint8Array, offset: number): string {
  try {
    return utf8.decode(bytes);
  } catch {
    throw new FormatError(`the text at offset ${offset} is not valid UTF-8`, offset);
  }
}

/** The walk stopped at one of its bounds: what lies beyond was not checked. */
export class LimitReached extends Error {
  constructor(
    message: string,
    readonly offset: number,
    readonly path: string,
  ) {
    super(message);
    this.name = 'LimitReached';
  }
}
