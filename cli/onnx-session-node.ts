import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import type { RunnableModel } from '../core/probe/model-side.ts';
import type { FeedTensor, ForwardSession, InputSignature } from '../core/probe/session.ts';

/** The folder's model as a session: its ONNX file, or the graph built over its safetensors checkpoint. */
export function openFolderSession(
  dir: string,
  model: RunnableModel,
  options: { threads?: number } = {},
): Promise<ForwardSession> {
  if (model.format === 'onnx') return openNodeSession(join(dir, model.onnxPath), options);
  return openNodeSession({ bytes: model.graph.model, externalDataFolder: join(dir, model.root) }, options);
}

/**
 * ForwardSession over onnxruntime-node (CPU): loads an ONNX file by path, so external data next to it
 * (`model.onnx_data`) is found by the runtime itself; or graph bytes whose external data lives in a folder
 * (a built graph over a safetensors checkpoint: the runtime reads the checkpoint files in place).
 */
export async function openNodeSession(
  model: string | { bytes: Uint8Array; externalDataFolder: string },
  options: { threads?: number } = {},
): Promise<ForwardSession> {
  const sessionOptions: ort.InferenceSession.SessionOptions = {
    executionProviders: ['cpu'],
    graphOptimizationLevel: 'all',
    ...(options.threads ? { intraOpNumThreads: options.threads } : {}),
  };
  const session =
    typeof model === 'string'
      ? await ort.InferenceSession.create(model, sessionOptions)
      : await ort.InferenceSession.create(model.bytes, {
          ...sessionOptions,
          // onnxruntime resolves external-data locations of a graph loaded from memory against this folder.
          extra: { session: { model_external_initializers_file_folder_path: model.externalDataFolder } },
        });
  const inputs: InputSignature[] = session.inputMetadata.map((m) =>
    m.isTensor ? { name: m.name, type: m.type, dims: [...m.shape] } : { name: m.name, type: 'unknown', dims: null },
  );
  const output = session.outputNames.includes('logits') ? 'logits' : session.outputNames[0]!;
  return {
    inputNames: session.inputNames,
    inputs,
    provider: 'cpu',
    async run(feeds: Record<string, FeedTensor>) {
      const tensors: Record<string, ort.Tensor> = {};
      for (const [name, f] of Object.entries(feeds)) tensors[name] = new ort.Tensor(f.type, f.data, f.dims);
      const result = await session.run(tensors, [output]);
      const t = result[output]!;
      if (t.type !== 'float32') throw new Error(`output ${output} is ${t.type}, expected float32 logits`);
      const logits = t.data as Float32Array;
      return { logits, dims: [...t.dims] };
    },
    async release() {
      await session.release();
    },
  };
}
