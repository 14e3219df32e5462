import type { ExecutionProvider } from './types.ts';

/**
 * One loaded model as the behavioral run sees it: int64 [batch, seq] token feeds in, logits out.
 * The browser worker wraps onnxruntime-web, the CLI onnxruntime-node (cli/onnx-session-node.ts), unit
 * tests a deterministic fake.
 */

export type FeedType = 'int64' | 'float32' | 'float16';

/** A graph input's signature: `dims` holds numbers, symbolic names (strings) or null (unknown). */
export interface InputSignature {
  name: string;
  type: FeedType | string;
  dims: readonly (number | string | null)[] | null;
}

export interface FeedTensor {
  type: FeedType;
  data: BigInt64Array | Float32Array | Uint16Array;
  dims: number[];
}

export interface ForwardOutput {
  /** Row-major: classifiers [batch, labels], causal LMs [batch, seq, vocab]. */
  logits: Float32Array;
  dims: number[];
}

export interface ForwardSession {
  readonly inputNames: readonly string[];
  /** Types and shapes of the inputs when the runtime or the ONNX reader knows them (needed for past_key_values). */
  readonly inputs?: readonly InputSignature[];
  readonly provider: ExecutionProvider;
  run(feeds: Record<string, FeedTensor>): Promise<ForwardOutput>;
  release(): Promise<void>;
}

/** ONNX TensorProto.DataType → feed type name, for signatures read by core/formats/onnx.ts. */
export function onnxTypeName(elemType: number): string {
  return (
    ({ 1: 'float32', 7: 'int64', 10: 'float16', 6: 'int32', 9: 'bool', 16: 'bfloat16' } as Record<number, string>)[
      elemType
    ] ?? `type-${elemType}`
  );
}
