import { z } from 'zod';
import type { ByteSource } from '../io/byte-source.ts';
import { FormatError } from './format-error.ts';
import { parseStrictJson, type DuplicateKey, type JsonValue } from './strict-json.ts';

/**
 * Orbax checkpoint metadata files (orbax-checkpoint, `StandardCheckpointer` / `PyTreeCheckpointer` /
 * `CheckpointManager`): `_CHECKPOINT_METADATA` (the step: which handler restores each item, timestamps,
 * metrics) and `_METADATA` (the pytree: per leaf its key path and the value type whose TypeHandler restores
 * it). Both are JSON written by Orbax with keys no other format uses together; the schemas follow
 * orbax/checkpoint/_src/metadata/step_metadata_serialization.py and tree.py / value_metadata_entry.py.
 */

/** Metadata files are small (a few MB for a model of thousands of arrays); larger ones are not read. */
export const MAX_ORBAX_METADATA_BYTES = 64 << 20;

const CHECKPOINT_KEYS = [
  'item_handlers',
  'metrics',
  'performance_metrics',
  'init_timestamp_nsecs',
  'commit_timestamp_nsecs',
  'custom_metadata',
] as const;
const TREE_KEYS = [
  'tree_metadata',
  'use_ocdbt',
  'use_zarr3',
  'store_array_data_equal_to_fill_value',
  'custom_metadata',
  'value_metadata_tree',
] as const;

const Json: z.ZodType<JsonValue> = z.lazy(() =>
  z.union([z.null(), z.boolean(), z.number(), z.string(), z.array(Json), z.record(z.string(), Json)]),
);

export const CheckpointMetadataSchema = z
  .object({
    item_handlers: z.union([z.string(), z.record(z.string(), z.string().nullable()), z.null()]).optional(),
    metrics: z.record(z.string(), Json).optional(),
    performance_metrics: z.record(z.string(), Json).optional(),
    // Nanoseconds since the epoch exceed 2**53: JSON numbers, not safe integers, here.
    init_timestamp_nsecs: z.number().nonnegative().nullable().optional(),
    commit_timestamp_nsecs: z.number().nonnegative().nullable().optional(),
    custom_metadata: z.record(z.string(), Json).nullable().optional(),
  })
  .strict();
export type CheckpointMetadata = z.infer<typeof CheckpointMetadataSchema>;

const KeyEntrySchema = z.object({ key: z.string(), key_type: z.union([z.literal(1), z.literal(2)]) }).strict();
const ValueMetadataSchema = z
  .object({
    value_type: z.string(),
    skip_deserialize: z.boolean(),
    write_shape: z.array(z.number().int().nonnegative()).nullable().optional(),
  })
  .strict();
const TreeEntrySchema = z
  .object({ key_metadata: z.array(KeyEntrySchema), value_metadata: ValueMetadataSchema })
  .strict();

export const TreeMetadataSchema = z
  .object({
    tree_metadata: z.record(z.string(), TreeEntrySchema),
    use_ocdbt: z.boolean().optional(),
    use_zarr3: z.boolean().optional(),
    store_array_data_equal_to_fill_value: z.boolean().optional(),
    custom_metadata: z.record(z.string(), Json).nullable().optional(),
    value_metadata_tree: Json.optional(),
  })
  .strict();
export type TreeMetadata = z.infer<typeof TreeMetadataSchema>;

export type OrbaxMetadataKind = 'checkpoint' | 'tree';

/**
 * Which Orbax metadata file the head starts, if any: a JSON object whose first key is one only Orbax writes
 * first (`tree_metadata` for _METADATA; for _CHECKPOINT_METADATA `item_handlers` or, where no handler is
 * recorded, a timestamp key). Hugging Face config.json / tokenizer.json files start with other keys.
 */
export function orbaxMetadataKind(head: Uint8Array): OrbaxMetadataKind | undefined {
  const text = new TextDecoder('latin1').decode(head.subarray(0, 256));
  const first = /^\s*\{\s*"([a-z_]+)"\s*:/.exec(text)?.[1];
  if (first === 'tree_metadata') return 'tree';
  if (first === 'item_handlers' || first === 'init_timestamp_nsecs' || first === 'commit_timestamp_nsecs') {
    return 'checkpoint';
  }
  return undefined;
}

export interface ParsedOrbaxJson {
  value: JsonValue;
  duplicates: DuplicateKey[];
}

/** Reads and parses the whole file as strict JSON; throws FormatError when it is too large or not JSON. */
export async function readOrbaxJson(source: ByteSource): Promise<ParsedOrbaxJson> {
  if (source.size > MAX_ORBAX_METADATA_BYTES) {
    throw new FormatError(`${source.size} bytes is more than the ${MAX_ORBAX_METADATA_BYTES} read`, 0, 'too-large');
  }
  const bytes = await source.read(0, source.size);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new FormatError('the file is not UTF-8 text', 0);
  }
  return parseStrictJson(text, { maxDepth: 64, maxNodes: 2_000_000 });
}

/** The top-level keys Orbax writes in each file, to tell an unknown field from a malformed one. */
export const ORBAX_KEYS: Record<OrbaxMetadataKind, readonly string[]> = {
  checkpoint: CHECKPOINT_KEYS,
  tree: TREE_KEYS,
};
