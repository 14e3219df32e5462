import type { RuntimeMemory } from '@/core/probe/runtime-memory';
import { formatBytes } from './format';

/** What running a picked model for the behavioral comparison costs in memory, said before it is loaded. */
export function RuntimeMemoryNote({ memory, testId }: { memory: RuntimeMemory | undefined; testId: string }) {
  if (!memory) return null;
  const source =
    memory.source === 'onnx'
      ? `its ONNX model (${formatBytes(memory.fileBytes)})`
      : `its safetensors checkpoint (${formatBytes(memory.fileBytes)}), through a graph built from config.json`;
  return (
    <p className="mt-1 text-sm text-slate-700" data-testid={testId} data-estimate-bytes={memory.estimateBytes}>
      Behavior runs {source}. The runtime holds a model whole: up to {formatBytes(memory.estimateBytes)} of memory while
      it runs
      {memory.source === 'safetensors'
        ? ' (its weights as float32, held three times while the runtime loads them)'
        : ''}
      .
    </p>
  );
}
