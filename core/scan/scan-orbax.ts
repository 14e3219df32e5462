import type { z } from 'zod';
import { FormatError } from '../formats/format-error.ts';
import {
  CheckpointMetadataSchema,
  ORBAX_KEYS,
  orbaxMetadataKind,
  readOrbaxJson,
  TreeMetadataSchema,
  type CheckpointMetadata,
  type OrbaxMetadataKind,
  type ParsedOrbaxJson,
  type TreeMetadata,
} from '../formats/orbax-metadata.ts';
import { catalogFinding } from './format-catalog.ts';
import { JAX_CODES, type JaxCode } from './jax-codes.ts';
import { validatorOutcome } from './validator-outcome.ts';
import type { ScanFinding, Scanner } from './types.ts';

export const ORBAX_CHECKPOINT_FORMAT = 'orbax-checkpoint-metadata';
export const ORBAX_TREE_FORMAT = 'orbax-tree-metadata';

export const looksLikeOrbaxCheckpointMetadata = (head: Uint8Array): boolean => orbaxMetadataKind(head) === 'checkpoint';
export const looksLikeOrbaxTreeMetadata = (head: Uint8Array): boolean => orbaxMetadataKind(head) === 'tree';

/**
 * The CheckpointHandlers orbax-checkpoint ships, by the typestr it records in item_handlers
 * (`{module}.{qualname}`, checkpoint_handler.py). Older releases kept the modules outside `_src.handlers`.
 */
const ORBAX_HANDLERS: ReadonlyMap<string, string> = new Map([
  ['standard_checkpoint_handler', 'StandardCheckpointHandler'],
  ['pytree_checkpoint_handler', 'PyTreeCheckpointHandler'],
  ['composite_checkpoint_handler', 'CompositeCheckpointHandler'],
  ['json_checkpoint_handler', 'JsonCheckpointHandler'],
  ['array_checkpoint_handler', 'ArrayCheckpointHandler'],
  ['proto_checkpoint_handler', 'ProtoCheckpointHandler'],
  ['random_key_checkpoint_handler', 'JaxRandomKeyCheckpointHandler'],
  ['random_key_checkpoint_handler', 'NumpyRandomKeyCheckpointHandler'],
]);
const HANDLER_TYPESTR = /^orbax\.checkpoint\.(?:_src\.handlers\.)?([a-z_]+)\.([A-Za-z]+)$/;

export function isOrbaxHandler(typestr: string): boolean {
  const m = HANDLER_TYPESTR.exec(typestr);
  if (!m) return false;
  return [...ORBAX_HANDLERS].some(([module, cls]) => module === m[1] && cls === m[2]);
}

/**
 * value_type strings restored by Orbax's own TypeHandlers (type_handlers.py, jax_array_handlers.py: 'np.ndarray',
 * 'scalar', 'string', 'jax.Array', 'placeholder') and the empty-container types (empty_values.py).
 */
export const ORBAX_VALUE_TYPES: ReadonlySet<string> = new Set([
  'jax.Array',
  'np.ndarray',
  'scalar',
  'string',
  'placeholder',
  'None',
  'Dict',
  'List',
  'Tuple',
  'NamedTuple',
]);

export const scanOrbaxCheckpointMetadata: Scanner = async (source, ctx) => {
  const findings: ScanFinding[] = [];
  const doc = await parsed(source, 'checkpoint', 'orbaxCheckpointMalformed', findings);
  const meta = doc && validated(doc, CheckpointMetadataSchema, 'checkpoint', 'orbaxCheckpointMalformed', findings);
  if (meta) findings.push(...handlerFindings(meta));
  return validatorOutcome(ORBAX_CHECKPOINT_FORMAT, findings, ctx);
};

export const scanOrbaxTreeMetadata: Scanner = async (source, ctx) => {
  const findings: ScanFinding[] = [];
  const doc = await parsed(source, 'tree', 'orbaxTreeMalformed', findings);
  const meta = doc && validated(doc, TreeMetadataSchema, 'tree', 'orbaxTreeMalformed', findings);
  if (meta) findings.push(...valueTypeFindings(meta));
  return validatorOutcome(ORBAX_TREE_FORMAT, findings, ctx);
};

async function parsed(
  source: Parameters<Scanner>[0],
  kind: OrbaxMetadataKind,
  malformed: JaxCode,
  findings: ScanFinding[],
): Promise<ParsedOrbaxJson | undefined> {
  try {
    const doc = await readOrbaxJson(source);
    for (const d of doc.duplicates) {
      findings.push(
        catalogFinding(
          JAX_CODES,
          'orbaxDuplicateKey',
          `key ${JSON.stringify(d.key)} repeated at ${d.path || 'the top'}`,
        ),
      );
    }
    return doc;
  } catch (error) {
    if (!(error instanceof FormatError)) throw error;
    const code = error.kind === 'too-large' ? 'orbaxTooLarge' : malformed;
    findings.push(catalogFinding(JAX_CODES, code, `${kind} metadata: ${error.message}`));
    return undefined;
  }
}

/** Schema check; fields Orbax does not write are "could not verify", anything else malformed. */
function validated<S extends z.ZodType>(
  doc: ParsedOrbaxJson,
  schema: S,
  kind: OrbaxMetadataKind,
  malformed: JaxCode,
  findings: ScanFinding[],
): z.infer<S> | undefined {
  const result = schema.safeParse(doc.value);
  if (result.success) {
    if (kind === 'tree' && (result.data as TreeMetadata).value_metadata_tree !== undefined) {
      findings.push(catalogFinding(JAX_CODES, 'orbaxUnknownField', 'value_metadata_tree is not followed'));
    }
    return result.data;
  }
  const unknownOnly = result.error.issues.every((i) => i.code === 'unrecognized_keys');
  const detail = result.error.issues
    .slice(0, 3)
    .map((i) => `${i.path.join('.') || 'top'}: ${i.message}`)
    .join('; ');
  const allowed = ORBAX_KEYS[kind].join(', ');
  findings.push(
    catalogFinding(JAX_CODES, unknownOnly ? 'orbaxUnknownField' : malformed, `${detail} (Orbax writes ${allowed})`),
  );
  return undefined;
}

function handlerFindings(meta: CheckpointMetadata): ScanFinding[] {
  const handlers = meta.item_handlers;
  const named =
    typeof handlers === 'string'
      ? [['(the item)', handlers] as const]
      : Object.entries(handlers ?? {}).filter((e): e is [string, string] => typeof e[1] === 'string');
  return named
    .filter(([, typestr]) => !isOrbaxHandler(typestr))
    .map(([item, typestr]) => catalogFinding(JAX_CODES, 'orbaxCustomHandler', `${item}: restored by ${typestr}`));
}

function valueTypeFindings(meta: TreeMetadata): ScanFinding[] {
  const custom = Object.entries(meta.tree_metadata).filter(
    ([, entry]) => !ORBAX_VALUE_TYPES.has(entry.value_metadata.value_type),
  );
  return custom
    .slice(0, 20)
    .map(([path, entry]) =>
      catalogFinding(
        JAX_CODES,
        'orbaxCustomType',
        `${path}: value type ${JSON.stringify(entry.value_metadata.value_type)}`,
      ),
    );
}
