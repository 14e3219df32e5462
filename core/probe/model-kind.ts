import type { ModelConfig } from './model-folder.ts';
import type { InputSignature } from './session.ts';
import type { ModelKind } from './types.ts';

/**
 * Classifier or causal LM, from config.json (`…ForSequenceClassification` / `…ForCausalLM`,
 * `id2label`) and the ONNX signature (past_key_values inputs, logits rank). A user override wins; when
 * the two sources disagree or neither tells, the error says what was seen.
 */

export interface ModelSignature {
  inputs: readonly InputSignature[];
  outputs: readonly InputSignature[];
}

export interface KindDecision {
  kind: ModelKind;
  /** Plain words: which evidence decided. */
  reasons: string[];
}

function fromConfig(config: ModelConfig | undefined): { kind?: ModelKind; reason?: string } {
  const arch = config?.architectures ?? [];
  if (arch.some((a) => /For(Sequence|Text)Classification$/.test(a)))
    return { kind: 'classifier', reason: `config architectures ${arch.join(', ')}` };
  if (arch.some((a) => /(ForCausalLM|LMHeadModel)$/.test(a)))
    return { kind: 'causal-lm', reason: `config architectures ${arch.join(', ')}` };
  return {};
}

function fromSignature(sig: ModelSignature | undefined): { kind?: ModelKind; reason?: string } {
  if (!sig) return {};
  if (sig.inputs.some((i) => i.name.startsWith('past_key_values')))
    return { kind: 'causal-lm', reason: 'ONNX inputs include past_key_values.*' };
  return fromLogitsRank(sig);
}

function fromLogitsRank(sig: ModelSignature | undefined): { kind?: ModelKind; reason?: string } {
  if (!sig) return {};
  const logits = sig.outputs.find((o) => o.name === 'logits') ?? sig.outputs[0];
  const rank = logits?.dims?.length;
  if (rank === 3) return { kind: 'causal-lm', reason: `ONNX output ${logits!.name} has rank 3 [batch, seq, vocab]` };
  if (rank === 2) return { kind: 'classifier', reason: `ONNX output ${logits!.name} has rank 2 [batch, labels]` };
  return {};
}

export function detectModelKind(opts: {
  config?: ModelConfig;
  signature?: ModelSignature;
  override?: ModelKind;
}): KindDecision {
  if (opts.override) {
    // A rank-2 output cannot be read as next-token logits, nor a rank-3 one as class scores.
    const ranked = fromLogitsRank(opts.signature);
    if (ranked.kind && ranked.kind !== opts.override) {
      throw new Error(
        `--kind ${opts.override} contradicts the ONNX model: ${ranked.reason}, so it is a ${ranked.kind}; leave out --kind or choose ${ranked.kind}`,
      );
    }
    return { kind: opts.override, reasons: ['chosen by the user'] };
  }
  const c = fromConfig(opts.config);
  const s = fromSignature(opts.signature);
  if (c.kind && s.kind && c.kind !== s.kind) {
    throw new Error(
      `model kind is ambiguous: ${c.reason} says ${c.kind} but ${s.reason} says ${s.kind}; choose one with --kind`,
    );
  }
  const kind = s.kind ?? c.kind;
  if (kind) return { kind, reasons: [c.reason, s.reason].filter((r): r is string => !!r) };
  if (opts.config?.id2label && Object.keys(opts.config.id2label).length > 0 && !s.kind)
    return { kind: 'classifier', reasons: ['config id2label present'] };
  throw new Error(
    'cannot tell whether this is a classifier or a causal LM: config.json names no …ForSequenceClassification / …ForCausalLM architecture and the ONNX logits rank is unknown; choose one with --kind classifier|causal-lm',
  );
}
