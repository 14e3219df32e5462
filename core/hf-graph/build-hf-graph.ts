import type { TensorListing } from '../weights/tensors.ts';
import { CheckpointWeights } from './checkpoint.ts';
import { buildEncoderGraph } from './encoder-graph.ts';
import { buildGpt2Graph } from './gpt2-graph.ts';
import {
  CONVERTED_BF16_FILE,
  GraphBuilder,
  SUPPLIED_FLOAT32_FILE,
  type Bf16Conversion,
  type GraphBuilderOptions,
  type SuppliedTensor,
} from './graph-builder.ts';
import { readArchitecture, type Architecture } from './hf-config.ts';
import { buildLlamaGraph } from './llama-graph.ts';
import { ropePositions } from './rope.ts';
import { encodeOnnxModel, type ExternalRef } from './onnx-writer.ts';

/**
 * A Hugging Face checkpoint (config.json + safetensors) as an ONNX model that onnxruntime runs: the graph is
 * built from the config, its initializers are external data pointing into the safetensors files, so no weight
 * is copied into the graph. The runtime reads the weights from the files it is handed (CLI: the folder on disk;
 * browser: the dropped files) and converts F16/BF16 to float32 once, when the session is created.
 */

export interface BuiltHfGraph {
  /** ModelProto bytes: nodes and small constants only. */
  model: Uint8Array;
  architecture: Architecture;
  /** Checkpoint files the graph reads, relative to the folder root (directly, or to convert BF16 from). */
  externalFiles: string[];
  /**
   * The files the runtime itself must be handed: those external data points into. A checkpoint whose BF16
   * tensors were all converted is read only for the conversion; handing it over too would load it again.
   */
  runtimeFiles: string[];
  /** Storage dtypes of the weights used (F32, F16, BF16). */
  dtypes: string[];
  /** The longest token sequence the graph accepts (position embeddings or RoPE tables). */
  maxSequence: number;
  /** BF16 tensors the host converts to float32 (CONVERTED_BF16_FILE), when asked to. */
  conversions: Bf16Conversion[];
  /** Weights the host computes in float32 (SUPPLIED_FLOAT32_FILE), in file order, when asked to. */
  supplied: SuppliedTensor[];
}

/** Files the host writes itself rather than reads from the folder. */
const HOST_FILES = new Set([CONVERTED_BF16_FILE, SUPPLIED_FLOAT32_FILE]);

function graphFor(architecture: Architecture, weights: CheckpointWeights, g: GraphBuilder): GraphBuilder {
  if (architecture.family === 'encoder') return buildEncoderGraph(architecture, weights, g);
  if (architecture.family === 'gpt2') return buildGpt2Graph(architecture, weights, g);
  return buildLlamaGraph(architecture, weights, g);
}

function maxSequence(arch: Architecture): number {
  if (arch.family === 'llama') return ropePositions(arch);
  // RoBERTa's positions start after padding_idx, so the last rows of its table are never reached.
  if (arch.family === 'encoder' && arch.modelType !== 'bert' && arch.modelType !== 'distilbert')
    return arch.maxPositions - arch.padTokenId - 1;
  return arch.maxPositions;
}

/**
 * @param config the parsed config.json
 * @param listing the checkpoint's tensors (core/weights/tensors.ts: single file or shards via the index)
 * @param root the folder the checkpoint files' paths are relative to ('' or ending in '/')
 */
export function buildHfGraph(
  config: Record<string, unknown>,
  listing: TensorListing,
  root: string,
  options: GraphBuilderOptions = {},
): BuiltHfGraph {
  const architecture = readArchitecture(config);
  const weights = new CheckpointWeights(listing.tensors, root, listing.notCompared);
  const builder = new GraphBuilder(options);
  const graph = graphFor(architecture, weights, builder).build(
    `${architecture.modelType}-${architecture.task}`,
    `built by ModelGate from config.json (${architecture.modelType}); weights are external data in the checkpoint`,
  );
  const external = graph.initializers.flatMap((t) =>
    t.data instanceof Uint8Array ? [] : [{ ...t, ref: t.data as ExternalRef }],
  );
  const dtypeName = { 1: 'F32', 10: 'F16', 16: 'BF16' } as Record<number, string>;
  return {
    model: encodeOnnxModel(graph, { name: 'modelgate', version: '1' }),
    architecture,
    // The files the runtime reads, and the dtypes as stored (a converted BF16 tensor is read from its file).
    externalFiles: [
      ...new Set([...external.map((t) => t.ref.location), ...builder.conversions.map((c) => c.from.location)]),
    ]
      .filter((f) => !HOST_FILES.has(f))
      .sort(),
    dtypes: [
      ...new Set([
        ...external.filter((t) => !HOST_FILES.has(t.ref.location)).map((t) => dtypeName[t.type] ?? String(t.type)),
        ...(builder.conversions.length > 0 ? ['BF16'] : []),
      ]),
    ].sort(),
    runtimeFiles: [...new Set(external.map((t) => t.ref.location))].filter((f) => !HOST_FILES.has(f)).sort(),
    conversions: builder.conversions,
    supplied: builder.supplied,
    maxSequence: maxSequence(architecture),
  };
}
