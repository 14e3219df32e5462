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
  // Longer than the model's positions is refused by length, naming the limit, before the runtime sees it.
  const inputIds = side.tokenizer.encodeChecked(text, 'the text');
  const vocab = side.config?.vocab_size;
  const outside = vocab === undefined ? undefined : inputIds.find((id) => id >= vocab);
  if (outside !== undefined)
    throw new Error(
      `tokenizer.json: token id ${outside} is outside the model's vocabulary (config.json vocab_size ${vocab})`,
    );
  if (inputIds.length === 0) throw Object.assign(new Error('the text encodes to no tokens'), { usage: true });
  const { feeds } = encodeBatch([inputIds], session, side.tokenizer.padId());
  const { logits, dims } = await session.run(feeds);
  const width = dims[dims.length - 1]!;
  return { inputIds, logits, dims, last: logits.subarray(logits.length - width) };
}
