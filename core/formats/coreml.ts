import type { ByteSource } from '../io/byte-source.ts';
import { FormatError } from './format-error.ts';
import { readString, walkMessage, type WireField } from './protobuf-wire.ts';
import { WindowReader } from './window-reader.ts';

/**
 * Core ML model reader (.mlmodel, and Data/com.apple.CoreML/model.mlmodel inside an .mlpackage): the protobuf
 * `CoreML.Specification.Model` of coremltools mlmodel/format/Model.proto. It follows the model-type oneof into
 * pipelines, neural networks (NeuralNetwork.proto: layers, custom layers, branch and loop bodies) and ML
 * programs (MIL.proto: functions, blocks, operations, blob-file weight references), and skips payloads by length.
 */

/** Model.proto `oneof Type` field numbers and names. */
export const COREML_MODEL_TYPES: ReadonlyMap<number, string> = new Map([
  [200, 'pipelineClassifier'], [201, 'pipelineRegressor'], [202, 'pipeline'],
  [300, 'glmRegressor'], [301, 'supportVectorRegressor'], [302, 'treeEnsembleRegressor'],
  [303, 'neuralNetworkRegressor'], [304, 'bayesianProbitRegressor'],
  [400, 'glmClassifier'], [401, 'supportVectorClassifier'], [402, 'treeEnsembleClassifier'],
  [403, 'neuralNetworkClassifier'], [404, 'kNearestNeighborsClassifier'],
  [500, 'neuralNetwork'], [501, 'itemSimilarityRecommender'], [502, 'mlProgram'],
  [555, 'customModel'], [556, 'linkedModel'], [560, 'classConfidenceThresholding'],
  [600, 'oneHotEncoder'], [601, 'imputer'], [602, 'featureVectorizer'], [603, 'dictVectorizer'], [604, 'scaler'],
  [606, 'categoricalMapping'], [607, 'normalizer'], [609, 'arrayFeatureExtractor'], [610, 'nonMaximumSuppression'],
  [900, 'identity'],
  [2000, 'textClassifier'], [2001, 'wordTagger'], [2002, 'visionFeaturePrint'], [2003, 'soundAnalysisPreprocessing'],
  [2004, 'gazetteer'], [2005, 'wordEmbedding'], [2006, 'audioFeaturePrint'],
  [3000, 'serializedModel'],
]); // prettier-ignore

const NEURAL_NETWORKS = new Set([303, 403, 500]);
const PIPELINE_WRAPPERS = new Set([200, 201]);
const MAX_DEPTH = 16;
const MAX_ITEMS = 1_000_000;
const MAX_NAME = 4096;
const MAX_LISTED = 256;

export interface CoremlModel {
  specificationVersion: number;
  /** The model type of the top model and of every model inside its pipelines. */
  types: string[];
  customModels: string[];
  customLayers: string[];
  linkedModels: string[];
  /** MIL weight references (BlobFileValue.fileName), each distinct name once. */
  blobFiles: string[];
  layers: number;
  operations: number;
  opTypes: string[];
  /** Set when a count, a nesting depth or a list went past the reader's caps. */
  truncated?: string;
}

/**
 * Strict enough not to take other protobufs: the top-level fields are only specificationVersion (1, varint,
 * 1 … 100, first), description (2), isUpdatable (10, varint) and model types (known oneof fields, length-
 * delimited; protobuf lets a later one replace an earlier one, so several are read, not refused). An ONNX
 * ModelProto always has a graph (field 7); a SavedModel has no field past 2.
 */
export async function looksLikeCoreml(head: Uint8Array, source: ByteSource): Promise<boolean> {
  if (head.byteLength < 4 || head[0] !== 0x08) return false;
  const r = new WindowReader(source);
  let version = 0;
  let types = 0;
  let fields = 0;
  let foreign = false;
  try {
    await walkMessage(r, 0, source.size, (f) => {
      if (++fields > 64) foreign = true;
      else if (f.no === 1 && f.wire === 0 && fields === 1) version = Number(f.varint);
      else if (COREML_MODEL_TYPES.has(f.no) && f.wire === 2) types++;
      else if (!(f.no === 2 && f.wire === 2) && !(f.no === 10 && f.wire === 0)) foreign = true;
      if (foreign) throw new FormatError('not a Core ML field');
    });
  } catch (e) {
    // A cut-off Core ML file is still Core ML (and invalid); a foreign field is another format.
    if (foreign || !(e instanceof FormatError)) return false;
    return version >= 1 && version <= 100 && fields > 1;
  }
  return version >= 1 && version <= 100 && types >= 1;
}

export async function readCoreml(source: ByteSource): Promise<CoremlModel> {
  const m: CoremlModel = {
    specificationVersion: 0, types: [], customModels: [], customLayers: [], linkedModels: [], blobFiles: [],
    layers: 0, operations: 0, opTypes: [],
  }; // prettier-ignore
  const w = new CoremlWalker(new WindowReader(source), m);
  await w.model(0, source.size, 0);
  if (m.types.length === 0) throw new FormatError('the model has no model type');
  return m;
}

class CoremlWalker {
  private items = 0;

  constructor(
    private readonly r: WindowReader,
    private readonly m: CoremlModel,
  ) {}

  private sub(f: WireField, visit: (g: WireField) => Promise<void> | void): Promise<void> {
    if (f.wire !== 2) throw new FormatError(`field ${f.no} at ${f.at} should be a message`, f.at);
    return walkMessage(this.r, f.start, f.end, visit);
  }

  private str(f: WireField): Promise<string> {
    return readString(this.r, f, MAX_NAME);
  }

  /** Counts one walked item; false (and truncated) past the cap or past the nesting depth. */
  private admit(depth: number): boolean {
    if (depth > MAX_DEPTH) this.m.truncated = `nesting deeper than ${MAX_DEPTH} levels`;
    else if (++this.items > MAX_ITEMS) this.m.truncated = `more than ${MAX_ITEMS} layers, operations or values`;
    return this.m.truncated === undefined;
  }

  /** Every listed item is checked by the scanner: past the cap the model is not fully followed. */
  private list(list: string[], value: string): void {
    if (list.length < MAX_LISTED) list.push(value);
    else this.m.truncated = `more than ${MAX_LISTED} model types, custom classes or linked models`;
  }

  async model(start: number, end: number, depth: number): Promise<void> {
    if (!this.admit(depth)) return;
    // Protobuf keeps the last of several oneof fields; every one is read so none hides from the scan.
    await walkMessage(this.r, start, end, async (f) => {
      if (f.no === 1 && f.wire === 0 && depth === 0) this.m.specificationVersion = Number(f.varint);
      const type = COREML_MODEL_TYPES.get(f.no);
      if (type === undefined) return;
      this.list(this.m.types, type);
      await this.modelType(f, depth);
    });
  }

  private async modelType(f: WireField, depth: number): Promise<void> {
    if (f.wire !== 2) throw new FormatError(`model type field ${f.no} at ${f.at} should be a message`, f.at);
    if (f.no === 202) await this.pipeline(f, depth);
    else if (PIPELINE_WRAPPERS.has(f.no)) await this.sub(f, (g) => (g.no === 1 ? this.pipeline(g, depth) : undefined));
    else if (NEURAL_NETWORKS.has(f.no)) await this.network(f, depth);
    else if (f.no === 502) await this.program(f, depth);
    else if (f.no === 555)
      await this.sub(f, async (g) => {
      if (g.no === 10) this.list(this.m.customModels, await this.str(g));
    }); // prettier-ignore
    else if (f.no === 556) await this.linked(f);
  }

  /** Pipeline: repeated Model models = 1. */
  private pipeline(f: WireField, depth: number): Promise<void> {
    return this.sub(f, (g) => (g.no === 1 && g.wire === 2 ? this.model(g.start, g.end, depth + 1) : undefined));
  }

  /** NeuralNetwork / NeuralNetworkClassifier / NeuralNetworkRegressor: repeated NeuralNetworkLayer layers = 1. */
  private network(f: WireField, depth: number): Promise<void> {
    return this.sub(f, (g) => (g.no === 1 ? this.layer(g, depth) : undefined));
  }

  /** NeuralNetworkLayer oneof: custom = 500 (className 10), branch = 605 (if 1, else 2), loop = 615 (condition 3, body 4). */
  private async layer(f: WireField, depth: number): Promise<void> {
    if (!this.admit(depth)) return;
    this.m.layers++;
    await this.sub(f, async (g) => {
      if (g.no === 500) {
        let className = '';
        await this.sub(g, async (h) => {
          if (h.no === 10) className = await this.str(h);
        });
        this.list(this.m.customLayers, className);
      } else if (g.no === 605 || g.no === 615) {
        const bodies = g.no === 605 ? [1, 2] : [3, 4];
        await this.sub(g, (h) => (bodies.includes(h.no) ? this.network(h, depth + 1) : undefined));
      }
    });
  }

  /** LinkedModel: linkedModelFile = 1 → LinkedModelFile: linkedModelFileName = 1 (StringParameter: defaultValue = 1). */
  private async linked(f: WireField): Promise<void> {
    let name = '';
    await this.sub(f, (g) =>
      g.no === 1
        ? this.sub(g, (h) =>
            h.no === 1
              ? this.sub(h, async (s) => {
                  if (s.no === 1) name = await this.str(s);
                })
              : undefined,
          )
        : undefined,
    );
    this.list(this.m.linkedModels, name);
  }

  /** MILSpec.Program: functions = 2 (map entry: value = 2 → Function: block_specializations = 3 → value = 2 → Block). */
  private program(f: WireField, depth: number): Promise<void> {
    return this.sub(f, (g) =>
      g.no === 2
        ? this.mapValue(g, (fn) => this.sub(fn, (h) => (h.no === 3 ? this.mapValue(h, (b) => this.block(b, depth + 1)) : undefined)))
        : undefined,
    ); // prettier-ignore
  }

  private mapValue(f: WireField, visit: (value: WireField) => Promise<void>): Promise<void> {
    return this.sub(f, (g) => (g.no === 2 ? visit(g) : undefined));
  }

  /** Block: operations = 3. */
  private block(f: WireField, depth: number): Promise<void> {
    return this.sub(f, (g) => (g.no === 3 ? this.operation(g, depth) : undefined));
  }

  /** Operation: type = 1, inputs = 2 (map → Argument: arguments = 1 → Binding: value = 2), blocks = 4, attributes = 5. */
  private async operation(f: WireField, depth: number): Promise<void> {
    if (!this.admit(depth)) return;
    this.m.operations++;
    await this.sub(f, async (g) => {
      if (g.no === 1) {
        const type = await this.str(g);
        if (!this.m.opTypes.includes(type) && this.m.opTypes.length < MAX_LISTED) this.m.opTypes.push(type);
      } else if (g.no === 2) {
        await this.mapValue(g, (arg) => this.sub(arg, (a) => (a.no === 1 ? this.sub(a, (b) => (b.no === 2 ? this.value(b, depth) : undefined)) : undefined))); // prettier-ignore
      } else if (g.no === 4) await this.block(g, depth + 1);
      else if (g.no === 5) await this.mapValue(g, (v) => this.value(v, depth));
    });
  }

  /** Value: immediateValue = 3 (tuple 2 / list 3: values = 1; dictionary 4: values = 1 → key 1, value 2), blobFileValue = 5. */
  private async value(f: WireField, depth: number): Promise<void> {
    if (!this.admit(depth)) return;
    await this.sub(f, async (g) => {
      if (g.no === 5) await this.blob(g);
      else if (g.no === 3) {
        await this.sub(g, (h) => {
          if (h.no === 2 || h.no === 3) return this.sub(h, (v) => (v.no === 1 ? this.value(v, depth + 1) : undefined));
          if (h.no === 4) return this.sub(h, (kv) => (kv.no === 1 ? this.sub(kv, (v) => (v.no === 1 || v.no === 2 ? this.value(v, depth + 1) : undefined)) : undefined)); // prettier-ignore
          return undefined;
        });
      }
    });
  }

  /** BlobFileValue: fileName = 1 (offset = 2 points into that file, which is read on its own). */
  private async blob(f: WireField): Promise<void> {
    let fileName = '';
    await this.sub(f, async (g) => {
      if (g.no === 1) fileName = await this.str(g);
    });
    if (this.m.blobFiles.includes(fileName)) return;
    // Every distinct name is checked by the scanner, so past the cap the model is not fully followed.
    if (this.m.blobFiles.length >= MAX_LISTED) this.m.truncated = `more than ${MAX_LISTED} weight files`;
    else this.m.blobFiles.push(fileName);
  }
}
