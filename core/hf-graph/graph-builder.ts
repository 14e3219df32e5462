import {
  OnnxType,
  type AttributeValue,
  type ExternalRef,
  type OnnxGraph,
  type OnnxInitializer,
  type OnnxNode,
  type OnnxTypeId,
  type OnnxValueInfo,
} from './onnx-writer.ts';

/**
 * A small builder for ONNX graphs: each call adds a node and returns the name of its output, so model code reads
 * like the PyTorch modelling code it follows. Opset 17 (LayerNormalization) and only operators that
 * onnxruntime's CPU, WASM and WebGPU providers all implement.
 */

export const OPSET = 17;

/** A checkpoint tensor as a builder needs it: where its bytes are, in what dtype and shape. */
export interface CheckpointTensor {
  name: string;
  /** safetensors dtype name: F32, F16 or BF16. */
  dtype: string;
  shape: readonly number[];
  ref: ExternalRef;
}

const DTYPE_TO_ONNX: Readonly<Record<string, OnnxTypeId>> = {
  F32: OnnxType.FLOAT,
  F16: OnnxType.FLOAT16,
  BF16: OnnxType.BFLOAT16,
};

/**
 * A BF16 tensor the runtime cannot cast (onnxruntime-web has no bfloat16 kernels): the host converts it to
 * float32 into one extra external-data file, at `targetOffset`, before the session is created.
 */
export interface Bf16Conversion {
  from: ExternalRef;
  targetOffset: number;
}

/** The external-data location of the float32 copies of BF16 tensors, when they are converted. */
export const CONVERTED_BF16_FILE = 'modelgate-bf16-as-float32.bin';

export interface GraphBuilderOptions {
  /** Convert BF16 weights to float32 on the host instead of a Cast in the graph. */
  convertBf16?: boolean;
  /**
   * Weights whose float32 values the host computes (a PEFT adapter merged into them, core/adapters) and writes,
   * in `supplied` order, into SUPPLIED_FLOAT32_FILE; every other weight is read from the checkpoint as stored.
   */
  supplied?: ReadonlySet<string>;
}

/** The external-data location of the float32 weights the host computes (GraphBuilderOptions.supplied). */
export const SUPPLIED_FLOAT32_FILE = 'modelgate-adapter-merged-float32.bin';

/** A host-computed float32 weight: its place in SUPPLIED_FLOAT32_FILE. */
export interface SuppliedTensor {
  name: string;
  targetOffset: number;
  length: number;
}

export class GraphBuilder {
  constructor(private readonly options: GraphBuilderOptions = {}) {}

  readonly conversions: Bf16Conversion[] = [];
  readonly supplied: SuppliedTensor[] = [];
  private convertedBytes = 0;
  private suppliedBytes = 0;
  private nodes: OnnxNode[] = [];
  private initializers: OnnxInitializer[] = [];
  private inputs: OnnxValueInfo[] = [];
  private outputs: OnnxValueInfo[] = [];
  private counter = 0;
  private weightNames = new Map<string, string>();
  private constants = new Map<string, string>();

  /** Fresh names are scoped by a prefix so that a graph dump reads like the module tree. */
  fresh(prefix: string): string {
    return `${prefix}/${this.counter++}`;
  }

  input(name: string, type: OnnxTypeId, dims: readonly (number | string)[]): string {
    this.inputs.push({ name, type, dims });
    return name;
  }

  output(value: string, name: string, type: OnnxTypeId, dims: readonly (number | string)[]): void {
    this.op('Identity', [value], {}, name, name);
    this.outputs.push({ name, type, dims });
  }

  /** Adds a node with one output; `out` names it when a caller needs a stable name. */
  op(
    type: string,
    inputs: readonly string[],
    attributes: Record<string, AttributeValue> = {},
    prefix = type,
    out?: string,
  ): string {
    const output = out ?? this.fresh(prefix);
    this.nodes.push({ op: type, inputs, outputs: [output], name: `${prefix}:${this.counter++}`, attributes });
    return output;
  }

  /** A node with several outputs (Split). */
  opMulti(
    type: string,
    inputs: readonly string[],
    count: number,
    attributes: Record<string, AttributeValue> = {},
  ): string[] {
    const outs = Array.from({ length: count }, () => this.fresh(type));
    this.nodes.push({ op: type, inputs, outputs: outs, name: `${type}:${this.counter++}`, attributes });
    return outs;
  }

  /**
   * A checkpoint weight as float32: the initializer keeps the stored dtype and points into the file; a Cast
   * follows for F16/BF16, which onnxruntime folds into a float32 constant when the session is created.
   */
  weight(t: CheckpointTensor): string {
    const known = this.weightNames.get(t.name);
    if (known) return known;
    const type = DTYPE_TO_ONNX[t.dtype];
    if (type === undefined) throw new Error(`${t.name}: dtype ${t.dtype} cannot be run (F32, F16 and BF16 can)`);
    if (this.options.supplied?.has(t.name)) return this.suppliedWeight(t);
    if (type === OnnxType.BFLOAT16 && this.options.convertBf16) {
      const length = t.ref.length * 2;
      this.conversions.push({ from: t.ref, targetOffset: this.convertedBytes });
      this.initializers.push({
        name: t.name,
        type: OnnxType.FLOAT,
        dims: t.shape,
        data: { location: CONVERTED_BF16_FILE, offset: this.convertedBytes, length },
      });
      this.convertedBytes += length;
      this.weightNames.set(t.name, t.name);
      return t.name;
    }
    this.initializers.push({ name: t.name, type, dims: t.shape, data: t.ref });
    const value =
      type === OnnxType.FLOAT ? t.name : this.op('Cast', [t.name], { to: OnnxType.FLOAT }, `${t.name}.float`);
    this.weightNames.set(t.name, value);
    return value;
  }

  private suppliedWeight(t: CheckpointTensor): string {
    const length = t.shape.reduce((a, b) => a * b, 1) * 4;
    this.supplied.push({ name: t.name, targetOffset: this.suppliedBytes, length });
    this.initializers.push({
      name: t.name,
      type: OnnxType.FLOAT,
      dims: t.shape,
      data: { location: SUPPLIED_FLOAT32_FILE, offset: this.suppliedBytes, length },
    });
    this.suppliedBytes += length;
    this.weightNames.set(t.name, t.name);
    return t.name;
  }

  constFloats(values: readonly number[] | Float32Array, dims: readonly number[] = [values.length]): string {
    return this.constant(OnnxType.FLOAT, dims, new Uint8Array(Float32Array.from(values).buffer));
  }

  constInts(values: readonly number[], dims: readonly number[] = [values.length]): string {
    return this.constant(OnnxType.INT64, dims, new Uint8Array(BigInt64Array.from(values, (v) => BigInt(v)).buffer));
  }

  scalar(value: number): string {
    return this.constFloats([value], []);
  }

  private constant(type: OnnxTypeId, dims: readonly number[], bytes: Uint8Array): string {
    // Identical constants share one initializer, which keeps graphs of deep models small.
    const key = `${type}|${dims.join(',')}|${Array.from(bytes).join(',')}`;
    const known = this.constants.get(key);
    if (known) return known;
    const name = this.fresh('const');
    this.initializers.push({ name, type, dims, data: bytes });
    this.constants.set(key, name);
    return name;
  }

  // Elementwise and shape helpers, named after the ONNX operators.
  add = (a: string, b: string) => this.op('Add', [a, b]);
  sub = (a: string, b: string) => this.op('Sub', [a, b]);
  mul = (a: string, b: string) => this.op('Mul', [a, b]);
  div = (a: string, b: string) => this.op('Div', [a, b]);
  matmul = (a: string, b: string) => this.op('MatMul', [a, b]);
  transpose = (a: string, perm: readonly number[]) => this.op('Transpose', [a], { perm });
  reshape = (a: string, shape: readonly number[]) => this.op('Reshape', [a, this.constInts(shape)]);
  unsqueeze = (a: string, axes: readonly number[]) => this.op('Unsqueeze', [a, this.constInts(axes)]);
  cast = (a: string, to: OnnxTypeId) => this.op('Cast', [a], { to });
  gather = (data: string, indices: string, axis = 0) => this.op('Gather', [data, indices], { axis });
  concat = (parts: readonly string[], axis: number) => this.op('Concat', parts, { axis });

  /**
   * x · Wᵀ + b for a PyTorch nn.Linear weight stored [out, in]: a Gemm with transB over x flattened to 2-D, so the
   * weight is used as stored. MatMul would need a Transpose, which onnxruntime folds into a second float32 copy
   * of every weight: twice the memory, which a 0.5B model in the browser's 4 GiB WASM heap cannot afford.
   */
  linear(x: string, weight: CheckpointTensor, bias?: CheckpointTensor): string {
    const [out, inFeatures] = weight.shape as [number, number];
    const flat = this.reshape(x, [-1, inFeatures]);
    const inputs = [flat, this.weight(weight), ...(bias ? [this.weight(bias)] : [])];
    const y = this.op('Gemm', inputs, { transB: 1 });
    const lead = this.op('Slice', [this.op('Shape', [x]), this.constInts([0]), this.constInts([-1])]);
    return this.op('Reshape', [y, this.concat([lead, this.constInts([out])], 0)]);
  }

  /** x · W + b for a GPT-2 Conv1D weight stored [in, out]. */
  conv1d(x: string, weight: CheckpointTensor, bias: CheckpointTensor): string {
    return this.add(this.matmul(x, this.weight(weight)), this.weight(bias));
  }

  layerNorm(x: string, scale: CheckpointTensor, bias: CheckpointTensor, epsilon: number): string {
    return this.op('LayerNormalization', [x, this.weight(scale), this.weight(bias)], {
      axis: -1,
      epsilon: { float: epsilon },
    });
  }

  /** RMSNorm as Llama writes it: x / sqrt(mean(x²) + ε) · w, in float32. */
  rmsNorm(x: string, scale: CheckpointTensor, epsilon: number): string {
    const meanSquare = this.op('ReduceMean', [this.mul(x, x)], { axes: [-1], keepdims: 1 });
    const inv = this.op('Reciprocal', [this.op('Sqrt', [this.add(meanSquare, this.scalar(epsilon))])]);
    return this.mul(this.mul(x, inv), this.weight(scale));
  }

  /** GELU with erf (BERT's "gelu"): 0.5·x·(1 + erf(x/√2)). */
  geluErf(x: string): string {
    const erf = this.op('Erf', [this.mul(x, this.scalar(Math.SQRT1_2))]);
    return this.mul(this.mul(x, this.scalar(0.5)), this.add(erf, this.scalar(1)));
  }

  /** GELU with tanh (GPT-2's "gelu_new"): 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))). */
  geluTanh(x: string): string {
    const cube = this.mul(this.mul(x, x), x);
    const inner = this.mul(this.add(x, this.mul(cube, this.scalar(0.044715))), this.scalar(Math.sqrt(2 / Math.PI)));
    return this.mul(this.mul(x, this.scalar(0.5)), this.add(this.op('Tanh', [inner]), this.scalar(1)));
  }

  silu(x: string): string {
    return this.mul(x, this.op('Sigmoid', [x]));
  }

  build(name: string, docString?: string): OnnxGraph {
    return {
      name,
      nodes: this.nodes,
      initializers: this.initializers,
      inputs: this.inputs,
      outputs: this.outputs,
      opset: OPSET,
      ...(docString ? { docString } : {}),
    };
  }
}
