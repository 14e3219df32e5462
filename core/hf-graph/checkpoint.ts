import type { NotCompared, WeightTensor } from '../weights/tensors.ts';
import type { CheckpointTensor } from './graph-builder.ts';

/**
 * The tensors of a safetensors checkpoint by name, with where each one's bytes lie. A graph asks for the tensors
 * its modelling code reads, with the shape the config implies: a missing tensor or a wrong shape is an error
 * naming both, never a silent zero.
 */
export class CheckpointWeights {
  private readonly byName: ReadonlyMap<string, CheckpointTensor>;
  private readonly unreadable: ReadonlyMap<string, NotCompared>;

  /**
   * @param root the folder the `location` of external data is relative to (ends with '/' or is empty)
   * @param unreadable tensors whose dtype cannot be run, so that asking for one says why
   */
  constructor(tensors: readonly WeightTensor[], root: string, unreadable: readonly NotCompared[] = []) {
    this.unreadable = new Map(unreadable.map((u) => [u.name, u]));
    const map = new Map<string, CheckpointTensor>();
    for (const t of tensors) {
      const elements = t.shape.reduce((a, b) => a * b, 1);
      const location = t.file.name.startsWith(root) ? t.file.name.slice(root.length) : t.file.name;
      map.set(t.name, {
        name: t.name,
        dtype: t.dtype,
        shape: t.shape,
        ref: { location, offset: t.start, length: elements * t.elementBytes },
      });
    }
    this.byName = map;
  }

  has(name: string): boolean {
    return this.lookup(name) !== undefined;
  }

  /** Older BERT-family checkpoints name LayerNorm parameters gamma/beta; transformers renames them on load. */
  private lookup(name: string): CheckpointTensor | undefined {
    return (
      this.byName.get(name) ??
      this.byName.get(name.replace(/LayerNorm\.weight$/, 'LayerNorm.gamma')) ??
      this.byName.get(name.replace(/LayerNorm\.bias$/, 'LayerNorm.beta'))
    );
  }

  get(name: string, shape: readonly number[]): CheckpointTensor {
    const t = this.lookup(name);
    if (!t) {
      const why = this.unreadable.get(name);
      if (why) throw new Error(`${why.file}: tensor ${name} cannot be run: ${why.reason}`);
      throw new Error(`the checkpoint has no tensor ${name}, which the config's architecture needs`);
    }
    if (t.shape.length !== shape.length || t.shape.some((d, i) => d !== shape[i]))
      throw new Error(`tensor ${name} has shape [${t.shape.join(', ')}], the config implies [${shape.join(', ')}]`);
    return t;
  }

  /** The tensor when the modelling code has it only under a flag the checkpoint may or may not carry. */
  optional(name: string, shape: readonly number[]): CheckpointTensor | undefined {
    return this.has(name) ? this.get(name, shape) : undefined;
  }
}

/**
 * The LM head: a stored lm_head.weight is used even when the config ties it to the embeddings, as
 * transformers 5 does (it ties only a head the checkpoint does not store); without one, the embeddings.
 */
export function headWeight(
  arch: { tiedEmbeddings: boolean; vocabSize: number; hidden: number },
  w: CheckpointWeights,
  embeddings: CheckpointTensor,
): CheckpointTensor {
  const shape = [arch.vocabSize, arch.hidden];
  if (arch.tiedEmbeddings) return w.optional('lm_head.weight', shape) ?? embeddings;
  return w.get('lm_head.weight', shape);
}
