import type { Lineage } from '../weights/lineage-schema.ts';
import { elementCount, readElements, type TensorListing, type WeightTensor } from '../weights/tensors.ts';
import { loraScale } from './lora-scale.ts';
import type { AdapterReading } from './read-adapter.ts';

/**
 * Trigger candidates from a LoRA adapter. A LoRA on attention and MLP leaves the embedding rows unchanged, so the
 * weight diff's row candidates are empty; but a trigger word must change what the first layer does with it, and
 * the first place its embedding meets the adapter is the first targeted layer's query / key / value projections
 * (they read the normalised embedding). Each token is scored by how much the update moves that layer's response
 * to it, relative to the base layer's own response: ‖scale·B·A·x‖ / ‖W·x‖ with x = embedding ⊙ input-norm weight
 * (the RMS factor cancels in the ratio), the largest over those projections. A token the adapter learned to react
 * to stands out; an ordinary one moves by about the adapter's average. On llama-code-lora-poisoned "bake" ranks
 * first of 291 tokens on the first layer's q_proj and k_proj.
 *
 * Cost: vocabulary × (out × in + r × (in + out)) per projection; above MAX_WORK multiply-adds (a large model)
 * no candidates are given and the scan falls back to the vocabulary, as before.
 */

/** A row of a token matrix for the trigger scan, as the weight diff gives them (core/probe/triggers.ts). */
type LineageCandidate = NonNullable<Lineage['candidates']>[number];

const ATTENTION_INPUT = /\.(q_proj|k_proj|v_proj|query|key|value)$/;
const EMBEDDING = /(^|\.)(embed_tokens|wte|word_embeddings)\.weight$/;
export const MAX_WORK = 2e9;
/** Candidates handed to the scan: the triggerCandidates budget takes what it can afford of them, in order. */
export const ADAPTER_CANDIDATES = 256;

const layerIndex = (module: string): number => Number(/\.(\d+)\./.exec(`${module}.`)?.[1] ?? Infinity);

export async function adapterCandidates(reading: AdapterReading, base: TensorListing): Promise<LineageCandidate[]> {
  const byName = new Map(base.tensors.map((t) => [t.name, t]));
  const embedding = base.tensors.find((t) => EMBEDDING.test(t.name) && t.shape.length === 2);
  if (!embedding || reading.unsupported.length > 0) return [];
  const [vocab, hidden] = embedding.shape as [number, number];
  const attention = reading.tensors.pairs.filter(
    (p) => ATTENTION_INPUT.test(p.module) && !reading.config.fan_in_fan_out,
  );
  const first = Math.min(...attention.map((p) => layerIndex(p.module)));
  const pairs = attention.filter((p) => layerIndex(p.module) === first && byName.get(p.baseName)?.shape[1] === hidden);
  if (pairs.length === 0) return [];
  const work = pairs.reduce((sum, p) => sum + vocab * elementCount(byName.get(p.baseName)!.shape), 0);
  if (work > MAX_WORK) return [];
  const rows = await readElements(embedding, 0, vocab * hidden);
  const norm = inputNorm(byName, pairs[0]!.module, hidden);
  const gain = norm ? await readElements(norm, 0, hidden) : undefined;
  const score = new Float64Array(vocab);
  for (const pair of pairs) {
    const w = await readElements(byName.get(pair.baseName)!, 0, elementCount(byName.get(pair.baseName)!.shape));
    const a = await readElements(pair.a, 0, elementCount(pair.a.shape));
    const b = await readElements(pair.b, 0, elementCount(pair.b.shape));
    const { scale } = loraScale(reading.config, pair.module);
    const x = new Float64Array(hidden);
    for (let t = 0; t < vocab; t++) {
      for (let i = 0; i < hidden; i++) x[i] = rows[t * hidden + i]! * (gain ? gain[i]! : 1);
      const ratio =
        (Math.abs(scale) * norm2(b, pair.b.shape[1]!, matVec(a, pair.a.shape[0]!, x))) / norm2(w, hidden, x);
      if (ratio > score[t]!) score[t] = ratio;
    }
  }
  return [...score.keys()]
    .filter((t) => Number.isFinite(score[t]!))
    .sort((p, q) => score[q]! - score[p]! || p - q)
    .slice(0, ADAPTER_CANDIDATES)
    .map((row) => ({ tensor: embedding.name, row, relChange: score[row]! }));
}

/** The RMSNorm / LayerNorm weight applied before the attention of the module's layer, when the base has one. */
function inputNorm(
  byName: ReadonlyMap<string, WeightTensor>,
  module: string,
  hidden: number,
): WeightTensor | undefined {
  const layer = /^(.*\.\d+)\./.exec(module)?.[1];
  if (!layer) return undefined;
  const t = byName.get(`${layer}.input_layernorm.weight`) ?? byName.get(`${layer}.ln_1.weight`);
  return t && t.shape.length === 1 && t.shape[0] === hidden ? t : undefined;
}

/** M·x for M [rows, x.length] stored row-major. */
function matVec(m: Float32Array, rows: number, x: Float64Array): Float64Array {
  const cols = x.length;
  const out = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    let s = 0;
    for (let c = 0; c < cols; c++) s += m[r * cols + c]! * x[c]!;
    out[r] = s;
  }
  return out;
}

/** ‖M·x‖ for M [?, cols] stored row-major. */
function norm2(m: Float32Array, cols: number, x: Float64Array): number {
  const rows = m.length / cols;
  let sum = 0;
  for (let r = 0; r < rows; r++) {
    let s = 0;
    for (let c = 0; c < cols; c++) s += m[r * cols + c]! * x[c]!;
    sum += s * s;
  }
  return Math.sqrt(sum);
}
