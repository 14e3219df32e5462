import type { TensorListing } from '../weights/tensors.ts';
import { CheckpointWeights } from './checkpoint.ts';
import { buildEncoderGraph } from './encoder-graph.ts';
import { buildGpt2Graph } from './gpt2-graph.ts';
import type { GraphBuilder } from './graph-builder.ts';
import { readArchitecture, type Architecture } from './hf-config.ts';
import { buildLlamaGraph } from './llama-graph.ts';
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
  /** Checkpoint files the graph's external data lives in, relative to the folder root. */
  externalFiles: string[];
  /** Storage dtypes of the weights used (F32, F16, BF16). */
  dtypes: string[];
  /** Bytes of weight data the runtime reads, and float32 bytes it holds once converted. */
  weightBytes: number;
  float32Bytes: number;
}

function graphFor(architecture: Architecture, weights: CheckpointWeights): GraphBuilder {
  if (architecture.family === 'encoder') return buildEncoderGraph(architecture, weights);
  if (architecture.family === 'gpt2') return buildGpt2Graph(architecture, weights);
  return buildLlamaGraph(architecture, weights);
}

/**
 * @param config the parsed config.json
 * @param listing the checkpoint's tensors (core/weights/tensors.ts: single file or shards via the index)
 * @param root the folder the checkpoint files' paths are relative to ('' or ending in '/')
 */
export function buildHfGraph(config: Record<string, unknown>, listing: TensorListing, root: string): BuiltHfGraph {
  const architecture = readArchitecture(config);
  const weights = new CheckpointWeights(listing.tensors, root, listing.notCompared);
  const graph = graphFor(architecture, weights).build(
    `${architecture.modelType}-${architecture.task}`,
    `built by ModelGate from config.json (${architecture.modelType}); weights are external data in the checkpoint`,
  );
  const external = graph.initializers.flatMap((t) =>
    t.data instanceof Uint8Array ? [] : [{ ...t, ref: t.data as ExternalRef }],
  );
  const elementBytes = { 1: 4, 10: 2, 16: 2 } as Record<number, number>;
  const dtypeName = { 1: 'F32', 10: 'F16', 16: 'BF16' } as Record<number, string>;
  return {
    model: encodeOnnxModel(graph, { name: 'modelgate', version: '1' }),
    architecture,
    externalFiles: [...new Set(external.map((t) => t.ref.location))].sort(),
    dtypes: [...new Set(external.map((t) => dtypeName[t.type] ?? String(t.type)))].sort(),
    weightBytes: external.reduce((sum, t) => sum + t.ref.length, 0),
    float32Bytes: external.reduce((sum, t) => sum + (t.ref.length / (elementBytes[t.type] ?? 4)) * 4, 0),
  };
}
