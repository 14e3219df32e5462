/**
 * Writes ONNX ModelProto bytes (protobuf wire format) for graphs built in TypeScript. Only the messages and fields
 * a built graph uses are here; field numbers are those of onnx/onnx.proto (IR version 8). Weights are never
 * copied into the protobuf: initializers point into the checkpoint's files as ONNX external data
 * (`location`, `offset`, `length`), which is possible because safetensors stores raw little-endian arrays.
 */

/** ONNX TensorProto.DataType values used here. */
export const OnnxType = { FLOAT: 1, INT32: 6, INT64: 7, BOOL: 9, FLOAT16: 10, BFLOAT16: 16 } as const;
export type OnnxTypeId = (typeof OnnxType)[keyof typeof OnnxType];

export type AttributeValue = number | string | readonly number[] | { floats: readonly number[] } | { float: number };

export interface OnnxNode {
  op: string;
  inputs: readonly string[];
  outputs: readonly string[];
  name: string;
  attributes?: Readonly<Record<string, AttributeValue>>;
}

export interface ExternalRef {
  /** Path relative to the folder the session resolves external data in. */
  location: string;
  offset: number;
  length: number;
}

export interface OnnxInitializer {
  name: string;
  type: OnnxTypeId;
  dims: readonly number[];
  /** Inline bytes (small constants) or a slice of a checkpoint file. */
  data: Uint8Array | ExternalRef;
}

export interface OnnxValueInfo {
  name: string;
  type: OnnxTypeId;
  /** Numbers are fixed sizes, strings symbolic ones. */
  dims: readonly (number | string)[];
}

export interface OnnxGraph {
  name: string;
  nodes: readonly OnnxNode[];
  initializers: readonly OnnxInitializer[];
  inputs: readonly OnnxValueInfo[];
  outputs: readonly OnnxValueInfo[];
  opset: number;
  docString?: string;
}

/** A growable byte buffer with the protobuf primitives. */
class Wire {
  private buf = new Uint8Array(256);
  private len = 0;

  private ensure(extra: number): void {
    if (this.len + extra <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.len + extra) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
  }

  varint(value: number | bigint): void {
    // Negative int64 values are written as 10-byte two's complement, as protobuf requires.
    let v = BigInt.asUintN(64, BigInt(value));
    this.ensure(10);
    while (v >= 0x80n) {
      this.buf[this.len++] = Number(v & 0x7fn) | 0x80;
      v >>= 7n;
    }
    this.buf[this.len++] = Number(v);
  }

  tag(field: number, wireType: 0 | 1 | 2 | 5): void {
    this.varint((field << 3) | wireType);
  }

  bytes(field: number, data: Uint8Array): void {
    this.tag(field, 2);
    this.varint(data.length);
    this.ensure(data.length);
    this.buf.set(data, this.len);
    this.len += data.length;
  }

  string(field: number, text: string): void {
    this.bytes(field, new TextEncoder().encode(text));
  }

  int(field: number, value: number | bigint): void {
    this.tag(field, 0);
    this.varint(value);
  }

  float(field: number, value: number): void {
    this.tag(field, 5);
    this.ensure(4);
    new DataView(this.buf.buffer).setFloat32(this.len, value, true);
    this.len += 4;
  }

  message(field: number, write: (w: Wire) => void): void {
    const inner = new Wire();
    write(inner);
    this.bytes(field, inner.done());
  }

  done(): Uint8Array {
    return this.buf.slice(0, this.len);
  }
}

function writeAttribute(w: Wire, name: string, value: AttributeValue): void {
  w.string(1, name);
  if (typeof value === 'string') {
    w.bytes(4, new TextEncoder().encode(value));
    w.int(20, 3);
  } else if (typeof value === 'number') {
    w.int(3, value);
    w.int(20, 2);
  } else if (Array.isArray(value)) {
    for (const v of value as readonly number[]) w.int(8, v);
    w.int(20, 7);
  } else if ('floats' in value) {
    for (const v of value.floats) w.float(7, v);
    w.int(20, 6);
  } else {
    w.float(2, (value as { float: number }).float);
    w.int(20, 1);
  }
}

function writeNode(w: Wire, node: OnnxNode): void {
  for (const i of node.inputs) w.string(1, i);
  for (const o of node.outputs) w.string(2, o);
  w.string(3, node.name);
  w.string(4, node.op);
  for (const [name, value] of Object.entries(node.attributes ?? {}))
    w.message(5, (a) => writeAttribute(a, name, value));
}

function writeTensor(w: Wire, t: OnnxInitializer): void {
  for (const d of t.dims) w.int(1, d);
  w.int(2, t.type);
  w.string(8, t.name);
  if (t.data instanceof Uint8Array) {
    w.bytes(9, t.data);
    return;
  }
  const ref = t.data;
  const entries: [string, string][] = [
    ['location', ref.location],
    ['offset', String(ref.offset)],
    ['length', String(ref.length)],
  ];
  for (const [key, value] of entries)
    w.message(13, (e) => {
      e.string(1, key);
      e.string(2, value);
    });
  w.int(14, 1); // data_location = EXTERNAL
}

function writeValueInfo(w: Wire, v: OnnxValueInfo): void {
  w.string(1, v.name);
  w.message(2, (type) =>
    type.message(1, (tensor) => {
      tensor.int(1, v.type);
      tensor.message(2, (shape) => {
        for (const d of v.dims) shape.message(1, (dim) => (typeof d === 'number' ? dim.int(1, d) : dim.string(2, d)));
      });
    }),
  );
}

/** Serialises a graph to ModelProto bytes that onnxruntime loads. */
export function encodeOnnxModel(graph: OnnxGraph, producer: { name: string; version: string }): Uint8Array {
  const w = new Wire();
  w.int(1, 8); // ir_version 8: opsets up to 18
  w.string(2, producer.name);
  w.string(3, producer.version);
  if (graph.docString) w.string(6, graph.docString);
  w.message(7, (g) => {
    for (const n of graph.nodes) g.message(1, (m) => writeNode(m, n));
    g.string(2, graph.name);
    for (const t of graph.initializers) g.message(5, (m) => writeTensor(m, t));
    for (const v of graph.inputs) g.message(11, (m) => writeValueInfo(m, v));
    for (const v of graph.outputs) g.message(12, (m) => writeValueInfo(m, v));
  });
  w.message(8, (o) => {
    o.string(1, '');
    o.int(2, graph.opset);
  });
  return w.done();
}
