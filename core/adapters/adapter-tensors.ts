import type { WeightTensor } from '../weights/tensors.ts';

/**
 * The tensors of `adapter_model.safetensors` by what they do to the base. peft 0.21 saves a LoRA module
 * `model.layers.0.self_attn.q_proj` of a `*ForCausalLM` as
 * `base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight` [r, in] and `….lora_B.weight` [out, r]
 * (the adapter name "default" is dropped); a module of `modules_to_save` and a saved bias (bias = all /
 * lora_only) under the base tensor's own name, which replaces the base's on load. Anything else (DoRA's
 * `lora_magnitude_vector`, embedding LoRA's `lora_embedding_A/B`, IA3's `ia3_l`, LoHa, LoKr, …) is
 * unrecognised and listed as such.
 */

/** peft's prefix of every saved key: `PeftModel.base_model` (the tuner) `.model` (the wrapped base). */
export const PEFT_PREFIX = 'base_model.model.';

export interface LoraPair {
  /** The module in the base, e.g. `model.layers.0.self_attn.q_proj`. */
  module: string;
  /** The base tensor it updates: `${module}.weight`. */
  baseName: string;
  a: WeightTensor;
  b: WeightTensor;
}

export interface Replacement {
  baseName: string;
  tensor: WeightTensor;
}

export interface AdapterTensors {
  pairs: LoraPair[];
  replacements: Replacement[];
  /** Saved names this reading does not know, with why. */
  unrecognised: { name: string; reason: string }[];
}

// peft also loads the names it holds in memory, with the adapter name "default" (`lora_A.default.weight`).
const LORA_PART = /^(.+)\.lora_(A|B)(?:\.default)?\.weight$/;
/** Names of adapter kinds other than plain LoRA: their presence means the update is not W + s·B·A. */
const OTHER_KIND =
  /\.(lora_magnitude_vector|lora_embedding_[AB]|lora_B\.bias|ia3_l|hada_|lokr_|oft_|boft_|vera_|ln_tuning|prompt_embeddings)/;

export function classifyAdapterTensors(tensors: readonly WeightTensor[]): AdapterTensors {
  const halves = new Map<string, { a?: WeightTensor; b?: WeightTensor }>();
  const out: AdapterTensors = { pairs: [], replacements: [], unrecognised: [] };
  for (const t of tensors) {
    if (!t.name.startsWith(PEFT_PREFIX)) {
      out.unrecognised.push({ name: t.name, reason: `not under peft's prefix ${PEFT_PREFIX}` });
      continue;
    }
    const inner = t.name.slice(PEFT_PREFIX.length);
    const kind = OTHER_KIND.exec(inner);
    if (kind) {
      out.unrecognised.push({ name: t.name, reason: `${kind[1]} is not a plain LoRA tensor` });
      continue;
    }
    const part = LORA_PART.exec(inner);
    if (!part) {
      out.replacements.push({ baseName: inner, tensor: t });
      continue;
    }
    const half = halves.get(part[1]!) ?? {};
    const which = part[2] === 'A' ? 'a' : 'b';
    if (half[which]) {
      // With and without the adapter name: both load into the same parameter, and which wins is peft's order.
      out.unrecognised.push({ name: t.name, reason: `lora_${part[2]} of ${part[1]} is saved twice` });
      continue;
    }
    half[which] = t;
    halves.set(part[1]!, half);
  }
  for (const [module, { a, b }] of [...halves].sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0))) {
    if (!a || !b) {
      const missing = `${PEFT_PREFIX}${module}.lora_${a ? 'B' : 'A'}.weight`;
      out.unrecognised.push({ name: missing, reason: 'the other half is missing' });
      continue;
    }
    out.pairs.push({ module, baseName: `${module}.weight`, a, b });
  }
  return out;
}
