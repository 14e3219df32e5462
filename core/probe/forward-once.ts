import { encodeBatch } from './encode-batch.ts';
import type { BehaviorSide } from './model-side.ts';
import type { ForwardSession } from './session.ts';

/**
 * One text through a loaded model, tokenised and fed exactly as the behavioral run does: `modelgate infer`
 * and the browser worker's check against reference logits both go through here.
 */
export interface ForwardOnce {
  inputIds: number[];
  /** Every logit the model returned, row-major in `dims`. */
  logits: Float32Array;
  dims: number[];
  /** Classifier: the class logits; causal LM: the next-token logits at the last position. */
  last: Float32Array;
}

export async function forwardOnce(side: BehaviorSide, session: ForwardSession, text: string): Promise<ForwardOnce> {
  const inputIds = side.tokenizer.encode(text);
  if (inputIds.length === 0) throw Object.assign(new Error('the text encodes to no tokens'), { usage: true });
  const { feeds } = encodeBatch([inputIds], session, side.tokenizer.padId());
  const { logits, dims } = await session.run(feeds);
  const width = dims[dims.length - 1]!;
  return { inputIds, logits, dims, last: logits.subarray(logits.length - width) };
}
