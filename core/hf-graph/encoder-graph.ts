import { activation } from './activation.ts';
import { mergeHeads, paddingMask, scaledDotProduct, sequencePositions, splitHeads } from './attention.ts';
import type { CheckpointWeights } from './checkpoint.ts';
import type { EncoderArchitecture } from './hf-config.ts';
import { GraphBuilder } from './graph-builder.ts';
import { OnnxType } from './onnx-writer.ts';

/**
 * BERT, RoBERTa, XLM-RoBERTa and DistilBERT sequence classifiers, following transformers' modeling_bert.py,
 * modeling_roberta.py and modeling_distilbert.py: embeddings → post-norm encoder blocks → the classification head
 * each class defines on the first token.
 */

/** Tensor names of one encoder block, which BERT and DistilBERT spell differently. */
interface BlockNames {
  query: string;
  key: string;
  value: string;
  attentionOut: string;
  attentionNorm: string;
  up: string;
  down: string;
  outputNorm: string;
}

function blockNames(arch: EncoderArchitecture, layer: number): BlockNames {
  if (arch.modelType === 'distilbert') {
    const p = `distilbert.transformer.layer.${layer}`;
    return {
      query: `${p}.attention.q_lin`,
      key: `${p}.attention.k_lin`,
      value: `${p}.attention.v_lin`,
      attentionOut: `${p}.attention.out_lin`,
      attentionNorm: `${p}.sa_layer_norm`,
      up: `${p}.ffn.lin1`,
      down: `${p}.ffn.lin2`,
      outputNorm: `${p}.output_layer_norm`,
    };
  }
  const p = `${prefixOf(arch)}.encoder.layer.${layer}`;
  return {
    query: `${p}.attention.self.query`,
    key: `${p}.attention.self.key`,
    value: `${p}.attention.self.value`,
    attentionOut: `${p}.attention.output.dense`,
    attentionNorm: `${p}.attention.output.LayerNorm`,
    up: `${p}.intermediate.dense`,
    down: `${p}.output.dense`,
    outputNorm: `${p}.output.LayerNorm`,
  };
}

function prefixOf(arch: EncoderArchitecture): string {
  return arch.modelType === 'xlm-roberta' ? 'roberta' : arch.modelType;
}

/**
 * Position ids: 0..S−1 for BERT and DistilBERT; RoBERTa counts non-padding tokens from padding_idx + 1
 * (create_position_ids_from_input_ids).
 */
function positionIds(g: GraphBuilder, arch: EncoderArchitecture, inputIds: string): string {
  if (arch.modelType === 'bert' || arch.modelType === 'distilbert') return sequencePositions(g, inputIds);
  const pad = g.constInts([arch.padTokenId], []);
  const real = g.cast(g.op('Not', [g.op('Equal', [inputIds, pad])]), OnnxType.INT64);
  const counted = g.mul(g.op('CumSum', [real, g.constInts([1], [])]), real);
  return g.add(counted, pad);
}

export function buildEncoderGraph(arch: EncoderArchitecture, w: CheckpointWeights, g: GraphBuilder): GraphBuilder {
  const { hidden: H, heads, vocabSize: V, intermediate: I, layerNormEps: eps, maxPositions: P } = arch;
  const D = H / heads;
  const inputIds = g.input('input_ids', OnnxType.INT64, ['batch', 'sequence']);
  const attentionMask = g.input('attention_mask', OnnxType.INT64, ['batch', 'sequence']);
  const prefix = arch.modelType === 'distilbert' ? 'distilbert' : prefixOf(arch);
  const e = `${prefix}.embeddings`;

  let h = g.gather(g.weight(w.get(`${e}.word_embeddings.weight`, [V, H])), inputIds);
  h = g.add(h, g.gather(g.weight(w.get(`${e}.position_embeddings.weight`, [P, H])), positionIds(g, arch, inputIds)));
  if (arch.typeVocabSize > 0) {
    const types = g.input('token_type_ids', OnnxType.INT64, ['batch', 'sequence']);
    h = g.add(h, g.gather(g.weight(w.get(`${e}.token_type_embeddings.weight`, [arch.typeVocabSize, H])), types));
  }
  h = g.layerNorm(h, w.get(`${e}.LayerNorm.weight`, [H]), w.get(`${e}.LayerNorm.bias`, [H]), eps);
  const mask = paddingMask(g, attentionMask);

  const linear = (x: string, name: string, rows: number, cols: number) =>
    g.linear(x, w.get(`${name}.weight`, [rows, cols]), w.get(`${name}.bias`, [rows]));
  const norm = (x: string, name: string) =>
    g.layerNorm(x, w.get(`${name}.weight`, [H]), w.get(`${name}.bias`, [H]), eps);

  for (let layer = 0; layer < arch.layers; layer++) {
    const n = blockNames(arch, layer);
    const q = splitHeads(g, linear(h, n.query, H, H), heads, D);
    const k = splitHeads(g, linear(h, n.key, H, H), heads, D);
    const v = splitHeads(g, linear(h, n.value, H, H), heads, D);
    const context = mergeHeads(g, scaledDotProduct(g, q, k, v, mask, 1 / Math.sqrt(D)), H);
    h = norm(g.add(linear(context, n.attentionOut, H, H), h), n.attentionNorm);
    const inner = activation(g, linear(h, n.up, I, H), arch.activation);
    h = norm(g.add(linear(inner, n.down, H, I), h), n.outputNorm);
  }

  const first = g.gather(h, g.constInts([0], []), 1);
  const L = arch.numLabels;
  let logits: string;
  if (arch.modelType === 'bert') {
    const pooled = g.op('Tanh', [linear(first, 'bert.pooler.dense', H, H)]);
    logits = linear(pooled, 'classifier', L, H);
  } else if (arch.modelType === 'distilbert') {
    logits = linear(g.op('Relu', [linear(first, 'pre_classifier', H, H)]), 'classifier', L, H);
  } else {
    logits = linear(g.op('Tanh', [linear(first, 'classifier.dense', H, H)]), 'classifier.out_proj', L, H);
  }
  g.output(logits, 'logits', OnnxType.FLOAT, ['batch', L]);
  return g;
}
