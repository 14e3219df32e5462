/**
 * Reader of LightGBM text models (`Booster.save_model` / `model_to_string`), after
 * GBDT::LoadModelFromString (src/boosting/gbdt_model_text.cpp) and Tree::Tree(const char*, size_t*)
 * (src/io/tree.cpp) of LightGBM 4.x. The file holds numbers and names only; what can go wrong is
 * structure, which the loader checks little of: it trusts child indices, split features and categorical
 * thresholds when it predicts. This reader checks all of them and reports every problem it finds.
 */

export type LightgbmProblemKind = 'malformed' | 'out-of-range' | 'too-large';

export interface LightgbmProblem {
  kind: LightgbmProblemKind;
  message: string;
}

export interface LightgbmModel {
  trees: number;
  maxFeatureIdx: number;
  /** Header and tree keys the loader skips. */
  unknownKeys: string[];
  /** `[key: value]` lines of the parameters block. */
  parameters: Map<string, string>;
  /** The `pandas_categorical:` trailer as written (the Python package json.loads it). */
  pandasCategorical: string | null;
  problems: LightgbmProblem[];
}

export const LIGHTGBM_LIMITS = { maxTrees: 100_000, maxLeaves: 1 << 20, maxProblems: 20 };

/** Keys GBDT::LoadModelFromString reads from the header (others are skipped). */
const HEADER_KEYS = new Set([
  'version',
  'num_class',
  'num_tree_per_iteration',
  'label_index',
  'max_feature_idx',
  'objective',
  'average_output',
  'feature_names',
  'feature_infos',
  'monotone_constraints',
  'tree_sizes',
]);
const REQUIRED_HEADER = ['num_class', 'num_tree_per_iteration', 'label_index', 'max_feature_idx'];

/** Keys Tree::Tree(const char*) reads. */
const TREE_KEYS = new Set([
  'num_leaves',
  'num_cat',
  'split_feature',
  'split_gain',
  'threshold',
  'decision_type',
  'left_child',
  'right_child',
  'leaf_value',
  'leaf_weight',
  'leaf_count',
  'internal_value',
  'internal_weight',
  'internal_count',
  'cat_boundaries',
  'cat_threshold',
  'is_linear',
  'shrinkage',
  'leaf_const',
  'num_features',
  'leaf_features',
  'leaf_coeff',
]);
/** Per-node arrays (num_leaves - 1 entries) and per-leaf arrays (num_leaves entries). */
const NODE_ARRAYS = ['split_feature', 'threshold', 'decision_type', 'left_child', 'right_child'];
const OPTIONAL_NODE_ARRAYS = ['split_gain', 'internal_value', 'internal_weight', 'internal_count'];
const LEAF_ARRAYS = ['leaf_value'];
const OPTIONAL_LEAF_ARRAYS = ['leaf_weight', 'leaf_count'];

/** Whether the first bytes are a LightGBM text model: the line "tree", then "version=v…" (SaveModelToString). */
export function looksLikeLightgbm(head: Uint8Array): boolean {
  const text = new TextDecoder('latin1').decode(head.subarray(0, 32));
  return /^tree\r?\nversion=v\d+\r?\n/.test(text);
}

class Problems {
  readonly list: LightgbmProblem[] = [];
  add(kind: LightgbmProblemKind, message: string): void {
    if (this.list.length < LIGHTGBM_LIMITS.maxProblems) this.list.push({ kind, message });
  }
}

/** Parses and checks a whole model text. Never throws on content. */
export function readLightgbm(text: string): LightgbmModel {
  const problems = new Problems();
  const raw = text.split('\n');
  const lines = raw.map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
  const model: LightgbmModel = {
    trees: 0,
    maxFeatureIdx: -1,
    unknownKeys: [],
    parameters: new Map(),
    pandasCategorical: null,
    problems: problems.list,
  };
  if (lines[0] !== 'tree') problems.add('malformed', 'the first line is not "tree"');
  let i = 1;
  const header = new Map<string, string>();
  for (; i < lines.length && !lines[i]!.startsWith('Tree=') && lines[i] !== 'end of trees'; i++) {
    const line = lines[i]!;
    if (line === '') continue;
    const eq = line.indexOf('=');
    if (eq < 0) {
      problems.add('malformed', `header line ${i + 1} is not key=value`);
      continue;
    }
    header.set(line.slice(0, eq), line.slice(eq + 1));
  }
  for (const key of header.keys()) if (!HEADER_KEYS.has(key)) model.unknownKeys.push(key);
  const numbers = headerNumbers(header, problems);
  model.maxFeatureIdx = numbers?.maxFeatureIdx ?? -1;
  const blocks = treeBlocks(lines, raw, i, problems);
  model.trees = blocks.length;
  if (numbers) {
    checkHeaderLists(header, numbers.maxFeatureIdx, problems);
    checkTreeSizes(header, blocks, problems);
    blocks.forEach((b) => checkTree(b, numbers.maxFeatureIdx, problems, model.unknownKeys));
    if (blocks.length % numbers.treesPerIteration !== 0) {
      problems.add('malformed', `${blocks.length} trees is not a multiple of num_tree_per_iteration`);
    }
  }
  readTrailer(lines, blocks.at(-1)?.end ?? i, model, problems);
  return model;
}

interface HeaderNumbers {
  maxFeatureIdx: number;
  treesPerIteration: number;
}

function headerNumbers(header: Map<string, string>, problems: Problems): HeaderNumbers | null {
  const missing = REQUIRED_HEADER.filter((k) => !header.has(k));
  if (missing.length > 0) {
    problems.add('malformed', `the header lacks ${missing.join(', ')} (the loader refuses the model)`);
    return null;
  }
  const num = (k: string) => parseIntStrict(header.get(k) ?? '');
  const numClass = num('num_class');
  const perIteration = num('num_tree_per_iteration');
  const labelIndex = num('label_index');
  const maxFeatureIdx = num('max_feature_idx');
  if (numClass === null || numClass < 1) problems.add('malformed', 'num_class is not a positive integer');
  if (perIteration === null || perIteration < 1) {
    problems.add('malformed', 'num_tree_per_iteration is not a positive integer');
  }
  if (labelIndex === null || labelIndex < 0) problems.add('malformed', 'label_index is not a non-negative integer');
  if (maxFeatureIdx === null || maxFeatureIdx < 0) {
    problems.add('malformed', 'max_feature_idx is not a non-negative integer');
  }
  if (perIteration === null || perIteration < 1 || maxFeatureIdx === null || maxFeatureIdx < 0) return null;
  return { maxFeatureIdx, treesPerIteration: perIteration };
}

/** feature_names and feature_infos must name every feature (the loader: "Wrong size of feature_names"). */
function checkHeaderLists(header: Map<string, string>, maxFeatureIdx: number, problems: Problems): void {
  for (const key of ['feature_names', 'feature_infos']) {
    const value = header.get(key);
    if (value === undefined) continue;
    const count = value === '' ? 0 : value.split(' ').length;
    if (count !== maxFeatureIdx + 1) {
      problems.add('malformed', `${key} has ${count} entries for ${maxFeatureIdx + 1} features`);
    }
  }
}

interface TreeBlock {
  index: number;
  /** Line range [start, end) of the block, its "Tree=" line included. */
  start: number;
  end: number;
  bytes: number;
  keys: Map<string, string>;
}

/** UTF-8 bytes of a raw line and its '\n', as tree_sizes counts them (a '\r' included). */
function lineBytes(line: string): number {
  // eslint-disable-next-line no-control-regex
  return (/^[\x00-\x7f]*$/.test(line) ? line.length : new TextEncoder().encode(line).byteLength) + 1;
}

function treeBlocks(lines: string[], raw: string[], from: number, problems: Problems): TreeBlock[] {
  const blocks: TreeBlock[] = [];
  let i = from;
  while (i < lines.length && lines[i]!.startsWith('Tree=')) {
    if (blocks.length >= LIGHTGBM_LIMITS.maxTrees) {
      problems.add('too-large', `more than ${LIGHTGBM_LIMITS.maxTrees} trees`);
      break;
    }
    const start = i;
    const index = parseIntStrict(lines[i]!.slice(5));
    if (index !== blocks.length) problems.add('malformed', `tree ${blocks.length} is labelled "${lines[i]}"`);
    const keys = new Map<string, string>();
    let bytes = lineBytes(raw[i]!);
    for (i++; i < lines.length && !lines[i]!.startsWith('Tree=') && lines[i] !== 'end of trees'; i++) {
      bytes += lineBytes(raw[i]!);
      const eq = lines[i]!.indexOf('=');
      if (eq > 0) keys.set(lines[i]!.slice(0, eq), lines[i]!.slice(eq + 1));
      else if (lines[i] !== '') problems.add('malformed', `tree ${blocks.length}: line ${i + 1} is not key=value`);
    }
    blocks.push({ index: blocks.length, start, end: i, bytes, keys });
  }
  if (lines[i] !== 'end of trees') problems.add('malformed', 'the trees do not end with "end of trees"');
  return blocks;
}

/** tree_sizes lets the loader jump to each tree by byte count: a wrong size makes it parse the wrong text. */
function checkTreeSizes(header: Map<string, string>, blocks: TreeBlock[], problems: Problems): void {
  const value = header.get('tree_sizes');
  if (value === undefined) return;
  const sizes = value === '' ? [] : value.split(' ').map(parseIntStrict);
  if (sizes.length !== blocks.length) {
    problems.add('malformed', `tree_sizes lists ${sizes.length} trees, the file holds ${blocks.length}`);
    return;
  }
  const wrong = blocks.find((b, k) => sizes[k] !== b.bytes);
  if (wrong) problems.add('out-of-range', `tree_sizes gives tree ${wrong.index} a size other than its text`);
}

function checkTree(block: TreeBlock, maxFeatureIdx: number, problems: Problems, unknown: string[]): void {
  const where = `tree ${block.index}`;
  for (const key of block.keys.keys()) {
    if (!TREE_KEYS.has(key) && !unknown.includes(key)) unknown.push(key);
  }
  const leaves = parseIntStrict(block.keys.get('num_leaves') ?? '');
  const numCat = parseIntStrict(block.keys.get('num_cat') ?? '');
  if (leaves === null || leaves < 1)
    return problems.add('malformed', `${where}: num_leaves is missing or not positive`);
  if (leaves > LIGHTGBM_LIMITS.maxLeaves) return problems.add('too-large', `${where}: ${leaves} leaves`);
  if (numCat === null || numCat < 0) return problems.add('malformed', `${where}: num_cat is missing or negative`);
  const arrays = new Map<string, number[]>();
  const need = (keys: string[], count: number, required: boolean): boolean => {
    for (const key of keys) {
      const raw = block.keys.get(key);
      if (raw === undefined) {
        if (required && count > 0) {
          problems.add('malformed', `${where}: ${key} is missing`);
          return false;
        }
        continue;
      }
      const values = parseNumbers(raw);
      if (values === null || values.length !== count) {
        problems.add('malformed', `${where}: ${key} does not hold ${count} numbers`);
        return false;
      }
      arrays.set(key, values);
    }
    return true;
  };
  // Tree::Tree reads only leaf_value of a one-leaf tree (a constant model) and writes its other arrays empty.
  if (leaves === 1) return void need(LEAF_ARRAYS, 1, true);
  const ok =
    need(NODE_ARRAYS, leaves - 1, true) &&
    need(OPTIONAL_NODE_ARRAYS, leaves - 1, false) &&
    need(LEAF_ARRAYS, leaves, true) &&
    need(OPTIONAL_LEAF_ARRAYS, leaves, false);
  if (!ok) return;
  checkShape(where, leaves, arrays.get('left_child')!, arrays.get('right_child')!, problems);
  checkSplits(where, block, arrays, maxFeatureIdx, numCat, problems);
  if (block.keys.get('is_linear') === '1') checkLinear(where, block, leaves, maxFeatureIdx, problems);
}

/**
 * Linear-tree leaves (linear_tree=true): leaf_const and num_features per leaf; leaf_features and leaf_coeff
 * flattened, num_features[i] of each for leaf i (Tree::Tree reads them as flat arrays and splits them).
 */
function checkLinear(where: string, block: TreeBlock, leaves: number, maxFeatureIdx: number, problems: Problems): void {
  const words = (key: string) => parseNumbers((block.keys.get(key) ?? '').trim().replace(/ +/g, ' '));
  const [consts, counts, features, coeffs] = ['leaf_const', 'num_features', 'leaf_features', 'leaf_coeff'].map(words);
  if (!consts || !counts || !features || !coeffs || consts.length !== leaves || counts.length !== leaves) {
    return problems.add('malformed', `${where}: leaf_const / num_features do not describe ${leaves} linear leaves`);
  }
  const total = counts.reduce((a, n) => a + (Number.isInteger(n) && n >= 0 ? n : NaN), 0);
  if (features.length !== total || coeffs.length !== total) {
    return problems.add('malformed', `${where}: leaf_features / leaf_coeff do not hold ${total} entries`);
  }
  const bad = features.find((f) => !Number.isInteger(f) || f < 0 || f > maxFeatureIdx);
  if (bad !== undefined) problems.add('out-of-range', `${where}: a linear leaf uses feature ${bad}`);
}

/** Every node but the root has exactly one parent and every node is reachable from the root: a tree. */
function checkShape(where: string, leaves: number, left: number[], right: number[], problems: Problems): void {
  const internal = leaves - 1;
  const parents = new Uint8Array(internal + leaves);
  for (const child of [...left, ...right]) {
    if (!Number.isInteger(child)) return problems.add('malformed', `${where}: a child index is not an integer`);
    const slot = child >= 0 ? child : internal + ~child;
    if (child >= internal || ~child >= leaves || child === 0) {
      return problems.add('out-of-range', `${where}: child index ${child} is outside 1…${internal - 1} / leaves`);
    }
    if ((parents[slot] = (parents[slot] ?? 0) + 1) > 1)
      return problems.add('out-of-range', `${where}: node ${child} has two parents`);
  }
  const seen = new Uint8Array(internal);
  const stack = [0];
  let reached = 0;
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (seen[node]) return problems.add('out-of-range', `${where}: the nodes form a cycle`);
    seen[node] = 1;
    reached++;
    for (const c of [left[node]!, right[node]!]) if (c >= 0) stack.push(c);
  }
  if (reached !== internal) problems.add('out-of-range', `${where}: ${internal - reached} nodes are not reachable`);
}

/** decision_type bit 0: categorical (threshold indexes cat_boundaries); bits 2–3: missing type 0…2. */
function checkSplits(
  where: string,
  block: TreeBlock,
  arrays: Map<string, number[]>,
  maxFeatureIdx: number,
  numCat: number,
  problems: Problems,
): void {
  const features = arrays.get('split_feature')!;
  const bad = features.find((f) => !Number.isInteger(f) || f < 0 || f > maxFeatureIdx);
  if (bad !== undefined)
    problems.add('out-of-range', `${where}: split_feature ${bad} is not below ${maxFeatureIdx + 1}`);
  const types = arrays.get('decision_type')!;
  const thresholds = arrays.get('threshold')!;
  if (types.some((t) => !Number.isInteger(t) || t < 0 || t > 0xff || (t >> 2) % 4 > 2)) {
    problems.add('malformed', `${where}: a decision_type is not one LightGBM writes`);
  }
  if (numCat > 0) checkCategorical(where, block, numCat, problems);
  types.forEach((t, k) => {
    if ((t & 1) === 1 && !(Number.isInteger(thresholds[k]) && thresholds[k]! >= 0 && thresholds[k]! < numCat)) {
      problems.add('out-of-range', `${where}: categorical split ${k} points to category set ${thresholds[k]}`);
    }
  });
}

function checkCategorical(where: string, block: TreeBlock, numCat: number, problems: Problems): void {
  const bounds = parseNumbers(block.keys.get('cat_boundaries') ?? '');
  const words = parseNumbers(block.keys.get('cat_threshold') ?? '');
  if (bounds === null || words === null || bounds.length !== numCat + 1) {
    return problems.add('malformed', `${where}: cat_boundaries / cat_threshold do not describe ${numCat} sets`);
  }
  const monotone = bounds.every((b, k) => Number.isInteger(b) && (k === 0 ? b === 0 : b >= bounds[k - 1]!));
  if (!monotone || bounds[numCat] !== words.length) {
    problems.add('out-of-range', `${where}: cat_boundaries point outside cat_threshold`);
  }
}

/** The parameters block and the `pandas_categorical:` line the Python package reads with json.loads. */
function readTrailer(lines: string[], from: number, model: LightgbmModel, problems: Problems): void {
  let inParams = false;
  for (let i = from; i < lines.length; i++) {
    const line = lines[i]!;
    if (line === 'parameters:') inParams = true;
    else if (line === 'end of parameters') inParams = false;
    else if (inParams && line !== '') {
      const m = /^\[([^:\]]+): ?(.*)\]$/.exec(line);
      if (m) model.parameters.set(m[1]!, m[2]!);
      else problems.add('malformed', `parameters line ${i + 1} is not "[key: value]"`);
    } else if (line.startsWith('pandas_categorical:')) {
      model.pandasCategorical = line.slice('pandas_categorical:'.length);
    }
  }
  if (inParams) problems.add('malformed', 'the parameters block does not end');
}

function parseIntStrict(text: string): number | null {
  return /^-?\d{1,15}$/.test(text) ? Number(text) : null;
}

/** Space-separated numbers as LightGBM writes them (inf/nan included); null if any does not parse. */
function parseNumbers(text: string): number[] | null {
  if (text === '') return [];
  const out: number[] = [];
  for (const word of text.split(' ')) {
    if (/^-?inf$/i.test(word)) out.push(word.startsWith('-') ? -Infinity : Infinity);
    else if (/^-?nan$/i.test(word)) out.push(NaN);
    else if (/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(word)) out.push(Number(word));
    else return null;
  }
  return out;
}
