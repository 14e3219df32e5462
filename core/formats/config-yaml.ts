import { isMap, isScalar, isSeq, parseAllDocuments, visit, type Document } from 'yaml';

/**
 * A bounded YAML reader for model configs (Hydra/OmegaConf configs, MLflow `MLmodel`). The loaders read these
 * files with PyYAML (OmegaConf's loader and MLflow's `yaml.safe_load` are both SafeLoader subclasses), so it
 * parses YAML 1.1 with merge keys as PyYAML does, and it caps the text size, the alias expansion (no "billion
 * laughs") and the nesting depth so a hostile file gives a problem, never a hang or a crash.
 */

/**
 * Model configs are a few KiB (MLmodel) to some 100 KiB (a large NeMo config). The parser is superlinear on big
 * mappings (some 1.5 s for 300 KiB), so beyond this the file is not parsed: "could not verify".
 */
export const MAX_CONFIG_YAML_BYTES = 256 << 10;
/** Alias resolutions `yaml` allows before it refuses (its default of 100 is for the same reason). */
const MAX_ALIAS_COUNT = 100;
/** NeMo configs nest some ten levels; far deeper nesting is refused before the walk. */
const MAX_DEPTH = 128;
/** Problems reported per file: the first few say enough. */
const MAX_PROBLEMS = 5;

export type YamlValue = null | boolean | number | string | YamlValue[] | { [key: string]: YamlValue };

export type YamlProblem =
  /** The text is not YAML a SafeLoader reads (syntax error, unknown tag). PyYAML raises: nothing is loaded. */
  | { kind: 'syntax'; message: string }
  /** The same key twice in one mapping: OmegaConf raises, PyYAML's safe_load keeps the last. */
  | { kind: 'duplicate-key'; message: string }
  /** A `!!python/…` tag: what PyYAML's unsafe loaders turn into an import or a call (CVE-2017-18342). */
  | { kind: 'python-tag'; message: string }
  /** More than one document: `yaml.safe_load` raises "expected a single document". */
  | { kind: 'multi-document'; message: string }
  /** Over the size, alias or depth limits: not read to the end. */
  | { kind: 'limit'; message: string };

export type YamlReadResult =
  { ok: true; value: YamlValue; problems: YamlProblem[] } | { ok: false; problems: YamlProblem[] };

const PYTHON_TAG = /^(tag:yaml\.org,2002:|!!)python\//;

/** Parses one config; problems that do not stop a SafeLoader (none today) come back with the value. */
export function readConfigYaml(text: string): YamlReadResult {
  if (text.length > MAX_CONFIG_YAML_BYTES) {
    return fail({ kind: 'limit', message: `the text is over ${MAX_CONFIG_YAML_BYTES} bytes` });
  }
  let docs: Document.Parsed[];
  try {
    // PyYAML breaks lines at U+0085, U+2028 and U+2029 too; this parser reads them as text inside a line.
    const lines = text.replace(/[\u0085\u2028\u2029]/gu, '\n');
    const parsed = parseAllDocuments(lines, { version: '1.1', merge: true, uniqueKeys: true, strict: true });
    docs = Array.isArray(parsed) ? parsed : [];
  } catch (error) {
    return fail({ kind: 'limit', message: `the parser gave up: ${messageOf(error)}` });
  }
  if (docs.length > 1) return fail({ kind: 'multi-document', message: `${docs.length} YAML documents in one file` });
  const doc = docs[0];
  if (!doc) return { ok: true, value: null, problems: [] };
  const structural = documentProblems(doc);
  if (structural.length > 0) return { ok: false, problems: structural };
  return toValue(doc);
}

function documentProblems(doc: Document.Parsed): YamlProblem[] {
  const tags = pythonTags(doc);
  if (tags.length > 0) return tags;
  return doc.errors.slice(0, MAX_PROBLEMS).map((e) => {
    const message = e.message.split('\n')[0] ?? e.message;
    if (e.code === 'DUPLICATE_KEY') return { kind: 'duplicate-key', message };
    // The parser recurses on nested flow collections: a stack overflow is a limit, not a syntax error.
    return /call stack/i.test(message)
      ? { kind: 'limit', message: 'nesting too deep to parse' }
      : { kind: 'syntax', message };
  });
}

/** Every node (scalar, mapping, sequence) whose explicit tag is a PyYAML python tag. */
function pythonTags(doc: Document.Parsed): YamlProblem[] {
  const found: YamlProblem[] = [];
  visit(doc, (_key, node) => {
    const tag = isScalar(node) || isMap(node) || isSeq(node) ? node.tag : undefined;
    if (tag && PYTHON_TAG.test(tag)) found.push({ kind: 'python-tag', message: `tag ${tag}` });
    return found.length >= 20 ? visit.BREAK : undefined;
  });
  if (found.length > 0) return found;
  // Any other unresolved tag: a SafeLoader raises "could not determine a constructor".
  return doc.warnings.slice(0, MAX_PROBLEMS).map((w) => ({
    kind: /python\//.test(w.message) ? 'python-tag' : 'syntax',
    message: w.message.split('\n')[0] ?? w.message,
  }));
}

function toValue(doc: Document.Parsed): YamlReadResult {
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (error) {
    return fail({ kind: 'limit', message: `alias expansion refused: ${messageOf(error)}` });
  }
  const depth = depthOver(value, MAX_DEPTH);
  if (depth) return fail({ kind: 'limit', message: `nesting deeper than ${MAX_DEPTH} levels` });
  return { ok: true, value: value as YamlValue, problems: [] };
}

/** True when `value` nests deeper than `max` (iterative: a deep value must not exhaust the stack here). */
function depthOver(value: unknown, max: number): boolean {
  const stack: [unknown, number][] = [[value, 0]];
  const seen = new Set<unknown>();
  while (stack.length > 0) {
    const [v, d] = stack.pop()!;
    if (typeof v !== 'object' || v === null || seen.has(v)) continue;
    if (d > max) return true;
    seen.add(v);
    for (const child of Object.values(v)) stack.push([child, d + 1]);
  }
  return false;
}

function fail(problem: YamlProblem): YamlReadResult {
  return { ok: false, problems: [problem] };
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message.split('\n')[0]! : String(error);
}

export function isYamlMapping(v: YamlValue | undefined): v is { [key: string]: YamlValue } {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
