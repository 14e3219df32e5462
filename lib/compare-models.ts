import { proxy, wrap } from 'comlink';
import type { CompareResult, WeightsWorkerApi } from '@/workers/weights.worker';
import type { ModelFile } from './model-files';

/**
 * Compares a fine-tune's weights with its declared base in the weights worker (WebGPU when the browser has
 * it, else the CPU), then ends the worker. Both folders stay on this machine: the worker reads them in chunks.
 */
export async function compareInWorker(
  base: readonly ModelFile[],
  finetune: readonly ModelFile[],
  onProgress: (done: number, total: number, tensor: string) => void,
): Promise<CompareResult> {
  const worker = new Worker('/workers/weights.worker.js', { type: 'module', name: 'weights' });
  try {
    const api = wrap<WeightsWorkerApi>(worker);
    const plain = (files: readonly ModelFile[]) => files.map(({ path, file }) => ({ path, file }));
    return await api.compare(plain(base), plain(finetune), true, proxy(onProgress));
  } finally {
    worker.terminate();
  }
}
