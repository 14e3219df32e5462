import type { ByteSource } from '../io/byte-source.ts';
import { FormatError } from './format-error.ts';
import { readString, walkMessage, type WireField } from './protobuf-wire.ts';
import { WindowReader } from './window-reader.ts';

/**
 * Reader of TensorFlow graph files over the protobuf wire walker (tensorflow/core/protobuf/saved_model.proto,
 * meta_graph.proto, saver.proto, core/framework/graph.proto, node_def.proto, function.proto, attr_value.proto):
 * a SavedModel's MetaGraphs, a MetaGraphDef or a GraphDef. It keeps what the op rules need: every node of the
 * graph and of every library function (name, op, inputs, functions named by its attributes, a few string
 * attributes), the saver, signatures, assets and the functions the object graph exposes. Constant tensors
 * are skipped by length. Names, nodes and nested function attributes are capped (LimitError).
 */

export type TfGraphKind = 'savedmodel' | 'metagraph' | 'graphdef';

export interface TfNode {
  name: string;
  op: string;
  inputs: string[];
  /** Functions named by `func` attributes, nested ones included. */
  funcs: string[];
  /** The string attributes named in STRING_ATTRS. */
  strings: Record<string, string>;
  at: number;
}

export interface TfFunction {
  name: string;
  nodes: TfNode[];
  at: number;
}

export interface TfGraph {
  nodes: TfNode[];
  functions: TfFunction[];
}

export interface TfSaver {
  filenameTensor: string;
  saveTensor: string;
  restoreOp: string;
}

export interface TfMetaGraph {
  tags: string[];
  tfVersion?: string;
  graph: TfGraph;
  saver?: TfSaver;
  signatures: string[];
  assets: { filename: string; at: number }[];
  /** Keys of the object graph's concrete_functions: functions a loaded model exposes to Python. */
  exposed: string[];
}

export interface TfGraphFile {
  kind: TfGraphKind;
  metaGraphs: TfMetaGraph[];
}

/** A bound of the reader was reached: the part beyond it was not read ("could not verify"). */
export class LimitError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LimitError';
  }
}

/** String attributes whose value decides whether an op touches files (PrintV2, DecodeProtoV2, …). */
export const STRING_ATTRS: ReadonlySet<string> = new Set(['output_stream', 'descriptor_source', 'vocab_file']);

const MAX_NAME = 1 << 14;
const MAX_NODES = 2_000_000;
const MAX_INPUTS = 20_000_000;
const MAX_ATTR_DEPTH = 16;
const MAX_META_GRAPHS = 64;
const MAX_LIST = 10_000;

export async function readTfGraphFile(source: ByteSource, kind: TfGraphKind): Promise<TfGraphFile> {
  const w = new GraphWalker(new WindowReader(source));
  const file: TfGraphFile = { kind, metaGraphs: [] };
  const whole: WireField = { no: 0, wire: 2, at: 0, varint: 0n, start: 0, end: source.size };
  if (kind === 'graphdef') {
    const mg = emptyMetaGraph();
    await w.graph(whole, mg.graph);
    file.metaGraphs.push(mg);
  } else if (kind === 'metagraph') {
    file.metaGraphs.push(await w.metaGraph(whole));
  } else {
    await w.sub(whole, async (f) => {
      if (f.no === 1) w.expectWire(f, 0);
      else if (f.no === 2) {
        if (file.metaGraphs.length >= MAX_META_GRAPHS) throw new LimitError(`more than ${MAX_META_GRAPHS} meta graphs`);
        file.metaGraphs.push(await w.metaGraph(f));
      }
    });
  }
  return file;
}

function emptyMetaGraph(): TfMetaGraph {
  return { tags: [], graph: { nodes: [], functions: [] }, signatures: [], assets: [], exposed: [] };
}

class GraphWalker {
  private nodes = 0;
  private inputs = 0;

  constructor(private readonly r: WindowReader) {}

  expectWire(f: WireField, wire: 0 | 2): void {
    if (f.wire !== wire) throw new FormatError(`field ${f.no} at ${f.at} has wire type ${f.wire}, not ${wire}`, f.at);
  }

  sub(f: WireField, visit: (g: WireField) => Promise<void> | void): Promise<void> {
    this.expectWire(f, 2);
    return walkMessage(this.r, f.start, f.end, visit);
  }

  async str(f: WireField): Promise<string> {
    this.expectWire(f, 2);
    if (f.end - f.start > MAX_NAME) throw new LimitError(`a name of ${f.end - f.start} bytes at ${f.at}`);
    return readString(this.r, f, MAX_NAME);
  }

  /** MetaGraphDef: meta_info_def (1), graph_def (2), saver_def (3), signature_def (5), asset_file_def (6), object_graph_def (7). */
  async metaGraph(f: WireField): Promise<TfMetaGraph> {
    const mg = emptyMetaGraph();
    await this.sub(f, async (g) => {
      if (g.no === 1) await this.metaInfo(g, mg);
      else if (g.no === 2) await this.graph(g, mg.graph);
      else if (g.no === 3) mg.saver = await this.saver(g);
      else if (g.no === 5) mg.signatures.push(await this.mapKey(g));
      else if (g.no === 6) await this.sub(g, async (a) => {
        if (a.no === 2) mg.assets.push({ filename: await this.str(a), at: a.at });
      });
      else if (g.no === 7) await this.sub(g, async (o) => {
        if (o.no === 2) mg.exposed.push(await this.mapKey(o));
      });
      else if (g.no === 4) this.expectWire(g, 2);
    }); // prettier-ignore
    if (mg.signatures.length > MAX_LIST || mg.assets.length > MAX_LIST)
      throw new LimitError('too many signatures or assets');
    return mg;
  }

  /** MetaInfoDef: tags (4), tensorflow_version (5). */
  private metaInfo(f: WireField, mg: TfMetaGraph): Promise<void> {
    return this.sub(f, async (g) => {
      if (g.no === 4 && mg.tags.length < 64) mg.tags.push(await this.str(g));
      else if (g.no === 5) mg.tfVersion = await this.str(g);
    });
  }

  /** SaverDef: filename_tensor_name (1), save_tensor_name (2), restore_op_name (3). */
  private async saver(f: WireField): Promise<TfSaver> {
    const s: TfSaver = { filenameTensor: '', saveTensor: '', restoreOp: '' };
    await this.sub(f, async (g) => {
      if (g.no === 1) s.filenameTensor = await this.str(g);
      else if (g.no === 2) s.saveTensor = await this.str(g);
      else if (g.no === 3) s.restoreOp = await this.str(g);
    });
    return s;
  }

  /** A map entry's key (field 1). */
  private async mapKey(f: WireField): Promise<string> {
    let key = '';
    await this.sub(f, async (g) => {
      if (g.no === 1) key = await this.str(g);
    });
    return key;
  }

  /** GraphDef: node (1), library (2). */
  async graph(f: WireField, graph: TfGraph): Promise<void> {
    await this.sub(f, async (g) => {
      if (g.no === 1) graph.nodes.push(await this.node(g));
      else if (g.no === 2) await this.library(g, graph);
      else if (g.no === 3) this.expectWire(g, 0);
    });
  }

  /** FunctionDefLibrary: function (1): FunctionDef { signature (1): OpDef { name (1) }, node_def (3) }. */
  private library(f: WireField, graph: TfGraph): Promise<void> {
    return this.sub(f, async (g) => {
      if (g.no !== 1) return;
      const fn: TfFunction = { name: '', nodes: [], at: g.at };
      await this.sub(g, async (h) => {
        if (h.no === 1) {
          await this.sub(h, async (s) => {
            if (s.no === 1) fn.name = await this.str(s);
          });
        } else if (h.no === 3) fn.nodes.push(await this.node(h));
      });
      graph.functions.push(fn);
    });
  }

  /** NodeDef: name (1), op (2), input (3), device (4), attr (5: map<string, AttrValue>). */
  private async node(f: WireField): Promise<TfNode> {
    if (++this.nodes > MAX_NODES) throw new LimitError(`more than ${MAX_NODES} nodes`);
    const n: TfNode = { name: '', op: '', inputs: [], funcs: [], strings: {}, at: f.at };
    await this.sub(f, async (g) => {
      if (g.no === 1) n.name = await this.str(g);
      else if (g.no === 2) n.op = await this.str(g);
      else if (g.no === 3) {
        if (++this.inputs > MAX_INPUTS) throw new LimitError(`more than ${MAX_INPUTS} node inputs`);
        n.inputs.push(await this.str(g));
      } else if (g.no === 4) await this.str(g);
      else if (g.no === 5) await this.attrEntry(g, n, 0);
    });
    return n;
  }

  private async attrEntry(f: WireField, n: TfNode, depth: number): Promise<void> {
    let key = '';
    let value: WireField | undefined;
    await this.sub(f, async (g) => {
      if (g.no === 1) key = await this.str(g);
      else if (g.no === 2) value = g;
    });
    if (value) await this.attrValue(value, n, depth, key);
  }

  /** AttrValue: list (1: ListValue { func (9) }), s (2), func (10: NameAttrList { name (1), attr (2) }). */
  private async attrValue(f: WireField, n: TfNode, depth: number, key: string): Promise<void> {
    if (depth > MAX_ATTR_DEPTH) throw new LimitError(`function attributes nested deeper than ${MAX_ATTR_DEPTH}`);
    await this.sub(f, async (g) => {
      if (g.no === 2 && STRING_ATTRS.has(key)) {
        this.expectWire(g, 2);
        // Not fatal on bad UTF-8: TensorFlow compares these as bytes, so a "file://" prefix must stay visible.
        const bytes = await this.r.bytes(g.start, Math.min(g.end - g.start, MAX_NAME));
        n.strings[key] = new TextDecoder('utf-8', { fatal: false }).decode(bytes);
      } else if (g.no === 10) await this.nameAttrList(g, n, depth);
      else if (g.no === 1) {
        await this.sub(g, async (l) => {
          if (l.no === 9) await this.nameAttrList(l, n, depth);
        });
      }
    });
  }

  private async nameAttrList(f: WireField, n: TfNode, depth: number): Promise<void> {
    await this.sub(f, async (g) => {
      if (g.no === 1) {
        if (n.funcs.length >= MAX_LIST) throw new LimitError(`node '${n.name}' names over ${MAX_LIST} functions`);
        n.funcs.push(await this.str(g));
      } else if (g.no === 2) await this.attrEntry(g, n, depth + 1);
    });
  }
}
