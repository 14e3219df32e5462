import { findModelFiles } from './model-folder.ts';

/**
 * How much memory the browser's inference worker needs to run one model, said before it is loaded. onnxruntime
 * needs a model whole: an ONNX export is read into memory and copied into the runtime (2× its size). A
 * safetensors checkpoint's weights become float32, held three times while the session is created: the float32
 * copy the worker makes of BF16 weights (onnxruntime-web has no bfloat16), the runtime's fetch of it, and its
 * heap; for 16-bit weights that is 6× the file. Measured on a 1 GB BF16 Qwen2-0.5B-shaped checkpoint: about
 * 9 GiB above the page's own at the peak, before the runtime stopped reading the checkpoint a second time.
 * The two models of a comparison run one after the other, so the larger one sets the peak.
 */

export interface RuntimeMemory {
  /** What the worker loads: the folder's ONNX export or a graph built over its safetensors checkpoint. */
  source: 'onnx' | 'safetensors';
  /** Bytes of the files the runtime reads. */
  fileBytes: number;
  /** Estimated peak bytes the worker holds while the model runs. */
  estimateBytes: number;
}

interface SizedFile {
  path: string;
  size: number;
}

/** The dtype is not known before the headers are read: the estimate assumes 16-bit weights, the larger case. */
const CHECKPOINT_FACTOR = 6;

export function runtimeMemory(files: readonly SizedFile[]): RuntimeMemory | undefined {
  const found = findModelFiles(files.map((f) => f.path));
  const sizeOf = (paths: readonly string[]) =>
    files.filter((f) => paths.includes(f.path)).reduce((sum, f) => sum + f.size, 0);
  if (found.onnx) {
    const bytes = sizeOf([found.onnx, ...found.externalData]);
    return { source: 'onnx', fileBytes: bytes, estimateBytes: 2 * bytes };
  }
  if (!found.config) return undefined;
  const root = found.config.slice(0, found.config.lastIndexOf('/') + 1);
  const checkpoint = files
    .map((f) => f.path)
    .filter((p) => p.startsWith(root) && !p.slice(root.length).includes('/') && p.endsWith('.safetensors'));
  const single = checkpoint.includes(`${root}model.safetensors`);
  const shards = files.some((f) => f.path === `${root}model.safetensors.index.json`);
  if (!single && !shards) return undefined;
  const bytes = sizeOf(single && !shards ? [`${root}model.safetensors`] : checkpoint);
  return { source: 'safetensors', fileBytes: bytes, estimateBytes: CHECKPOINT_FACTOR * bytes };
}
