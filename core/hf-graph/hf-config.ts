import { z } from 'zod';

/**
 * The hyper-parameters a graph needs, read from a Hugging Face config.json per model_type. Each family's keys are
 * those its `transformers` configuration class defines; values we cannot run (an activation, a RoPE type, a
 * flag that changes the maths) are refused by name rather than ignored.
 */

export type ModelTask = 'classifier' | 'causal-lm';

export const SUPPORTED_MODEL_TYPES = [
  'bert',
  'roberta',
  'xlm-roberta',
  'distilbert',
  'gpt2',
  'llama',
  'mistral',
  'qwen2',
  'qwen3',
] as const;
export type SupportedModelType = (typeof SUPPORTED_MODEL_TYPES)[number];

/** The model_type or architecture cannot be run: the message lists what can. */
export class UnsupportedModelError extends Error {
  constructor(what: string) {
    super(`${what} is not supported yet; supported are ${SUPPORTED_MODEL_TYPES.join(', ')}`);
    this.name = 'UnsupportedModelError';
  }
}

export type RopeScaling =
  | { type: 'default' }
  | { type: 'linear'; factor: number }
  | { type: 'llama3'; factor: number; lowFreqFactor: number; highFreqFactor: number; originalMaxPositions: number };

export interface EncoderArchitecture {
  family: 'encoder';
  modelType: 'bert' | 'roberta' | 'xlm-roberta' | 'distilbert';
  task: 'classifier';
  vocabSize: number;
  hidden: number;
  layers: number;
  heads: number;
  activation: 'gelu' | 'gelu_new' | 'relu';
  layerNormEps: number;
  intermediate: number;
  typeVocabSize: number;
  padTokenId: number;
  numLabels: number;
  maxPositions: number;
}

export interface Gpt2Architecture {
  family: 'gpt2';
  modelType: 'gpt2';
  task: 'causal-lm';
  vocabSize: number;
  hidden: number;
  layers: number;
  heads: number;
  activation: 'gelu' | 'gelu_new' | 'relu';
  intermediate: number;
  layerNormEps: number;
  maxPositions: number;
  scaleAttention: boolean;
  tiedEmbeddings: boolean;
}

export interface LlamaArchitecture {
  family: 'llama';
  modelType: 'llama' | 'mistral' | 'qwen2' | 'qwen3';
  task: 'causal-lm';
  vocabSize: number;
  hidden: number;
  layers: number;
  heads: number;
  kvHeads: number;
  headDim: number;
  intermediate: number;
  rmsNormEps: number;
  ropeTheta: number;
  rope: RopeScaling;
  /** Biases of the q, k and v projections, and of the output projection. */
  qkvBias: boolean;
  outputBias: boolean;
  mlpBias: boolean;
  qkNorm: boolean;
  tiedEmbeddings: boolean;
  /** Keys further back than this are masked (Mistral, Qwen2 with use_sliding_window). */
  slidingWindow?: number;
  maxPositions: number;
}

export type Architecture = EncoderArchitecture | Gpt2Architecture | LlamaArchitecture;

const int = z
  .number()
  .int()
  .positive()
  .max(1 << 24);
const eps = z.number().positive().max(1);

const Activation = z.enum(['gelu', 'gelu_new', 'relu']);

const BertConfig = z.looseObject({
  vocab_size: int,
  hidden_size: int,
  num_hidden_layers: int.max(1024),
  num_attention_heads: int,
  intermediate_size: int,
  hidden_act: Activation.default('gelu'),
  layer_norm_eps: eps.default(1e-12),
  type_vocab_size: z
    .number()
    .int()
    .nonnegative()
    .max(1 << 16)
    .default(2),
  max_position_embeddings: int,
  pad_token_id: z.number().int().nonnegative().nullish(),
  position_embedding_type: z.literal('absolute').default('absolute'),
});

const DistilBertConfig = z.looseObject({
  vocab_size: int,
  dim: int,
  n_layers: int.max(1024),
  n_heads: int,
  hidden_dim: int,
  activation: Activation.default('gelu'),
  max_position_embeddings: int,
  pad_token_id: z.number().int().nonnegative().nullish(),
});

const Gpt2Config = z.looseObject({
  vocab_size: int,
  n_embd: int,
  n_layer: int.max(1024),
  n_head: int,
  n_positions: int,
  n_inner: int.nullish(),
  activation_function: Activation.default('gelu_new'),
  layer_norm_epsilon: eps.default(1e-5),
  scale_attn_weights: z.boolean().default(true),
  tie_word_embeddings: z.boolean().default(true),
  scale_attn_by_inverse_layer_idx: z.literal(false).default(false),
  // Only changes the precision of half-precision attention; the graph computes in float32 either way.
  reorder_and_upcast_attn: z.boolean().default(false),
});

/** RoPE settings as transformers 4 writes them (`rope_theta`, `rope_scaling`) or 5 (`rope_parameters`). */
const RopeParameters = z.looseObject({
  rope_type: z.string().max(40).optional(),
  type: z.string().max(40).optional(),
  rope_theta: z.number().positive().optional(),
  factor: z.number().positive().optional(),
  low_freq_factor: z.number().positive().optional(),
  high_freq_factor: z.number().positive().optional(),
  original_max_position_embeddings: int.optional(),
  partial_rotary_factor: z.number().optional(),
});

const LlamaConfig = z.looseObject({
  vocab_size: int,
  hidden_size: int,
  num_hidden_layers: int.max(1024),
  num_attention_heads: int,
  num_key_value_heads: int.nullish(),
  // Real models use 64–256; the bound keeps the RoPE tables (positions × head_dim) a few MB.
  head_dim: int.max(1024).nullish(),
  intermediate_size: int,
  hidden_act: z.literal('silu').default('silu'),
  rms_norm_eps: eps.default(1e-6),
  rope_theta: z.number().positive().optional(),
  rope_scaling: RopeParameters.nullish(),
  rope_parameters: RopeParameters.nullish(),
  attention_bias: z.boolean().optional(),
  mlp_bias: z.boolean().default(false),
  tie_word_embeddings: z.boolean().default(false),
  max_position_embeddings: int,
  sliding_window: int.nullish(),
  use_sliding_window: z.boolean().optional(),
  partial_rotary_factor: z.literal(1).optional(),
  pretraining_tp: z.literal(1).nullish(),
});

/**
 * transformers maps generic names onto GPT-2's and DistilBERT's own keys (their configs' attribute_map), and a
 * generic key in config.json then wins. When both spellings are present and disagree, the model transformers
 * builds is not the one the native key describes: refused rather than guessed.
 */
const ATTRIBUTE_MAPS: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  gpt2: {
    hidden_size: 'n_embd',
    max_position_embeddings: 'n_positions',
    num_attention_heads: 'n_head',
    num_hidden_layers: 'n_layer',
  },
  distilbert: { hidden_size: 'dim', num_attention_heads: 'n_heads', num_hidden_layers: 'n_layers' },
};

function withAliases(config: Record<string, unknown>, modelType: string): Record<string, unknown> {
  const map = ATTRIBUTE_MAPS[modelType];
  if (!map) return config;
  const out = { ...config };
  for (const [alias, native] of Object.entries(map)) {
    if (!(alias in config)) continue;
    if (config[native] !== undefined && config[native] !== config[alias])
      throw new Error(
        `config.json: ${alias} (${String(config[alias])}) and ${native} (${String(config[native])}) disagree; transformers would build the model ${alias} describes`,
      );
    out[native] = config[alias];
  }
  return out;
}

/**
 * Per-layer attention types (transformers 5's `layer_types`): only full attention everywhere, or Mistral's
 * sliding window everywhere, are built; any other mix is refused.
 */
function checkLayerTypes(config: Record<string, unknown>, modelType: string): void {
  const types = config['layer_types'];
  if (types === undefined || types === null) return;
  if (!Array.isArray(types)) throw new Error('config.json: layer_types is not a list');
  const allowed = modelType === 'mistral' ? ['full_attention', 'sliding_attention'] : ['full_attention'];
  const other = types.find((t) => !allowed.includes(String(t)));
  const mixed = new Set(types.map(String)).size > 1;
  if (other !== undefined || mixed)
    throw new UnsupportedModelError(`layer_types [${[...new Set(types.map(String))].join(', ')}] for ${modelType}`);
}

function parse<T extends z.ZodType>(schema: T, config: unknown, modelType: string): z.infer<T> {
  const parsed = schema.safeParse(config);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new Error(`config.json (${modelType}): ${issue.path.join('.') || 'root'}: ${issue.message}`);
  }
  return parsed.data;
}

function taskOf(architectures: readonly string[], modelType: string): ModelTask {
  if (architectures.some((a) => /ForSequenceClassification$/.test(a))) return 'classifier';
  if (architectures.some((a) => /(ForCausalLM|LMHeadModel)$/.test(a))) return 'causal-lm';
  throw new UnsupportedModelError(
    `architectures [${architectures.join(', ') || 'none'}] of model_type ${modelType} (a …ForSequenceClassification or …ForCausalLM head is needed)`,
  );
}

function labelCount(config: Record<string, unknown>): number {
  const id2label = config['id2label'];
  if (id2label && typeof id2label === 'object') return Object.keys(id2label).length;
  const n = config['num_labels'];
  return typeof n === 'number' && Number.isInteger(n) && n > 0 ? n : 2;
}

function ropeOf(c: z.infer<typeof LlamaConfig>): { theta: number; scaling: RopeScaling } {
  // transformers 5 lets a legacy rope_scaling override rope_parameters: when both are there, they must agree.
  if (c.rope_parameters && c.rope_scaling) {
    const type = (x: typeof c.rope_scaling) => x?.rope_type ?? x?.type ?? 'default';
    const keys = ['factor', 'low_freq_factor', 'high_freq_factor', 'original_max_position_embeddings'] as const;
    const same =
      type(c.rope_parameters) === type(c.rope_scaling) &&
      keys.every((k) => c.rope_parameters![k] === c.rope_scaling![k]);
    if (!same)
      throw new Error('config.json: rope_scaling and rope_parameters disagree; transformers 5 would use rope_scaling');
  }
  const p = c.rope_parameters ?? c.rope_scaling ?? undefined;
  const theta = c.rope_parameters?.rope_theta ?? c.rope_theta ?? 10000;
  const type = p?.rope_type ?? p?.type ?? 'default';
  if (p?.partial_rotary_factor !== undefined && p.partial_rotary_factor !== 1)
    throw new UnsupportedModelError(`partial_rotary_factor ${p.partial_rotary_factor}`);
  if (type === 'default') return { theta, scaling: { type: 'default' } };
  if (type === 'linear') {
    if (!p?.factor) throw new Error('config.json: rope_scaling linear without a factor');
    return { theta, scaling: { type: 'linear', factor: p.factor } };
  }
  if (type === 'llama3') {
    if (!p?.factor || !p.low_freq_factor || !p.high_freq_factor || !p.original_max_position_embeddings)
      throw new Error(
        'config.json: rope_scaling llama3 needs factor, low_freq_factor, high_freq_factor and original_max_position_embeddings',
      );
    return {
      theta,
      scaling: {
        type: 'llama3',
        factor: p.factor,
        lowFreqFactor: p.low_freq_factor,
        highFreqFactor: p.high_freq_factor,
        originalMaxPositions: p.original_max_position_embeddings,
      },
    };
  }
  throw new UnsupportedModelError(`RoPE type "${type}" (default, linear and llama3 are)`);
}

function divides(what: string, whole: number, part: number): void {
  if (whole % part !== 0) throw new Error(`config.json: ${what}: ${whole} is not divisible by ${part}`);
}

/** Reads the architecture a graph is built for; `UnsupportedModelError` for what cannot be run. */
export function readArchitecture(config: Record<string, unknown>): Architecture {
  const modelType = typeof config['model_type'] === 'string' ? config['model_type'] : undefined;
  if (!modelType) throw new UnsupportedModelError('a config.json without model_type');
  if (!(SUPPORTED_MODEL_TYPES as readonly string[]).includes(modelType))
    throw new UnsupportedModelError(`model_type "${modelType}"`);
  const architectures = Array.isArray(config['architectures']) ? config['architectures'].map(String) : [];
  const task = taskOf(architectures, modelType);
  switch (modelType as SupportedModelType) {
    case 'bert':
    case 'roberta':
    case 'xlm-roberta': {
      if (task !== 'classifier') throw new UnsupportedModelError(`${modelType} as a ${task}`);
      const c = parse(BertConfig, config, modelType);
      divides('hidden_size / num_attention_heads', c.hidden_size, c.num_attention_heads);
      return {
        family: 'encoder',
        modelType: modelType as EncoderArchitecture['modelType'],
        task,
        vocabSize: c.vocab_size,
        hidden: c.hidden_size,
        layers: c.num_hidden_layers,
        heads: c.num_attention_heads,
        activation: c.hidden_act,
        intermediate: c.intermediate_size,
        layerNormEps: c.layer_norm_eps,
        typeVocabSize: c.type_vocab_size,
        padTokenId: c.pad_token_id ?? (modelType === 'bert' ? 0 : 1),
        numLabels: labelCount(config),
        maxPositions: c.max_position_embeddings,
      };
    }
    case 'distilbert': {
      if (task !== 'classifier') throw new UnsupportedModelError(`${modelType} as a ${task}`);
      const c = parse(DistilBertConfig, withAliases(config, modelType), modelType);
      divides('dim / n_heads', c.dim, c.n_heads);
      return {
        family: 'encoder',
        modelType: 'distilbert',
        task,
        vocabSize: c.vocab_size,
        hidden: c.dim,
        layers: c.n_layers,
        heads: c.n_heads,
        activation: c.activation,
        intermediate: c.hidden_dim,
        // DistilBERT's modelling code fixes the LayerNorm epsilon; the config has no key for it.
        layerNormEps: 1e-12,
        typeVocabSize: 0,
        padTokenId: c.pad_token_id ?? 0,
        numLabels: labelCount(config),
        maxPositions: c.max_position_embeddings,
      };
    }
    case 'gpt2': {
      if (task !== 'causal-lm') throw new UnsupportedModelError(`${modelType} as a ${task}`);
      const c = parse(Gpt2Config, withAliases(config, modelType), modelType);
      divides('n_embd / n_head', c.n_embd, c.n_head);
      return {
        family: 'gpt2',
        modelType: 'gpt2',
        task,
        vocabSize: c.vocab_size,
        hidden: c.n_embd,
        layers: c.n_layer,
        heads: c.n_head,
        activation: c.activation_function,
        intermediate: c.n_inner ?? 4 * c.n_embd,
        layerNormEps: c.layer_norm_epsilon,
        maxPositions: c.n_positions,
        scaleAttention: c.scale_attn_weights,
        tiedEmbeddings: c.tie_word_embeddings,
      };
    }
    default: {
      if (task !== 'causal-lm') throw new UnsupportedModelError(`${modelType} as a ${task}`);
      checkLayerTypes(config, modelType);
      const c = parse(LlamaConfig, config, modelType);
      const kvHeads = c.num_key_value_heads ?? c.num_attention_heads;
      divides('num_attention_heads / num_key_value_heads', c.num_attention_heads, kvHeads);
      const headDim = c.head_dim ?? c.hidden_size / c.num_attention_heads;
      if (!Number.isInteger(headDim) || headDim % 2 !== 0)
        throw new Error(`config.json: head_dim ${headDim} must be an even integer`);
      const rope = ropeOf(c);
      if (modelType === 'qwen2' && c.use_sliding_window)
        throw new UnsupportedModelError('Qwen2 with use_sliding_window (per-layer windows)');
      // What each modelling class builds: Llama and Qwen3 put attention_bias on all four projections, Qwen2
      // always has q/k/v biases and none on o_proj, Mistral has none.
      const qwen2 = modelType === 'qwen2';
      const mistral = modelType === 'mistral';
      const attentionBias = !mistral && (c.attention_bias ?? false);
      return {
        family: 'llama',
        modelType: modelType as LlamaArchitecture['modelType'],
        task,
        vocabSize: c.vocab_size,
        hidden: c.hidden_size,
        layers: c.num_hidden_layers,
        heads: c.num_attention_heads,
        kvHeads,
        headDim,
        intermediate: c.intermediate_size,
        rmsNormEps: c.rms_norm_eps,
        ropeTheta: rope.theta,
        rope: rope.scaling,
        qkvBias: qwen2 || attentionBias,
        outputBias: !qwen2 && attentionBias,
        // Only LlamaMLP reads mlp_bias; the Mistral and Qwen MLPs have no biases whatever the config says.
        mlpBias: modelType === 'llama' && c.mlp_bias,
        qkNorm: modelType === 'qwen3',
        tiedEmbeddings: c.tie_word_embeddings,
        ...(mistral && c.sliding_window ? { slidingWindow: c.sliding_window } : {}),
        maxPositions: c.max_position_embeddings,
      };
    }
  }
}
