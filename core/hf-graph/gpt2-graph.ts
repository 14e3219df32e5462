import { activation } from './activation.ts';
import { causalMask, mergeHeads, scaledDotProduct, splitHeads } from './attention.ts';
import { headWeight, type CheckpointWeights } from './checkpoint.ts';
import type { Gpt2Architecture } from './hf-config.ts';
import { GraphBuilder } from './graph-builder.ts';
import { OnnxType } from './onnx-writer.ts';

/**
 * GPT-2 causal LM, following transformers' modeling_gpt2.py: learned positions, pre-norm blocks whose linear
 * layers are Conv1D (weights stored [in, out]), a fused q/k/v projection, and the head tied to the token
 * embeddings unless the config unties it.
 */
export function buildGpt2Graph(arch: Gpt2Architecture, w: CheckpointWeights, g: GraphBuilder): GraphBuilder {
  const { hidden: H, heads, vocabSize: V, intermediate: I, layerNormEps: eps, maxPositions: P } = arch;
  const D = H / heads;
  const inputIds = g.input('input_ids', OnnxType.INT64, ['batch', 'sequence']);
  const attentionMask = g.input('attention_mask', OnnxType.INT64, ['batch', 'sequence']);
  const positionIds = g.input('position_ids', OnnxType.INT64, ['batch', 'sequence']);
  // GPT2LMHeadModel saves its body under `transformer.`; a bare GPT2Model checkpoint has no prefix.
  const t = w.has('transformer.wte.weight') ? 'transformer.' : '';

  const embeddings = w.get(`${t}wte.weight`, [V, H]);
  let h = g.add(
    g.gather(g.weight(embeddings), inputIds),
    g.gather(g.weight(w.get(`${t}wpe.weight`, [P, H])), positionIds),
  );
  const mask = causalMask(g, inputIds, attentionMask);
  const norm = (x: string, name: string) =>
    g.layerNorm(x, w.get(`${name}.weight`, [H]), w.get(`${name}.bias`, [H]), eps);
  const conv = (x: string, name: string, inSize: number, outSize: number) =>
    g.conv1d(x, w.get(`${name}.weight`, [inSize, outSize]), w.get(`${name}.bias`, [outSize]));

  for (let layer = 0; layer < arch.layers; layer++) {
    const p = `${t}h.${layer}`;
    const qkv = conv(norm(h, `${p}.ln_1`), `${p}.attn.c_attn`, H, 3 * H);
    const [q, k, v] = g.opMulti('Split', [qkv, g.constInts([H, H, H])], 3, { axis: -1 });
    const scale = arch.scaleAttention ? 1 / Math.sqrt(D) : 1;
    const context = scaledDotProduct(
      g,
      splitHeads(g, q!, heads, D),
      splitHeads(g, k!, heads, D),
      splitHeads(g, v!, heads, D),
      mask,
      scale,
    );
    h = g.add(h, conv(mergeHeads(g, context, H), `${p}.attn.c_proj`, H, H));
    const inner = activation(g, conv(norm(h, `${p}.ln_2`), `${p}.mlp.c_fc`, H, I), arch.activation);
    h = g.add(h, conv(inner, `${p}.mlp.c_proj`, I, H));
  }

  h = norm(h, `${t}ln_f`);
  g.output(g.linear(h, headWeight(arch, w, embeddings)), 'logits', OnnxType.FLOAT, ['batch', 'sequence', V]);
  return g;
}
