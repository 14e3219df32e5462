import { z } from 'zod';
import type { ByteSource } from '../io/byte-source.ts';
import { FormatError, UnsupportedLayoutError } from './format-error.ts';
import { isJsonObject, parseStrictJson, type JsonValue } from './strict-json.ts';
import { WindowReader } from './window-reader.ts';

/**
 * MXNet's two files: the `-symbol.json` graph (nnvm's JSON graph, src/nnvm/legacy_json_util.cc upgrades the
 * older `param`/`attr` keys to `attrs`) and the `.params` NDArray list (src/ndarray/ndarray.cc
 * NDArray::Save/Load: list magic 0x112, a reserved word, the arrays, then their names).
 */

// ------------------------------------------------------------------------------------------------ symbol

const Attrs = z.record(z.string(), z.string());
const Entry = z.union([
  z.tuple([z.number().int(), z.number().int()]),
  z.tuple([z.number().int(), z.number().int(), z.number().int()]),
]);

export interface MxNode {
  op: string;
  name: string;
  inputs: [number, number, number?][];
  attrs?: Record<string, string>;
  subgraphs?: MxGraph[];
}

export interface MxGraph {
  nodes: MxNode[];
  arg_nodes: number[];
  heads: [number, number, number?][];
}

const Node: z.ZodType<MxNode> = z.lazy(() =>
  z
    .object({
      op: z.string().max(256),
      name: z.string().max(4096),
      inputs: z.array(Entry).max(100_000),
      attrs: Attrs.optional(),
      attr: Attrs.optional(),
      param: Attrs.optional(),
      control_deps: z.array(z.number().int()).optional(),
      subgraphs: z.array(Graph).max(64).optional(),
    })
    .transform((n) => ({ ...n, attrs: { ...n.param, ...n.attr, ...n.attrs } })),
);

const Graph: z.ZodType<MxGraph> = z.lazy(() =>
  z.object({
    nodes: z.array(Node).max(1_000_000),
    arg_nodes: z.array(z.number().int()).max(1_000_000),
    node_row_ptr: z.array(z.number().int()).optional(),
    heads: z.array(Entry).max(100_000),
    attrs: z.record(z.string(), z.unknown()).optional(),
  }),
);

/** Keys only an MXNet/nnvm graph has at its top level. */
export function looksLikeMxnetSymbol(head: Uint8Array): boolean {
  const text = new TextDecoder().decode(head.subarray(0, 4096));
  return (
    /^\s*\{/.test(text) &&
    /"nodes"\s*:\s*\[/.test(text) &&
    (text.includes('"arg_nodes"') || /"op"\s*:\s*"null"/.test(text))
  );
}

/** Parses and checks the graph: schema (zod), then every reference points to an earlier node. */
export function parseMxnetSymbol(text: string): MxGraph {
  const { value, duplicates } = parseStrictJson(text, { maxDepth: 64 });
  if (duplicates.length > 0)
    throw new FormatError(`the graph repeats the key "${duplicates[0]!.key}" at ${duplicates[0]!.path || '/'}`);
  if (!isJsonObject(value)) throw new FormatError('the symbol file is not a JSON object');
  return checkGraph(parseGraph(value), 'graph');
}

function parseGraph(value: JsonValue): MxGraph {
  const parsed = Graph.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new FormatError(`${issue.path.join('.') || 'graph'}: ${issue.message}`);
  }
  return parsed.data;
}

function checkGraph(graph: MxGraph, where: string): MxGraph {
  const n = graph.nodes.length;
  graph.nodes.forEach((node, i) => {
    for (const [id] of node.inputs) {
      if (id < 0 || id >= i)
        throw new FormatError(`${where} node ${i} (${node.name}) takes input from node ${id}, not an earlier node`);
    }
    node.subgraphs?.forEach((g, j) => checkGraph(g, `${where} node ${i} subgraph ${j}`));
  });
  for (const id of graph.arg_nodes) {
    if (id < 0 || id >= n || graph.nodes[id]!.op !== 'null')
      throw new FormatError(`${where} arg_nodes lists ${id}, which is not a variable node`);
  }
  for (const [id] of graph.heads)
    if (id < 0 || id >= n) throw new FormatError(`${where} heads point to node ${id} of ${n}`);
  return graph;
}

/** Every node of the graph and its subgraphs. */
export function* allNodes(graph: MxGraph): Generator<MxNode> {
  for (const node of graph.nodes) {
    yield node;
    for (const g of node.subgraphs ?? []) yield* allNodes(g);
  }
}

// ------------------------------------------------------------------------------------------------ params

const LIST_MAGIC = 0x112n;
const NDARRAY_V2_MAGIC = 0xf993fac9;
const NDARRAY_V3_MAGIC = 0xf993faca;
/** mshadow type flags → element size (kFloat32 … kBfloat16). */
const TYPE_BYTES = [4, 8, 2, 1, 4, 1, 8, 1, 2, 2, 4, 8, 2];
/** kRowSparseStorage has one aux array (row indices), kCSRStorage two (indptr, indices). */
const AUX_COUNT: Record<number, number> = { 0: 0, 1: 1, 2: 2 };

export interface MxParams {
  arrays: number;
  names: string[];
  elements: number;
}

export interface MxParamsLimits {
  maxArrays: number;
  maxDims: number;
}

const DEFAULT_PARAMS_LIMITS: MxParamsLimits = { maxArrays: 1_000_000, maxDims: 32 };

export function isMxnetParams(head: Uint8Array): boolean {
  if (head.byteLength < 24) return false;
  const v = new DataView(head.buffer, head.byteOffset, head.byteLength);
  if (v.getBigUint64(0, true) !== LIST_MAGIC || v.getBigUint64(8, true) !== 0n) return false;
  const count = v.getBigUint64(16, true);
  if (count > 1n << 32n) return false;
  if (count === 0n || head.byteLength < 28) return true;
  const magic = v.getUint32(24, true);
  return magic === NDARRAY_V2_MAGIC || magic === NDARRAY_V3_MAGIC || magic < 32;
}

class Cursor {
  position = 0;
  private readonly reader: WindowReader;
  constructor(source: ByteSource) {
    this.reader = new WindowReader(source);
  }
  get size(): number {
    return this.reader.size;
  }
  private async view(n: number): Promise<DataView> {
    if (this.position + n > this.reader.size)
      throw new FormatError(
        `needs ${n} bytes at offset ${this.position}, the file ends at ${this.reader.size}`,
        this.position,
      );
    const b = await this.reader.bytes(this.position, n);
    this.position += n;
    return new DataView(b.buffer, b.byteOffset, b.byteLength);
  }
  async u32(): Promise<number> {
    return (await this.view(4)).getUint32(0, true);
  }
  async i32(): Promise<number> {
    return (await this.view(4)).getInt32(0, true);
  }
  async u64(): Promise<number> {
    const v = (await this.view(8)).getBigUint64(0, true);
    if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new FormatError(`size ${v} is out of range`, this.position - 8);
    return Number(v);
  }
  async i64(): Promise<number> {
    const v = (await this.view(8)).getBigInt64(0, true);
    if (v > BigInt(Number.MAX_SAFE_INTEGER) || v < -1n)
      throw new FormatError(`dimension ${v} is out of range`, this.position - 8);
    return Number(v);
  }
  async text(n: number): Promise<string> {
    const v = await this.view(n);
    return new TextDecoder('utf-8', { fatal: false }).decode(new Uint8Array(v.buffer, v.byteOffset, n));
  }
  skip(n: number): void {
    if (!Number.isSafeInteger(n) || n < 0 || this.position + n > this.reader.size)
      throw new FormatError(
        `${n} bytes of array data at offset ${this.position} run past the end of the file`,
        this.position,
      );
    this.position += n;
  }
}

/** Reads the whole list, checking every header and that the data and names end exactly at the end. */
export async function readMxnetParams(source: ByteSource, limits: Partial<MxParamsLimits> = {}): Promise<MxParams> {
  const lim = { ...DEFAULT_PARAMS_LIMITS, ...limits };
  const c = new Cursor(source);
  if ((await c.u64()) !== 0x112) throw new FormatError('not an NDArray list (magic is not 0x112)', 0);
  await c.u64(); // reserved
  const arrays = await c.u64();
  if (arrays > lim.maxArrays) throw new UnsupportedLayoutError(`${arrays} arrays (over ${lim.maxArrays})`);
  let elements = 0;
  for (let i = 0; i < arrays; i++) elements += await ndarray(c, i, lim);
  const count = await c.u64();
  if (count !== 0 && count !== arrays) throw new FormatError(`${count} names for ${arrays} arrays`, c.position - 8);
  const names: string[] = [];
  for (let i = 0; i < count; i++) {
    const n = await c.u64();
    if (n > 65_536) throw new FormatError(`a name of ${n} bytes`, c.position - 8);
    names.push(await c.text(n));
  }
  if (c.position !== c.size) throw new FormatError(`${c.size - c.position} bytes after the names`, c.position);
  return { arrays, names, elements };
}

async function shape(c: Cursor, lim: MxParamsLimits): Promise<number[] | undefined> {
  const ndim = await c.i32();
  if (ndim === -1) return undefined; // V3 unknown shape
  if (ndim < 0 || ndim > lim.maxDims) throw new FormatError(`a shape of ${ndim} dimensions`, c.position - 4);
  const dims: number[] = [];
  for (let i = 0; i < ndim; i++) dims.push(await c.i64());
  return dims;
}

function sizeOf(dims: number[]): number {
  let n = 1;
  for (const d of dims) {
    if (d < 0) throw new FormatError('an array with an unknown dimension holds data');
    n *= d;
  }
  if (!Number.isSafeInteger(n)) throw new FormatError('an array with more elements than can be addressed');
  return n;
}

function typeBytes(flag: number, at: number): number {
  const bytes = TYPE_BYTES[flag];
  if (bytes === undefined) throw new UnsupportedLayoutError(`array data type ${flag} at offset ${at}`);
  return bytes;
}

/** NDArray::Save: magic, storage type, [storage shape], shape, context, type flag, [aux types/shapes], data. */
async function ndarray(c: Cursor, index: number, lim: MxParamsLimits): Promise<number> {
  const at = c.position;
  const magic = await c.u32();
  if (magic !== NDARRAY_V2_MAGIC && magic !== NDARRAY_V3_MAGIC)
    throw new UnsupportedLayoutError(`array ${index} uses the pre-1.0 layout (no V2/V3 magic at offset ${at})`);
  const stype = await c.i32();
  const aux = AUX_COUNT[stype];
  if (aux === undefined) throw new FormatError(`array ${index} has storage type ${stype}`, at);
  const storage = aux > 0 ? await shape(c, lim) : undefined;
  const dims = await shape(c, lim);
  if (dims === undefined || (magic === NDARRAY_V2_MAGIC && dims.length === 0)) return 0; // is_none(): nothing follows
  const devType = await c.i32();
  await c.i32(); // device id
  if (devType < 1 || devType > 6) throw new FormatError(`array ${index} has device type ${devType}`, c.position - 8);
  const flag = await c.i32();
  const auxShapes: { bytes: number; dims: number[] }[] = [];
  for (let i = 0; i < aux; i++) {
    const t = await c.i32();
    auxShapes.push({ bytes: typeBytes(t, c.position - 4), dims: (await shape(c, lim)) ?? [] });
  }
  const count = sizeOf(storage ?? dims);
  c.skip(count * typeBytes(flag, at));
  for (const a of auxShapes) c.skip(sizeOf(a.dims) * a.bytes);
  return count;
}
