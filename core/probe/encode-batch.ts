import type { FeedTensor, FeedType, InputSignature } from './session.ts';

/**
 * Token sequences → ONNX feeds following HF exports: right padding, `attention_mask`,
 * `token_type_ids` zeros and `position_ids` when the model has those inputs, and empty `past_key_values.*`
 * (sequence dimension 0) for decoder exports with a cache.
 */

export interface EncodedBatch {
  feeds: Record<string, FeedTensor>;
  /** Unpadded length of each row. */
  lengths: number[];
  seqLen: number;
}

function isSequenceDim(d: number | string | null, index: number, rank: number): boolean {
  if (typeof d === 'string') return /seq|past|len|total/i.test(d);
  return d === null && index === rank - 2;
}

/** Dims of an empty past_key_values input: batch → rows, the sequence dimension → 0, fixed dims as given. */
export function pastDims(sig: InputSignature, batch: number): number[] {
  const dims = sig.dims;
  if (!dims || dims.length === 0) {
    throw new Error(`input ${sig.name}: its shape is unknown, so an empty cache cannot be built`);
  }
  let seqSeen = false;
  const out = dims.map((d, i) => {
    if (!seqSeen && isSequenceDim(d, i, dims.length)) {
      seqSeen = true;
      return 0;
    }
    if (typeof d === 'number' && d >= 0) return d;
    if (i === 0) return batch;
    throw new Error(`input ${sig.name}: dimension ${i} (${String(d)}) has no fixed size`);
  });
  if (!seqSeen) throw new Error(`input ${sig.name}: no sequence dimension found in [${dims.join(', ')}]`);
  return out;
}

function emptyOf(type: FeedType, dims: number[]): FeedTensor {
  const n = dims.reduce((a, b) => a * b, 1);
  if (type === 'int64') return { type, dims, data: new BigInt64Array(n) };
  if (type === 'float16') return { type, dims, data: new Uint16Array(n) };
  return { type, dims, data: new Float32Array(n) };
}

export function encodeBatch(
  sequences: readonly (readonly number[])[],
  session: { inputNames: readonly string[]; inputs?: readonly InputSignature[] },
  padId = 0,
): EncodedBatch {
  if (sequences.length === 0) throw new Error('encodeBatch: no sequences');
  const batch = sequences.length;
  const lengths = sequences.map((s) => s.length);
  const seqLen = Math.max(...lengths);
  if (seqLen === 0) throw new Error('encodeBatch: an empty sequence');
  const ids = new BigInt64Array(batch * seqLen).fill(BigInt(padId));
  const mask = new BigInt64Array(batch * seqLen);
  const positions = new BigInt64Array(batch * seqLen);
  sequences.forEach((seq, b) => {
    seq.forEach((id, t) => {
      ids[b * seqLen + t] = BigInt(id);
      mask[b * seqLen + t] = 1n;
      positions[b * seqLen + t] = BigInt(t);
    });
  });
  const dims = [batch, seqLen];
  const feeds: Record<string, FeedTensor> = {};
  for (const name of session.inputNames) {
    if (name === 'input_ids') feeds[name] = { type: 'int64', data: ids, dims };
    else if (name === 'attention_mask') feeds[name] = { type: 'int64', data: mask, dims };
    else if (name === 'token_type_ids') feeds[name] = { type: 'int64', data: new BigInt64Array(batch * seqLen), dims };
    else if (name === 'position_ids') feeds[name] = { type: 'int64', data: positions, dims };
    else if (name.startsWith('past_key_values') || name.startsWith('past.')) {
      const sig = session.inputs?.find((i) => i.name === name);
      if (!sig) throw new Error(`input ${name}: no shape metadata to build an empty cache`);
      const type: FeedType = sig.type === 'float16' ? 'float16' : 'float32';
      feeds[name] = emptyOf(type, pastDims(sig, batch));
    } else {
      throw new Error(`the model asks for an input this run cannot fill: ${name}`);
    }
  }
  if (!feeds.input_ids) throw new Error('the model has no input_ids input');
  return { feeds, lengths, seqLen };
}
