import type { GgufHeader } from '../formats/gguf.ts';
import { isChatTemplateKey } from '../formats/gguf.ts';
import { parseBoundedJson } from '../util/bounded-json.ts';
import type { ByteSource } from '../io/byte-source.ts';
import { ropeFactorDifferences } from './gguf-rope-factors.ts';
import type { GgufMetadataComparison } from './lineage-schema.ts';

/**
 * llama.cpp computes with the hyperparameters in the GGUF metadata, not with the checkpoint's config.json: the
 * same weights under another rope base, norm epsilon or head count make another model. A quantization copies
 * them from the config (convert_hf_to_gguf.py), and its chat template from the tokenizer's. Each is compared
 * here; a key llama.cpp reads with a default when absent is compared through that default.
 */

type Json = Record<string, unknown>;

interface Hyperparameter {
  /** The GGUF key after `<architecture>.`. */
  key: string;
  /** The config's value, or what transformers uses when the config leaves it out. */
  expected: (config: Json) => number | undefined;
  /** llama.cpp's value when the GGUF file leaves the key out (undefined: llama.cpp refuses the file). */
  ggufDefault?: (metadata: ReadonlyMap<string, unknown>, arch: string) => number | undefined;
}

const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
const ropeTheta = (c: Json): number =>
  num(c['rope_theta']) ?? num((c['rope_parameters'] as Json | undefined)?.['rope_theta']) ?? 10000;
const headDim = (c: Json): number | undefined =>
  num(c['head_dim']) ?? (num(c['hidden_size']) ?? 0) / (num(c['num_attention_heads']) ?? 1);

const HYPERPARAMETERS: readonly Hyperparameter[] = [
  { key: 'embedding_length', expected: (c) => num(c['hidden_size']) },
  { key: 'block_count', expected: (c) => num(c['num_hidden_layers']) },
  { key: 'feed_forward_length', expected: (c) => num(c['intermediate_size']) },
  { key: 'context_length', expected: (c) => num(c['max_position_embeddings']) },
  { key: 'attention.head_count', expected: (c) => num(c['num_attention_heads']) },
  {
    key: 'attention.head_count_kv',
    expected: (c) => num(c['num_key_value_heads']) ?? num(c['num_attention_heads']),
    ggufDefault: (m, a) => num(m.get(`${a}.attention.head_count`)),
  },
  { key: 'attention.layer_norm_rms_epsilon', expected: (c) => num(c['rms_norm_eps']) },
  { key: 'rope.freq_base', expected: ropeTheta, ggufDefault: () => 10000 },
  {
    key: 'rope.dimension_count',
    expected: headDim,
    ggufDefault: (m, a) => (num(m.get(`${a}.embedding_length`)) ?? 0) / (num(m.get(`${a}.attention.head_count`)) ?? 1),
  },
  { key: 'attention.key_length', expected: headDim, ggufDefault: () => undefined },
  { key: 'attention.value_length', expected: headDim, ggufDefault: () => undefined },
];

/** Keys whose absence is fine when the config has no such value either, or when llama.cpp derives them. */
const OPTIONAL = new Set(['attention.key_length', 'attention.value_length']);

/** f32 metadata against a f64 config value: equal up to f32 rounding. */
function same(a: number, b: number): boolean {
  return a === b || Math.abs(a - b) <= 1e-6 * Math.max(Math.abs(a), Math.abs(b));
}

export async function compareGgufMetadata(
  source: ByteSource,
  header: GgufHeader,
  base: {
    config?: { name: string; text: string };
    generationConfig?: { name: string; text: string };
    chatTemplate?: string;
  },
): Promise<GgufMetadataComparison> {
  const metadata = new Map(header.kvs.map((kv) => [kv.key, kv.value]));
  const arch = String(metadata.get('general.architecture') ?? '');
  if (!base.config)
    return { result: 'not-compared', detail: 'the base has no config.json to compare with', differences: [] };
  const config = parseBoundedJson(base.config.text, base.config.name, { maxBytes: 4 << 20 }) as Json;
  const differences = [
    ...HYPERPARAMETERS.flatMap((h) => hyperparameterDifference(h, metadata, arch, config)),
    ...chatTemplateDifference(header, base.chatTemplate),
    ...specialTokenDifferences(metadata, [
      config,
      ...(base.generationConfig
        ? [parseBoundedJson(base.generationConfig.text, base.generationConfig.name, { maxBytes: 4 << 20 }) as Json]
        : []),
    ]),
    ...(await ropeFactorDifferences(source, header, config)),
  ];
  return differences.length === 0
    ? { result: 'same', detail: `The ${arch} hyperparameters and chat template match the base's.`, differences }
    : { result: 'different', detail: differences.join('; '), differences };
}

function hyperparameterDifference(h: Hyperparameter, m: ReadonlyMap<string, unknown>, arch: string, c: Json): string[] {
  const key = `${arch}.${h.key}`;
  const expected = h.expected(c);
  const stored = m.has(key) ? num(m.get(key)) : h.ggufDefault?.(m, arch);
  if (expected === undefined && stored === undefined) return [];
  if (stored === undefined)
    return OPTIONAL.has(h.key) && !m.has(key)
      ? []
      : [`${key} is ${m.has(key) ? 'not a number' : 'missing'}, the base has ${expected}`];
  if (expected === undefined) return [`${key} is ${stored}, the base's config does not set it`];
  return same(stored, expected) ? [] : [`${key} is ${stored}, the base has ${expected}`];
}

/**
 * The BOS token llama.cpp prepends and the EOS token it stops at: each must be one the base's config.json or
 * generation_config.json names (either may list several EOS ids). Compared only where the base names any.
 */
function specialTokenDifferences(m: ReadonlyMap<string, unknown>, configs: readonly Json[]): string[] {
  return (['bos', 'eos'] as const).flatMap((which) => {
    const stored = num(m.get(`tokenizer.ggml.${which}_token_id`));
    const named = configs
      .flatMap((c) => [c[`${which}_token_id`]].flat())
      .filter((v): v is number => typeof v === 'number');
    if (stored === undefined || named.length === 0 || named.includes(stored)) return [];
    return [`tokenizer.ggml.${which}_token_id is ${stored}, the base names ${[...new Set(named)].join(' or ')}`];
  });
}

/** llama.cpp applies the file's own template; another one than the base's changes every chat prompt. */
function chatTemplateDifference(header: GgufHeader, expected: string | undefined): string[] {
  const templates = header.kvs.filter((kv) => isChatTemplateKey(kv.key));
  return templates.flatMap((kv) => {
    if (kv.key !== 'tokenizer.chat_template') return [`${kv.key}: a named chat template the base does not have`];
    if (typeof kv.value !== 'string') return ['tokenizer.chat_template is too large to compare'];
    if (expected === undefined) return ['tokenizer.chat_template is set; the base has no chat template'];
    return kv.value === expected ? [] : ['tokenizer.chat_template differs from the base’s'];
  });
}
