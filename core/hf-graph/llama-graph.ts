import { causalMask, mergeHeads, repeatHeads, scaledDotProduct, splitHeads } from './attention.ts';
import { headWeight, type CheckpointWeights } from './checkpoint.ts';
import type { LlamaArchitecture } from './hf-config.ts';
import { GraphBuilder } from './graph-builder.ts';
import { OnnxType } from './onnx-writer.ts';
import { ropePositions, ropeTables } from './rope.ts';

/**
 * Llama, Mistral, Qwen2 and Qwen3 causal LMs, following transformers' modeling_llama.py (and the Qwen3 q/k
 * RMSNorm of modeling_qwen3.py): pre-norm blocks of RMSNorm → grouped-query attention with rotary positions →
 * RMSNorm → SwiGLU MLP; final RMSNorm and the LM head (tied to the embeddings when the config says).
 */

/**
 * cos and sin of position · inverse frequency, duplicated over both halves, gathered by position from tables
 * computed here: [batch, 1, seq, head_dim]. Not Cos/Sin in the graph, because WGSL's sin and cos are only
 * accurate to 2⁻¹¹, which moved WebGPU logits 1.4e-4 away from transformers.
 */
function rotaryTables(g: GraphBuilder, positionIds: string, arch: LlamaArchitecture): { cos: string; sin: string } {
  const { cos, sin } = ropeTables(arch.headDim, arch.ropeTheta, arch.rope, ropePositions(arch));
  const dims = [ropePositions(arch), arch.headDim];
  const at = (table: Float32Array) => g.unsqueeze(g.gather(g.constFloats(table, dims), positionIds), [1]);
  return { cos: at(cos), sin: at(sin) };
}

/** x·cos + rotate_half(x)·sin, where rotate_half(x) = [−x₂, x₁]. */
function rotate(g: GraphBuilder, x: string, cos: string, sin: string, headDim: number): string {
  const half = headDim / 2;
  const [x1, x2] = g.opMulti('Split', [x, g.constInts([half, half])], 2, { axis: -1 });
  const rotated = g.concat([g.op('Neg', [x2!]), x1!], -1);
  return g.add(g.mul(x, cos), g.mul(rotated, sin));
}

export function buildLlamaGraph(arch: LlamaArchitecture, w: CheckpointWeights, g: GraphBuilder): GraphBuilder {
  const { hidden: H, heads, kvHeads, headDim: D, vocabSize: V, rmsNormEps: eps, intermediate: I } = arch;
  const inputIds = g.input('input_ids', OnnxType.INT64, ['batch', 'sequence']);
  const attentionMask = g.input('attention_mask', OnnxType.INT64, ['batch', 'sequence']);
  const positionIds = g.input('position_ids', OnnxType.INT64, ['batch', 'sequence']);

  const embeddings = w.get('model.embed_tokens.weight', [V, H]);
  let h = g.gather(g.weight(embeddings), inputIds);
  const mask = causalMask(g, inputIds, attentionMask, arch.slidingWindow);
  const { cos, sin } = rotaryTables(g, positionIds, arch);

  for (let layer = 0; layer < arch.layers; layer++) {
    const p = `model.layers.${layer}`;
    const bias = (name: string, size: number, present: boolean) => (present ? w.get(name, [size]) : undefined);
    const x = g.rmsNorm(h, w.get(`${p}.input_layernorm.weight`, [H]), eps);
    const project = (name: string, rows: number) =>
      g.linear(
        x,
        w.get(`${p}.self_attn.${name}.weight`, [rows, H]),
        bias(`${p}.self_attn.${name}.bias`, rows, arch.qkvBias),
      );
    let q = splitHeads(g, project('q_proj', heads * D), heads, D);
    let k = splitHeads(g, project('k_proj', kvHeads * D), kvHeads, D);
    const v = splitHeads(g, project('v_proj', kvHeads * D), kvHeads, D);
    if (arch.qkNorm) {
      q = g.rmsNorm(q, w.get(`${p}.self_attn.q_norm.weight`, [D]), eps);
      k = g.rmsNorm(k, w.get(`${p}.self_attn.k_norm.weight`, [D]), eps);
    }
    q = rotate(g, q, cos, sin, D);
    k = rotate(g, k, cos, sin, D);
    const times = heads / kvHeads;
    const context = scaledDotProduct(
      g,
      q,
      repeatHeads(g, k, kvHeads, times, D),
      repeatHeads(g, v, kvHeads, times, D),
      mask,
      1 / Math.sqrt(D),
    );
    const attended = g.linear(
      mergeHeads(g, context, heads * D),
      w.get(`${p}.self_attn.o_proj.weight`, [H, heads * D]),
      bias(`${p}.self_attn.o_proj.bias`, H, arch.outputBias),
    );
    h = g.add(h, attended);

    const y = g.rmsNorm(h, w.get(`${p}.post_attention_layernorm.weight`, [H]), eps);
    const mlp = (name: string, shape: [number, number], size: number) =>
      [w.get(`${p}.mlp.${name}.weight`, shape), bias(`${p}.mlp.${name}.bias`, size, arch.mlpBias)] as const;
    const gate = g.silu(g.linear(y, ...mlp('gate_proj', [I, H], I)));
    const up = g.linear(y, ...mlp('up_proj', [I, H], I));
    h = g.add(h, g.linear(g.mul(gate, up), ...mlp('down_proj', [H, I], H)));
  }

  h = g.rmsNorm(h, w.get('model.norm.weight', [H]), eps);
  g.output(g.linear(h, headWeight(arch, w, embeddings)), 'logits', OnnxType.FLOAT, ['batch', 'sequence', V]);
  return g;
}
