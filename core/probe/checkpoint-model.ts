import { buildHfGraph, type BuiltHfGraph } from '../hf-graph/build-hf-graph.ts';
import type { GraphBuilderOptions } from '../hf-graph/graph-builder.ts';
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
}

const INDEX = 'model.safetensors.index.json';
const SINGLE = 'model.safetensors';

/** The checkpoint beside `configPath`, or undefined when there is none. Errors name config.json or the file. */
export async function loadCheckpointModel(
  folder: FolderReader,
  configPath: string,
  config: Record<string, unknown>,
  options: GraphBuilderOptions = {},
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
  let graph: BuiltHfGraph;
  try {
    graph = buildHfGraph(config, listing, root, options);
  } catch (error) {
    throw new Error(`config.json: ${(error as Error).message}`, { cause: error });
  }
  return { graph, root, files: graph.externalFiles.map((f) => root + f) };
}
