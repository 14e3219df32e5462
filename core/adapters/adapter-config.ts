import { z } from 'zod';

/**
 * `adapter_config.json` as peft (0.21) writes it, for the fields that decide what an adapter does to its base.
 * Every other key is kept (passthrough) so that one ModelGate does not know can be named, never silently
 * dropped: `unknownEffects` lists the keys that change the forward pass and are not followed.
 */

const patternMap = z.record(z.string().max(1000), z.number().positive()).default({});

export const AdapterConfigSchema = z
  .object({
    peft_type: z.string().max(100),
    base_model_name_or_path: z.string().max(1000).nullable().optional(),
    task_type: z.string().max(100).nullable().optional(),
    r: z.number().int().positive().optional(),
    lora_alpha: z.number().positive().optional(),
    use_rslora: z.boolean().default(false),
    use_dora: z.boolean().default(false),
    /** A list of module names (matched as the name or its last segments) or one regex over the full name. */
    target_modules: z
      .union([z.array(z.string().max(1000)).max(10_000), z.string().max(10_000)])
      .nullable()
      .optional(),
    modules_to_save: z.array(z.string().max(1000)).max(10_000).nullable().optional(),
    bias: z.enum(['none', 'all', 'lora_only']).default('none'),
    fan_in_fan_out: z.boolean().default(false),
    layers_to_transform: z
      .union([z.array(z.number().int().nonnegative()), z.number().int().nonnegative()])
      .nullable()
      .optional(),
    rank_pattern: patternMap.nullable().transform((v) => v ?? {}),
    alpha_pattern: patternMap.nullable().transform((v) => v ?? {}),
  })
  .passthrough();

export type AdapterConfig = z.infer<typeof AdapterConfigSchema>;

/**
 * Keys that change the forward pass in ways this reading does not follow; set to anything but their neutral
 * value, the adapter is unsupported (a finding, and "could not verify" for behavior).
 */
const NEUTRAL: Readonly<Record<string, (v: unknown) => boolean>> = {
  lora_bias: (v) => v === false || v == null,
  target_parameters: (v) => v == null || (Array.isArray(v) && v.length === 0),
  trainable_token_indices: (v) => v == null,
  layer_replication: (v) => v == null,
  modules_to_tie: (v) => v == null,
  alora_invocation_tokens: (v) => v == null,
  // PiSSA, OLoRA, CorDA and LoftQ rewrite the base weight when peft builds the LoRA layers, on load too: what
  // runs is not W + s·B·A with the base's W.
  init_lora_weights: (v) => v == null || v === true || v === false || v === 'gaussian',
  // Modules peft leaves alone although target_modules names them (their saved pairs are ignored).
  exclude_modules: (v) => v == null || (Array.isArray(v) && v.length === 0),
  // Which number in a module's name is the layer index for layers_to_transform.
  layers_pattern: (v) => v == null || (Array.isArray(v) && v.length === 0),
};

export function unknownEffects(config: AdapterConfig): string[] {
  const raw = config as Record<string, unknown>;
  return Object.entries(NEUTRAL)
    .filter(([key, neutral]) => key in raw && !neutral(raw[key]))
    .map(([key]) => `${key} = ${JSON.stringify(raw[key])}`);
}
