import { planMerge } from '../adapters/merge-plan.ts';
import type { AdapterReading } from '../adapters/read-adapter.ts';
import { buildHfGraph, type BuiltHfGraph } from '../hf-graph/build-hf-graph.ts';
import { SUPPLIED_FLOAT32_FILE, type GraphBuilderOptions } from '../hf-graph/graph-builder.ts';
import { listTensors } from '../weights/tensors.ts';
import type { FolderReader } from './model-side.ts';

/**
 * A model folder with no ONNX export but a Hugging Face checkpoint (config.json + model.safetensors, or shards
 * listed in model.safetensors.index.json, beside it): the graph is built from the config and reads the
 * checkpoint's files as they are. The files picked are those `from_pretrained` would load, nothing else
 * (an `adapter_model.safetensors` is not the model).
 */

export interface CheckpointModel {
  graph: BuiltHfGraph;
  /** Folder the graph's external-data locations are relative to ('' or ending in '/'). */
  root: string;
  /** Folder paths of the checkpoint files the graph reads. */
  files: string[];
  /**
   * With an adapter: the float32 file the host writes beside the checkpoint's (the merged tensors, in the
   * graph's order, one tensor at a time) and hands to the runtime under `location`.
   */
  hostFile?: { location: string; parts(): AsyncGenerator<Float32Array> };
}

const INDEX = 'model.safetensors.index.json';
const SINGLE = 'model.safetensors';

/** The checkpoint beside `configPath`, or undefined when there is none. Errors name config.json or the file. */
export async function loadCheckpointModel(
  folder: FolderReader,
  configPath: string,
  config: Record<string, unknown>,
  options: GraphBuilderOptions = {},
  /** A PEFT adapter to merge into the targeted tensors (core/adapters/merge-plan.ts). */
  adapter?: AdapterReading,
): Promise<CheckpointModel | undefined> {
  const root = configPath.includes('/') ? configPath.slice(0, configPath.lastIndexOf('/') + 1) : '';
  const inRoot = folder.paths.filter((p) => p.startsWith(root) && !p.slice(root.length).includes('/'));
  const index = inRoot.find((p) => p === root + INDEX);
  const single = inRoot.find((p) => p === root + SINGLE);
  if (!index && !single) return undefined;
  // from_pretrained loads model.safetensors when there is one (an index beside it is never read), else the
  // index and every tensor of the shards it names.
  const picked = single ? [single] : inRoot.filter((p) => p === index || p.endsWith('.safetensors'));
  const listing = await listTensors(await Promise.all(picked.map((p) => folder.source(p))));
  const plan = adapter ? planMerge(adapter, listing) : undefined;
  let graph: BuiltHfGraph;
  try {
    graph = buildHfGraph(config, listing, root, plan ? { ...options, supplied: plan.names } : options);
  } catch (error) {
    throw new Error(`config.json: ${(error as Error).message}`, { cause: error });
  }
  const files = graph.externalFiles.map((f) => root + f);
  if (!plan) return { graph, root, files };
  const unused = [...plan.names].filter((n) => !graph.supplied.some((s) => s.name === n));
  // A tensor the adapter changes but the graph never reads (a head this task does not use) would be dropped
  // silently: the merged model would not be the one peft runs.
  if (unused.length > 0) throw new Error(`the adapter changes tensors the graph does not read: ${unused.join(', ')}`);
  async function* parts(): AsyncGenerator<Float32Array> {
    for (const s of graph.supplied) yield await plan!.values(s.name);
  }
  return { graph, root, files, hostFile: { location: SUPPLIED_FLOAT32_FILE, parts } };
}
