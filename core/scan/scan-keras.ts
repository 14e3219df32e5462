import type { ByteSource } from '../io/byte-source.ts';
import { FormatError, UnsupportedLayoutError } from '../formats/format-error.ts';
import { readHdf5RootAttributes, type Hdf5RootAttributes } from '../formats/hdf5.ts';
import { collectKerasObjects } from '../formats/keras.ts';
import { walkHdf5 } from '../formats/hdf5-tree.ts';
import { isJsonObject, parseStrictJson, type JsonValue } from '../formats/strict-json.ts';
import { catalogFinding } from './format-catalog.ts';
import { KERAS_CODES } from './keras-codes.ts';
import { kerasFindings, type KerasContainer } from './keras-rules.ts';
import type { ScanContext, ScanFinding, ScanOutcome } from './types.ts';
import { REFS, validatorFinding } from './validator-codes.ts';
import { validatorOutcome } from './validator-outcome.ts';

/** Keras configs are small; anything beyond this is not read whole. */
const MAX_CONFIG_BYTES = 64 << 20;

/** A Keras v3 `config.json` (a `.keras` member or a standalone file): every nested object is checked. */
export async function scanKerasConfig(source: ByteSource, ctx: ScanContext): Promise<ScanOutcome> {
  const limit = Math.min(MAX_CONFIG_BYTES, ctx.budget.maxMemberBytes);
  if (source.size > limit) {
    return validatorOutcome(
      'keras-config',
      [validatorFinding('MG-SCAN-270', `config is ${source.size} bytes, over the ${limit}-byte limit`)],
      ctx,
    );
  }
  const text = decode(await source.read(0, source.size));
  return validatorOutcome('keras-config', configFindings(text, 'config.json', 'keras'), ctx);
}

/** Keras 2 `.h5`: the root group's `model_config` (and `training_config`) attributes hold the same JSON. */
export async function scanHdf5(source: ByteSource, ctx: ScanContext): Promise<ScanOutcome> {
  let attrs: Hdf5RootAttributes;
  try {
    attrs = await readHdf5RootAttributes(source);
  } catch (e) {
    if (e instanceof UnsupportedLayoutError) return unsupported(ctx, e.message);
    if (e instanceof FormatError)
      return validatorOutcome('hdf5', [validatorFinding('MG-SCAN-267', e.message, { offset: e.offset })], ctx);
    throw e;
  }
  // A broken tree does not hide the configuration: both are reported, the worst verdict wins.
  const tree = await treeFindings(source);
  const configs = ['model_config', 'training_config'].filter((k) => attrs.strings.has(k));
  if (attrs.names.includes('model_config') && !attrs.strings.has('model_config')) {
    return unsupported(ctx, 'model_config is not stored as a string', tree);
  }
  if (configs.length === 0) {
    if (attrs.dense) return unsupported(ctx, 'root attributes use dense storage', tree);
    return validatorOutcome(
      'hdf5',
      [validatorFinding('MG-SCAN-268', 'root group has no model_config attribute (weights only)'), ...tree],
      ctx,
    );
  }
  const findings = configs.flatMap((k) => configFindings(attrs.strings.get(k) ?? '', k, 'hdf5'));
  return validatorOutcome('hdf5', [...findings, ...tree], ctx);
}

/**
 * Every group and dataset, for links and storage that make h5py read other files (hdf5-tree.ts). A broken
 * tree is invalid like broken root structures; a layout not followed is "could not verify".
 */
async function treeFindings(source: ByteSource): Promise<ScanFinding[]> {
  try {
    const walk = await walkHdf5(source);
    return walk.external.slice(0, 20).map((e) => {
      const detail = `${e.kind} at ${e.path} reads ${e.target}`;
      return catalogFinding(KERAS_CODES, 'hdf5External', detail, { evidence: { ...e } });
    });
  } catch (e) {
    if (e instanceof UnsupportedLayoutError) {
      return [catalogFinding(KERAS_CODES, 'hdf5Unwalked', `HDF5 tree not followed: ${e.message}`)];
    }
    if (e instanceof FormatError)
      return [validatorFinding('MG-SCAN-267', `HDF5 tree: ${e.message}`, { offset: e.offset })];
    throw e;
  }
}

function unsupported(ctx: ScanContext, why: string, more: ScanFinding[] = []): ScanOutcome {
  const f = validatorFinding('MG-SCAN-266', `HDF5 layout not supported: model_config could not be read (${why})`, {
    reference: REFS.kerasLambda,
  });
  const out = validatorOutcome('hdf5', [f, ...more], ctx);
  return out.verdict === 'unverified'
    ? { ...out, reason: 'HDF5 layout not supported: model_config could not be read' }
    : out;
}

function configFindings(text: string, what: string, container: KerasContainer): ScanFinding[] {
  try {
    const { value, duplicates } = parseStrictJson(text, { maxDepth: 512 });
    const dup = duplicates
      .slice(0, 5)
      .map((d) => validatorFinding('MG-SCAN-260', `${what} repeats key '${d.key}' at ${d.path || '/'}`));
    return [...dup, ...notAModel(value, what), ...kerasFindings(collectKerasObjects(value), container)];
  } catch (e) {
    if (!(e instanceof FormatError)) throw e;
    return [validatorFinding('MG-SCAN-260', `${what} is not valid JSON: ${e.message}`, { offset: e.offset })];
  }
}

/** Keras deserializes config.json and model_config as one serialized object: {class_name, config, …}. */
function notAModel(value: JsonValue, what: string): ScanFinding[] {
  if (what === 'training_config') return [];
  if (isJsonObject(value) && typeof value.class_name === 'string' && 'config' in value) return [];
  const detail = `${what} is not a serialized Keras object (no class_name and config at its top)`;
  return [catalogFinding(KERAS_CODES, 'configNotKeras', detail)];
}

function decode(bytes: Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return '\u0000';
  }
}
