import type * as Ort from 'onnxruntime-web';
import type { RunnableModel } from '../core/probe/model-side.ts';
import type { CheckpointModel } from '../core/probe/checkpoint-model.ts';
import { CONVERTED_BF16_FILE } from '../core/hf-graph/graph-builder.ts';
import { decodeBf16 } from '../core/weights/half.ts';
import type { FeedTensor, ForwardSession, InputSignature } from '../core/probe/session.ts';
import type { ExecutionProvider } from '../core/probe/types.ts';

/** A dropped model file, as posted to the worker (File objects clone without copying their bytes). */
export interface WorkerModelFile {
  path: string;
  file: File;
}

/**
 * Chromium's `Blob.arrayBuffer()` fails from 2047 MiB up; onnxruntime-web fetches external data given as an
 * object URL of the file instead, so big weights never pass through one JS ArrayBuffer.
 */
const ARRAY_BUFFER_LIMIT = 2047 * 1024 * 1024;

/** A graph built in memory (over a safetensors checkpoint) rather than a dropped .onnx file. */
interface GraphBytes {
  path: string;
  bytes: Uint8Array;
}

/**
 * The folder's model as a session: its ONNX file and external data, or the graph built over its safetensors
 * checkpoint, whose external-data locations are the checkpoint files' paths relative to the folder root.
 */
export async function openFolderWebSession(
  ort: typeof Ort,
  files: readonly WorkerModelFile[],
  model: RunnableModel,
  provider: ExecutionProvider,
): Promise<ForwardSession> {
  if (model.format === 'onnx') {
    const onnx = files.find((f) => f.path === model.onnxPath)!;
    // ORT matches `path` against the `location` written in the graph, which is relative to the .onnx file.
    const external = files
      .filter((f) => model.externalData.includes(f.path))
      .map(({ path, file }) => ({ location: path.slice(path.lastIndexOf('/') + 1), file }));
    return openOrtWebSession(ort, onnx, external, provider);
  }
  const runtime = new Set(model.graph.runtimeFiles.map((f) => model.root + f));
  const external = files
    .filter((f) => runtime.has(f.path))
    .map(({ path, file }) => ({ location: path.slice(model.root.length), file }));
  if (model.graph.conversions.length > 0)
    external.push({ location: CONVERTED_BF16_FILE, file: await bf16AsFloat32(files, model) });
  if (model.hostFile) external.push({ location: model.hostFile.location, file: await hostWritten(model.hostFile) });
  return openOrtWebSession(ort, { path: `${model.root}config.json`, bytes: model.graph.model }, external, provider);
}

/**
 * The float32 copies of a checkpoint's BF16 tensors, in the order the graph expects them, read one tensor at a
 * time (a Blob of parts: no single buffer of the whole model).
 */
async function bf16AsFloat32(files: readonly WorkerModelFile[], model: CheckpointModel): Promise<File> {
  const parts: BlobPart[] = [];
  let at = 0;
  for (const { from, targetOffset } of [...model.graph.conversions].sort((a, b) => a.targetOffset - b.targetOffset)) {
    const source = files.find((f) => f.path === model.root + from.location);
    if (!source) throw new Error(`${model.root}${from.location}: not among the picked files`);
    if (targetOffset !== at) throw new Error('BF16 conversion offsets are not contiguous');
    const bytes = new Uint8Array(await source.file.slice(from.offset, from.offset + from.length).arrayBuffer());
    parts.push(decodeBf16(bytes) as Float32Array<ArrayBuffer>);
    at += from.length * 2;
  }
  return new File(parts, CONVERTED_BF16_FILE);
}

/** The host-computed float32 tensors (an adapter merged into its targets), one tensor at a time into a Blob. */
async function hostWritten(host: NonNullable<CheckpointModel['hostFile']>): Promise<File> {
  const parts: BlobPart[] = [];
  for await (const part of host.parts()) parts.push(part as Float32Array<ArrayBuffer>);
  return new File(parts, host.location);
}

/**
 * Opens an onnxruntime-web session over a dropped model. The main graph is read into memory:
 * an ONNX session needs it whole (the one exception to streaming, said in the UI); external data files are
 * handed over as object URLs, revoked on release.
 */
export async function openOrtWebSession(
  ort: typeof Ort,
  model: WorkerModelFile | GraphBytes,
  externalData: readonly { location: string; file: File }[],
  provider: ExecutionProvider,
): Promise<ForwardSession> {
  if (provider === 'cpu') throw new Error('the browser runs models on WebGPU or WASM, not "cpu"');
  const urls: string[] = [];
  const external = externalData.map(({ location, file }) => {
    const url = URL.createObjectURL(file);
    urls.push(url);
    return { path: location, data: url };
  });
  let bytes: Uint8Array | string;
  if ('bytes' in model) {
    bytes = model.bytes;
  } else if (model.file.size < ARRAY_BUFFER_LIMIT) {
    bytes = new Uint8Array(await model.file.arrayBuffer());
  } else {
    bytes = URL.createObjectURL(model.file);
    urls.push(bytes);
  }
  let session: Ort.InferenceSession;
  try {
    const options: Ort.InferenceSession.SessionOptions = {
      executionProviders: [provider],
      ...(external.length ? { externalData: external } : {}),
    };
    session =
      typeof bytes === 'string'
        ? await ort.InferenceSession.create(bytes, options)
        : await ort.InferenceSession.create(bytes, options);
  } catch (error) {
    urls.forEach((u) => URL.revokeObjectURL(u));
    throw new Error(`${model.path}: onnxruntime-web (${provider}) could not load it: ${(error as Error).message}`);
  }
  return {
    inputNames: [...session.inputNames],
    inputs: signatures(session),
    provider,
    async run(feeds: Record<string, FeedTensor>) {
      const ortFeeds: Record<string, Ort.Tensor> = {};
      for (const [name, t] of Object.entries(feeds)) ortFeeds[name] = new ort.Tensor(t.type, t.data, t.dims);
      const output = await session.run(ortFeeds);
      const logits = output.logits ?? output[session.outputNames[0]!];
      if (!logits) throw new Error(`${model.path}: the model returned no output`);
      // getData() downloads from the GPU when the output lives there.
      const data = (await logits.getData()) as Float32Array;
      const result = { logits: Float32Array.from(data), dims: [...logits.dims] };
      for (const t of Object.values(output)) t.dispose();
      return result;
    },
    async release() {
      await session.release();
      urls.forEach((u) => URL.revokeObjectURL(u));
    },
  };
}

/** Input metadata (ORT ≥ 1.20 exposes it); empty past_key_values feeds need the fixed dims. */
function signatures(session: Ort.InferenceSession): InputSignature[] | undefined {
  const meta = (session as unknown as { inputMetadata?: readonly unknown[] }).inputMetadata;
  if (!Array.isArray(meta)) return undefined;
  return meta.flatMap((m) => {
    const { name, isTensor, type, shape } = m as { name: string; isTensor: boolean; type?: string; shape?: unknown[] };
    if (!isTensor) return [];
    const dims = Array.isArray(shape)
      ? shape.map((d) => (typeof d === 'number' || typeof d === 'string' ? d : null))
      : null;
    return [{ name, type: type ?? 'unknown', dims }];
  });
}
