import type { ByteSource } from '../io/byte-source.ts';
import { isYamlMapping, MAX_CONFIG_YAML_BYTES, readConfigYaml, type YamlValue } from '../formats/config-yaml.ts';
import { looksLikeText } from './scan-text.ts';
import { utf8 } from './yaml-findings.ts';

/**
 * Content sniffers of the package formats. Ordinary YAML and JSON stay with the text scanner; only configs that
 * are distinctly a Hydra/NeMo config (a `_target_` key), an MLflow `MLmodel` (a root `flavors` mapping with
 * MLflow's own keys) or a TorchServe manifest are claimed.
 */
export type ConfigKind = 'hydra' | 'mlmodel';

/** Text bigger than the YAML cap is only searched for the literal key, up to the text scanner's own cap. */
const MAX_SEARCH_BYTES = 64 << 20;
/**
 * `_target_` where YAML can read it as a key: before a colon, alone on a line after `?` (an explicit key), or
 * as an anchor's value that a later alias uses as a key. PyYAML also breaks lines at U+0085, U+2028, U+2029.
 */
const TARGET_KEY = /(^|[\s\u0085{,?-])['"]?_target_['"]?[ \t]*(:|$)|&[^\s]+[ \t]+['"]?_target_['"]?[ \t]*$/mu;
/** PyYAML's line breaks that JavaScript's YAML parser and `^` do not know. */
const PYYAML_BREAKS = /[\u0085\u2028\u2029]/gu;
const MLMODEL_ROOT = /^flavors[ \t]*:/m;
/** Keys mlflow.models.Model.to_yaml writes at the root next to `flavors`. */
const MLFLOW_ROOT_KEYS = ['artifact_path', 'model_uuid', 'utc_time_created', 'mlflow_version', 'run_id', 'signature'];
const MLFLOW_ROOT_LINE = new RegExp(`^(${MLFLOW_ROOT_KEYS.join('|')})[ \\t]*:`, 'm');

const cache = new WeakMap<ByteSource, Promise<ConfigKind | null>>();

/** Which package config these bytes are (both handlers ask: the answer is computed once per source). */
export function configKind(head: Uint8Array, source: ByteSource): Promise<ConfigKind | null> {
  let kind = cache.get(source);
  if (!kind) {
    kind = decideConfigKind(head, source);
    cache.set(source, kind);
  }
  return kind;
}

async function decideConfigKind(head: Uint8Array, source: ByteSource): Promise<ConfigKind | null> {
  if (!looksLikeText(head) || source.size > MAX_SEARCH_BYTES) return null;
  if (source.size > MAX_CONFIG_YAML_BYTES) return (await containsTargetKey(source)) ? 'hydra' : null;
  const raw = utf8(await source.read(0, source.size));
  if (raw === undefined) return null;
  const text = raw.replace(PYYAML_BREAKS, '\n');
  // A key can be spelled with escapes ("\x5ftarget_") or folded over lines in a quoted string: any backslash
  // sends the text through the parser, like the literal words.
  if (!['_target_', 'flavors', '\\', 'cls'].some((w) => text.includes(w))) return null;
  const json = jsonValue(text);
  if (json !== undefined) return kindOfValue(json);
  const read = readConfigYaml(text);
  if (read.ok) return kindOfValue(read.value);
  // A broken config is still claimed when its lines say what it is: it must come out invalid, not "text".
  if (MLMODEL_ROOT.test(text) && MLFLOW_ROOT_LINE.test(text)) return 'mlmodel';
  return TARGET_KEY.test(text) ? 'hydra' : null;
}

/** JSON is YAML to these loaders; the native parser reads a big tokenizer.json far faster than a YAML parser. */
function jsonValue(text: string): YamlValue | undefined {
  if (!/^\s*[{[]/.test(text)) return undefined;
  try {
    return JSON.parse(text) as YamlValue;
  } catch {
    return undefined;
  }
}

function kindOfValue(value: YamlValue): ConfigKind | null {
  // A malformed `flavors` (a list, a string) is still an MLmodel when MLflow's root keys say so: it must come
  // out invalid, not "text".
  if (isYamlMapping(value) && 'flavors' in value) {
    const flavors = value.flavors;
    const mlflowKeys = MLFLOW_ROOT_KEYS.some((k) => k in value);
    if (mlflowKeys || (isYamlMapping(flavors) && 'python_function' in flavors)) return 'mlmodel';
  }
  return hasTargetKey(value) ? 'hydra' : null;
}

function hasTargetKey(root: YamlValue): boolean {
  const stack: YamlValue[] = [root];
  const seen = new Set<YamlValue>();
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (typeof node !== 'object' || node === null || seen.has(node)) continue;
    seen.add(node);
    // NeMo's older Hydra form, which from_config_dict still instantiates: `cls` beside `params`.
    if (!Array.isArray(node) && ('_target_' in node || ('cls' in node && 'params' in node))) return true;
    stack.push(...Object.values(node));
  }
  return false;
}

async function containsTargetKey(source: ByteSource): Promise<boolean> {
  let carry = '';
  const decoder = new TextDecoder('utf-8');
  for await (const chunk of source.stream()) {
    const text = carry + decoder.decode(chunk, { stream: true });
    if (TARGET_KEY.test(text)) return true;
    carry = text.slice(-64);
  }
  return false;
}

/** torch-model-archiver's MAR-INF/MANIFEST.json: a JSON object with `archiverVersion` and a `model` object. */
export function looksLikeTorchServeManifest(head: Uint8Array): boolean {
  if (!looksLikeText(head)) return false;
  const text = new TextDecoder().decode(head);
  return /^\s*\{/.test(text) && text.includes('"archiverVersion"') && /"model"\s*:\s*\{/.test(text);
}

/**
 * A llamafile starts with the Actually Portable Executable header `MZqFpD='` (a DOS MZ header that is also a
 * shell script: https://justine.lol/ape.html); the weights follow in a ZIP found from its end.
 */
export function looksLikeApe(head: Uint8Array): boolean {
  const magic = "MZqFpD='";
  return head.byteLength >= magic.length && [...magic].every((c, i) => head[i] === c.charCodeAt(0));
}
