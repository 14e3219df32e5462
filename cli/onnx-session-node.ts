import { link, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import * as ort from 'onnxruntime-node';
import type { CheckpointModel } from '../core/probe/checkpoint-model.ts';
import type { RunnableModel } from '../core/probe/model-side.ts';
import type { FeedTensor, ForwardSession, InputSignature } from '../core/probe/session.ts';

/** The folder's model as a session: its ONNX file, or the graph built over its safetensors checkpoint. */
export async function openFolderSession(
  dir: string,
  model: RunnableModel,
  options: { threads?: number } = {},
): Promise<ForwardSession> {
  if (model.format === 'onnx') return openNodeSession(join(dir, model.onnxPath), options);
  if (!model.hostFile)
    return openNodeSession({ bytes: model.graph.model, externalDataFolder: join(dir, model.root) }, options);
  const folder = await hostFileFolder(join(dir, model.root), model);
  try {
    const session = await openNodeSession({ bytes: model.graph.model, externalDataFolder: folder }, options);
    return { ...session, release: () => session.release().finally(() => rm(folder, { recursive: true, force: true })) };
  } catch (error) {
    await rm(folder, { recursive: true, force: true });
    throw error;
  }
}

async function* asBytes(parts: AsyncGenerator<Float32Array>): AsyncGenerator<Uint8Array> {
  for await (const part of parts) yield new Uint8Array(part.buffer, part.byteOffset, part.byteLength);
}

/**
 * onnxruntime-node resolves every external-data location against one folder, and refuses a location that
 * leaves it (symbolic links included: it resolves them). So a temporary folder holds hard links to the
 * checkpoint files the graph reads (never copies: the same bytes, no space) and the host-written file (an
 * adapter's merged tensors, float32), streamed one tensor at a time. A hard link needs the same file system:
 * when the temporary folder is on another one, the error says to set TMPDIR.
 */
async function hostFileFolder(root: string, model: CheckpointModel): Promise<string> {
  const folder = await mkdtemp(join(tmpdir(), 'modelgate-merged-'));
  try {
    for (const file of model.graph.runtimeFiles) {
      await mkdir(dirname(join(folder, file)), { recursive: true });
      await link(resolve(root, file), join(folder, file)).catch((error: NodeJS.ErrnoException) => {
        if (error.code !== 'EXDEV') throw error;
        throw new Error(
          `${tmpdir()} is on another file system than ${root}: set TMPDIR to a folder on the model's file system (an adapter's base is hard-linked there, never copied)`,
        );
      });
    }
    await writeFile(join(folder, model.hostFile!.location), asBytes(model.hostFile!.parts()));
    return folder;
  } catch (error) {
    await rm(folder, { recursive: true, force: true });
    throw error;
  }
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
