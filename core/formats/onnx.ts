import type { ByteSource } from '../io/byte-source.ts';
import { FormatError } from './format-error.ts';
import { readInt64s, readString, walkMessage, type WireField } from './protobuf-wire.ts';
import { WindowReader } from './window-reader.ts';

/**
 * ONNX ModelProto reader (onnx/onnx.proto3) over the protobuf wire walker: it descends only into the
 * fields the scanner needs (opsets, graph nodes and their domains, initializers and their external data,
 * inputs/outputs, metadata, local functions, subgraphs in attributes) and skips tensor payloads by length.
 */

export interface OnnxExternalData {
  tensor: string;
  /** The raw `location` value, unvalidated. */
  location?: string;
  offset?: string;
  length?: string;
  /** Where the TensorProto sits in the file. */
  at: number;
  sparse: boolean;
}

/** A main-graph initializer as the weight diff needs it (collected only when asked: readOnnxModel options). */
export interface OnnxInitializer {
  name: string;
  dims: number[];
  /** TensorProto.DataType: 1 FLOAT, 10 FLOAT16, 16 BFLOAT16, ... */
  dataType: number;
  /** `raw_data` payload inside the .onnx file, located but not read. */
  raw?: { start: number; length: number };
  /** `external_data` key/value entries (location, offset, length, checksum). */
  external: { key: string; value: string }[];
  /** data_location == EXTERNAL. */
  externalLocation: boolean;
  /** Values are in a typed repeated field (float_data, int32_data, ...) rather than raw_data. */
  typedData: boolean;
  /** Where the TensorProto sits in the file. */
  at: number;
}

export interface OnnxNodeRef {
  domain: string;
  opType: string;
  at: number;
}

/** A graph input or output with its tensor type (ValueInfoProto), for the behavioral run's feeds. */
export interface OnnxValueInfo {
  name: string;
  /** TensorProto.DataType of a tensor type; 0 when not a tensor or not given. */
  elemType: number;
  /** Each dimension: a number (dim_value), a symbolic name (dim_param) or null (unknown); null when no shape. */
  dims: (number | string | null)[] | null;
}

export interface OnnxModel {
  irVersion?: number;
  producer?: string;
  hasGraph: boolean;
  opsets: { domain: string; version: number }[];
  inputs: string[];
  outputs: string[];
  /** Main-graph inputs and outputs with types and shapes, in the order of `inputs` / `outputs`. */
  inputInfo?: OnnxValueInfo[];
  outputInfo?: OnnxValueInfo[];
  nodeCount: number;
  /** Nodes of non-default domains, first occurrence per (domain, op type). */
  domainNodes: OnnxNodeRef[];
  /** Model-local functions (domain, name): nodes calling them run in-file code, not host code. */
  functions: { domain: string; name: string }[];
  initializerCount: number;
  /** Bytes of initializers: inline payload lengths, external `length` values or dims × element size. */
  initializerBytes: number;
  externalData: OnnxExternalData[];
  metadata: { key: string; value: string }[];
  /** True when subgraphs nested beyond MAX_GRAPH_DEPTH were skipped. */
  truncated: boolean;
  /** Main-graph initializers, present only when readOnnxModel was asked for them. */
  initializers?: OnnxInitializer[];
}

export interface ReadOnnxOptions {
  /** Collect main-graph initializers (name, dims, type, payload location) into `initializers`. */
  initializers?: boolean;
}

export const MAX_GRAPH_DEPTH = 32;
const MAX_NAME = 1 << 16;
const MAX_LIST = 256;
/** Initializers collected for the weight diff; large LLM exports have a few thousand. */
const MAX_INITIALIZERS = 1 << 20;
/** Bytes per element of TensorProto.DataType, for sizing tensors without a payload. */
const ELEMENT_BYTES: Record<number, number> = {
  1: 4,
  2: 1,
  3: 1,
  4: 2,
  5: 2,
  6: 4,
  7: 8,
  9: 1,
  10: 2,
  11: 8,
  12: 4,
  13: 8,
  14: 8,
  15: 16,
  16: 2,
};

/**
 * ModelProto starts with ir_version (field 1, varint) followed by a typical field tag. When that is field 2,
 * it is producer_name, a string: a TensorFlow SavedModel also starts `08 01 12`, but its field 2 is a
 * MetaGraphDef message, whose first byte is a tag (a control character), not text.
 */
export function looksLikeOnnx(head: Uint8Array): boolean {
  if (head.byteLength < 3 || head[0] !== 0x08) return false;
  const ir = head[1] ?? 0;
  const next = head[2] ?? 0;
  if (!(ir >= 1 && ir <= 30 && [0x12, 0x1a, 0x22, 0x28, 0x32, 0x3a, 0x42, 0x72].includes(next))) return false;
  return next !== 0x12 || producerIsText(head);
}

/** The producer_name after `08 ir 12`: its length varint, then text (no control characters) as far as `head` goes. */
function producerIsText(head: Uint8Array): boolean {
  let length = 0;
  let pos = 3;
  for (let shift = 0; pos < head.byteLength && shift < 35; shift += 7) {
    const b = head[pos++]!;
    length += (b & 0x7f) * 2 ** shift;
    if ((b & 0x80) === 0) break;
  }
  const text = head.subarray(pos, Math.min(head.byteLength, pos + length));
  return text.every((b) => b >= 0x20 && b !== 0x7f);
}

export async function readOnnxModel(source: ByteSource, options: ReadOnnxOptions = {}): Promise<OnnxModel> {
  const r = new WindowReader(source);
  const m: OnnxModel = {
    hasGraph: false, opsets: [], inputs: [], outputs: [], inputInfo: [], outputInfo: [], nodeCount: 0, domainNodes: [], functions: [],
    initializerCount: 0, initializerBytes: 0, externalData: [], metadata: [], truncated: false,
  }; // prettier-ignore
  if (options.initializers) m.initializers = [];
  const w = new OnnxWalker(r, m);
  await walkMessage(r, 0, source.size, (f) => w.model(f));
  return m;
}

class OnnxWalker {
  private readonly seenDomainOps = new Set<string>();

  constructor(
    private readonly r: WindowReader,
    private readonly m: OnnxModel,
  ) {}

  private str(f: WireField): Promise<string> {
    return readString(this.r, f, MAX_NAME);
  }

  private sub(f: WireField, visit: (g: WireField) => Promise<void> | void): Promise<void> {
    if (f.wire !== 2) throw new FormatError(`field ${f.no} at ${f.at} should be a message`, f.at);
    return walkMessage(this.r, f.start, f.end, visit);
  }

  async model(f: WireField): Promise<void> {
    if (f.no === 1 && f.wire === 0) this.m.irVersion = Number(f.varint);
    else if (f.no === 2) this.m.producer = await this.str(f);
    else if (f.no === 7) {
      this.m.hasGraph = true;
      await this.graph(f, 1);
    } else if (f.no === 8) this.m.opsets.push(await this.opset(f));
    else if (f.no === 14) this.m.metadata.push(await this.entry(f));
    else if (f.no === 20) await this.sub(f, (g) => (g.no === 1 || g.no === 3 ? this.graph(g, 2) : undefined));
    else if (f.no === 25) await this.func(f);
  }

  private async opset(f: WireField): Promise<{ domain: string; version: number }> {
    const o = { domain: '', version: 0 };
    await this.sub(f, async (g) => {
      if (g.no === 1) o.domain = await this.str(g);
      else if (g.no === 2 && g.wire === 0) o.version = Number(BigInt.asIntN(64, g.varint));
    });
    return o;
  }

  private async entry(f: WireField): Promise<{ key: string; value: string }> {
    const e = { key: '', value: '' };
    await this.sub(f, async (g) => {
      if (g.no === 1) e.key = await this.str(g);
      else if (g.no === 2) e.value = await this.str(g);
    });
    return e;
  }

  private async graph(f: WireField, depth: number): Promise<void> {
    if (depth > MAX_GRAPH_DEPTH) {
      this.m.truncated = true;
      return;
    }
    await this.sub(f, async (g) => {
      if (g.no === 1) await this.node(g, depth);
      else if (g.no === 5) await this.tensor(g, false, true, depth === 1);
      else if (g.no === 15) await this.sparse(g, true);
      else if ((g.no === 11 || g.no === 12) && depth === 1) {
        const list = g.no === 11 ? this.m.inputs : this.m.outputs;
        const info = await this.valueInfo(g);
        if (list.length < MAX_LIST) {
          list.push(info.name);
          (g.no === 11 ? this.m.inputInfo : this.m.outputInfo)?.push(info);
        }
      }
    });
  }

  /** ValueInfoProto: name (1), type (2: TypeProto.tensor_type (1): elem_type (1), shape (2): dim (1)). */
  private async valueInfo(f: WireField): Promise<OnnxValueInfo> {
    const info: OnnxValueInfo = { name: '', elemType: 0, dims: null };
    await this.sub(f, async (g) => {
      if (g.no === 1) info.name = await this.str(g);
      else if (g.no === 2 && g.wire === 2)
        await this.sub(g, (t) =>
          t.no === 1 && t.wire === 2
            ? this.sub(t, async (tt) => {
                if (tt.no === 1 && tt.wire === 0) info.elemType = Number(tt.varint);
                else if (tt.no === 2 && tt.wire === 2) {
                  const dims: (number | string | null)[] = [];
                  info.dims = dims;
                  await this.sub(tt, async (d) => {
                    if (d.no === 1 && d.wire === 2 && dims.length < 64) dims.push(await this.dimension(d));
                  });
                }
              })
            : undefined,
        );
    });
    return info;
  }

  private async dimension(f: WireField): Promise<number | string | null> {
    let dim: number | string | null = null;
    await this.sub(f, async (g) => {
      if (g.no === 1 && g.wire === 0) dim = Number(BigInt.asIntN(64, g.varint));
      else if (g.no === 2) dim = await this.str(g);
    });
    return dim;
  }

  private async node(f: WireField, depth: number): Promise<void> {
    this.m.nodeCount++;
    let domain = '';
    let opType = '';
    await this.sub(f, async (g) => {
      if (g.no === 4) opType = await this.str(g);
      else if (g.no === 7) domain = await this.str(g);
      else if (g.no === 5) await this.attribute(g, depth);
    });
    const key = `${domain}\u0000${opType}`;
    if (domain !== '' && !this.seenDomainOps.has(key) && this.m.domainNodes.length < MAX_LIST) {
      this.seenDomainOps.add(key);
      this.m.domainNodes.push({ domain, opType, at: f.at });
    }
  }

  /** Attributes hold subgraphs (If/Loop/Scan bodies) and tensors, which may themselves point to external data. */
  private attribute(f: WireField, depth: number): Promise<void> {
    return this.sub(f, async (g) => {
      if (g.no === 5 || g.no === 10) await this.tensor(g, false, false);
      else if (g.no === 6 || g.no === 11) await this.graph(g, depth + 1);
      else if (g.no === 22 || g.no === 23) await this.sparse(g, false);
    });
  }

  private async func(f: WireField): Promise<void> {
    const fn = { domain: '', name: '' };
    await this.sub(f, async (g) => {
      if (g.no === 1) fn.name = await this.str(g);
      else if (g.no === 10) fn.domain = await this.str(g);
      else if (g.no === 7) await this.node(g, 1);
    });
    if (this.m.functions.length < MAX_LIST) this.m.functions.push(fn);
  }

  private sparse(f: WireField, initializer: boolean): Promise<void> {
    return this.sub(f, async (g) => {
      if (g.no === 1 || g.no === 2) await this.tensor(g, true, initializer && g.no === 1);
    });
  }

  private async tensor(f: WireField, sparse: boolean, initializer: boolean, mainGraph = false): Promise<void> {
    const t = {
      name: '',
      dims: [] as bigint[],
      type: 0,
      payload: -1,
      external: [] as { key: string; value: string }[],
    };
    let raw: { start: number; length: number } | undefined;
    let typedData = false;
    let externalLocation = false;
    await this.sub(f, async (g) => {
      if (g.no === 1) t.dims.push(...(await readInt64s(this.r, g, 64)));
      else if (g.no === 2 && g.wire === 0) t.type = Number(g.varint);
      else if (g.no === 8) t.name = await this.str(g);
      else if (g.no === 9 || (g.wire === 2 && g.no >= 4 && g.no <= 11)) {
        t.payload = Math.max(t.payload, 0) + g.end - g.start;
        if (g.no === 9 && g.wire === 2) raw = { start: g.start, length: g.end - g.start };
        else if (g.no !== 9 && g.no !== 8 && g.no !== 6) typedData = true;
      } else if (g.no === 13) t.external.push(await this.entry(g));
      else if (g.no === 14 && g.wire === 0) externalLocation = g.varint === 1n;
      // Unpacked repeated float_data/int32_data/int64_data/double_data/uint64_data also carry values.
      if (g.wire !== 2 && [4, 5, 7, 10, 11].includes(g.no)) typedData = true;
    });
    if (t.external.length > 0) this.m.externalData.push(externalOf(t.name, t.external, f.at, sparse));
    if (!initializer) return;
    if (mainGraph && !sparse && this.m.initializers && this.m.initializers.length < MAX_INITIALIZERS) {
      const dims = t.dims.map((d) => (d < 0n || d > BigInt(Number.MAX_SAFE_INTEGER) ? -1 : Number(d)));
      this.m.initializers.push({
        name: t.name, dims, dataType: t.type, raw, external: t.external, externalLocation, typedData, at: f.at,
      }); // prettier-ignore
    }
    this.m.initializerCount++;
    this.m.initializerBytes += tensorBytes(t);
  }
}

function externalOf(
  tensor: string,
  entries: { key: string; value: string }[],
  at: number,
  sparse: boolean,
): OnnxExternalData {
  const get = (k: string): string | undefined => entries.find((e) => e.key === k)?.value;
  return { tensor, location: get('location'), offset: get('offset'), length: get('length'), at, sparse };
}

function tensorBytes(t: {
  dims: bigint[];
  type: number;
  payload: number;
  external: { key: string; value: string }[];
}): number {
  const length = t.external.find((e) => e.key === 'length')?.value;
  if (length !== undefined && /^\d{1,15}$/.test(length)) return Number(length);
  if (t.payload >= 0) return t.payload;
  const size = BigInt(ELEMENT_BYTES[t.type] ?? 0) * t.dims.reduce((a, d) => a * (d < 0n ? 0n : d), 1n);
  return size > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(size);
}
