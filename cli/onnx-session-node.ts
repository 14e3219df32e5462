import * as ort from 'onnxruntime-node';
import type { FeedTensor, ForwardSession, InputSignature } from '../core/probe/session.ts';

/**
 * ForwardSession over onnxruntime-node (CPU): loads an ONNX file by path, so external data next to it
 * (`model.onnx_data`) is found by the runtime itself.
 */
export async function openNodeSession(modelPath: string, options: { threads?: number } = {}): Promise<ForwardSession> {
  const session = await ort.InferenceSession.create(modelPath, {
    executionProviders: ['cpu'],
    graphOptimizationLevel: 'all',
    ...(options.threads ? { intraOpNumThreads: options.threads } : {}),
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
