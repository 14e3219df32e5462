import { isJsonObject, type JsonObject, type JsonValue } from './strict-json.ts';

/**
 * Structure checks of an XGBoost model document (JSON `save_model("*.json")` or its UBJSON encoding), after
 * the published schema (doc/model.schema of the xgboost repository) and the loaders that trust it:
 * RegTree::LoadModel (src/tree/tree_model.cc) takes child, parent and split indices as they are, so an
 * index out of range is an out-of-bounds read when the model predicts, and a cycle a loop that never ends.
 */

export type XgboostProblemKind = 'malformed' | 'out-of-range' | 'count' | 'not-followed' | 'unknown-key';

export interface XgboostProblem {
  kind: XgboostProblemKind;
  message: string;
}

export interface XgboostModel {
  trees: number;
  booster: string;
  /** learner.attributes as written: free strings (best_iteration, a user's metadata …). */
  attributes: Map<string, string>;
  problems: XgboostProblem[];
}

const MAX_PROBLEMS = 20;
/** XGBoost writes the root's parent as 2^31 - 1 (RegTree::kInvalidNodeId is -1 and is stored that way). */
const ROOT_PARENTS = new Set([2147483647, -1]);

const KNOWN = {
  top: ['learner', 'version'],
  learner: ['attributes', 'feature_names', 'feature_types', 'gradient_booster', 'learner_model_param', 'objective'],
  modelParam: ['base_score', 'num_class', 'num_feature', 'num_target', 'boost_from_average'],
  gbtreeModel: ['gbtree_model_param', 'trees', 'tree_info', 'iteration_indptr', 'cats'],
  tree: [
    'tree_param',
    'id',
    'loss_changes',
    'sum_hessian',
    'base_weights',
    'left_children',
    'right_children',
    'parents',
    'split_indices',
    'split_conditions',
    'split_type',
    'default_left',
    'categories',
    'categories_nodes',
    'categories_segments',
    'categories_sizes',
  ],
};
/** Arrays with exactly one entry per node (schema: "RegTree"). */
const NODE_ARRAYS = [
  'loss_changes',
  'sum_hessian',
  'left_children',
  'right_children',
  'parents',
  'split_indices',
  'split_conditions',
  'default_left',
];

/**
 * Whether a text head is an XGBoost JSON model: its writer emits keys in sorted order, so the document opens
 * with "learner" and the learner with one of its schema keys. Hugging Face config.json never does.
 */
export function looksLikeXgboostJson(head: Uint8Array): boolean {
  const text = new TextDecoder('latin1').decode(head.subarray(0, 512));
  return /^\s*\{\s*"learner"\s*:\s*\{\s*"(attributes|feature_names|feature_types|gradient_booster|learner_model_param|objective)"\s*:/.test(
    text,
  );
}

/** Whether a binary head is an XGBoost UBJSON model: `{`, the key "learner" (any integer length type), `{`. */
export function looksLikeXgboostUbjson(head: Uint8Array): boolean {
  if (head[0] !== 0x7b) return false;
  const widths: Record<number, number> = { 0x69: 1, 0x55: 1, 0x49: 2, 0x6c: 4, 0x4c: 8 };
  const width = widths[head[1] ?? 0];
  if (width === undefined) return false;
  let length = 0;
  for (let k = 0; k < width; k++) length = length * 256 + (head[2 + k] ?? 0xff);
  const at = 2 + width;
  const key = new TextDecoder('latin1').decode(head.subarray(at, at + 7));
  return length === 7 && key === 'learner' && head[at + 7] === 0x7b;
}

class Problems {
  readonly list: XgboostProblem[] = [];
  add(kind: XgboostProblemKind, message: string): void {
    if (this.list.length < MAX_PROBLEMS) this.list.push({ kind, message });
  }
}

export function checkXgboost(doc: JsonValue): XgboostModel {
  const problems = new Problems();
  const model: XgboostModel = { trees: 0, booster: '', attributes: new Map(), problems: problems.list };
  if (!isJsonObject(doc) || !isJsonObject(doc.learner)) {
    problems.add('malformed', 'the document has no learner object');
    return model;
  }
  unknownKeys(doc, KNOWN.top, '', problems);
  checkVersion(doc.version, problems);
  const learner = doc.learner;
  unknownKeys(learner, KNOWN.learner, 'learner', problems);
  readAttributes(learner.attributes, model, problems);
  for (const key of ['feature_names', 'feature_types']) {
    const v = learner[key];
    if (v !== undefined && !(Array.isArray(v) && v.every((s) => typeof s === 'string'))) {
      problems.add('malformed', `learner.${key} is not a list of strings`);
    }
  }
  const param = modelParam(learner.learner_model_param, problems);
  if (!param) return model;
  if (!isJsonObject(learner.objective) || typeof learner.objective.name !== 'string') {
    problems.add('malformed', 'learner.objective has no name');
  }
  checkBooster(learner.gradient_booster, param, model, problems);
  if (
    Array.isArray(learner.feature_names) &&
    learner.feature_names.length > 0 &&
    learner.feature_names.length !== param.numFeature
  ) {
    problems.add('count', `${learner.feature_names.length} feature names for num_feature ${param.numFeature}`);
  }
  return model;
}

interface ModelParam {
  numFeature: number;
  /** Output groups: max(num_class, num_target, 1); tree_info entries index them. */
  groups: number;
}

function checkVersion(version: JsonValue | undefined, problems: Problems): void {
  const ok = Array.isArray(version) && version.length === 3 && version.every((v) => isCount(v));
  if (!ok) problems.add('malformed', 'version is not [major, minor, patch]');
}

function readAttributes(attrs: JsonValue | undefined, model: XgboostModel, problems: Problems): void {
  if (attrs === undefined) return;
  if (!isJsonObject(attrs)) return problems.add('malformed', 'learner.attributes is not an object');
  for (const [key, value] of Object.entries(attrs)) {
    if (typeof value === 'string') model.attributes.set(key, value);
    else problems.add('malformed', `attribute ${key} is not a string`);
  }
}

/** learner_model_param: numbers written as strings ("num_feature": "4"). */
function modelParam(param: JsonValue | undefined, problems: Problems): ModelParam | null {
  if (!isJsonObject(param)) {
    problems.add('malformed', 'learner.learner_model_param is missing');
    return null;
  }
  unknownKeys(param, KNOWN.modelParam, 'learner_model_param', problems);
  const numFeature = countOf(param.num_feature);
  const numClass = param.num_class === undefined ? 0 : countOf(param.num_class);
  const numTarget = param.num_target === undefined ? 1 : countOf(param.num_target);
  if (numFeature === null || numClass === null || numTarget === null) {
    problems.add('malformed', 'num_feature, num_class or num_target is not a count');
    return null;
  }
  if (param.base_score !== undefined && !isNumberLike(param.base_score)) {
    problems.add('malformed', 'base_score is not a number');
  }
  return { numFeature, groups: Math.max(numClass, numTarget, 1) };
}

function checkBooster(gb: JsonValue | undefined, param: ModelParam, model: XgboostModel, problems: Problems): void {
  if (!isJsonObject(gb) || typeof gb.name !== 'string') {
    return problems.add('malformed', 'learner.gradient_booster has no name');
  }
  model.booster = gb.name;
  if (gb.name === 'gbtree') return checkGbtree(gb.model, param, model, problems);
  if (gb.name === 'dart') {
    unknownKeys(gb, ['name', 'gbtree', 'weight_drop'], 'dart', problems);
    const inner = isJsonObject(gb.gbtree) ? gb.gbtree : undefined;
    if (!inner || inner.name !== 'gbtree') return problems.add('malformed', 'dart has no gbtree');
    checkGbtree(inner.model, param, model, problems);
    const drops = gb.weight_drop;
    if (!Array.isArray(drops) || !drops.every((d) => typeof d === 'number')) {
      return problems.add('malformed', 'dart weight_drop is not a list of numbers');
    }
    if (drops.length !== model.trees) problems.add('count', `${drops.length} dart weights for ${model.trees} trees`);
    return;
  }
  if (gb.name === 'gblinear') {
    const weights = isJsonObject(gb.model) ? gb.model.weights : undefined;
    if (!Array.isArray(weights) || !weights.every((w) => typeof w === 'number')) {
      return problems.add('malformed', 'gblinear has no weights');
    }
    // GBLinearModel: (num_feature + 1) × num_output_group weights, the bias last.
    const expected = (param.numFeature + 1) * param.groups;
    if (weights.length !== expected) problems.add('count', `gblinear has ${weights.length} weights, not ${expected}`);
    return;
  }
  problems.add('not-followed', `booster "${gb.name}" is not one the check knows`);
}

function checkGbtree(m: JsonValue | undefined, param: ModelParam, model: XgboostModel, problems: Problems): void {
  if (!isJsonObject(m) || !Array.isArray(m.trees) || !isJsonObject(m.gbtree_model_param)) {
    return problems.add('malformed', 'gbtree model lacks trees or gbtree_model_param');
  }
  unknownKeys(m, KNOWN.gbtreeModel, 'gbtree.model', problems);
  const trees = m.trees;
  model.trees = trees.length;
  const numTrees = countOf(m.gbtree_model_param.num_trees);
  if (numTrees !== trees.length) problems.add('count', `num_trees is ${numTrees}, the model holds ${trees.length}`);
  const info = m.tree_info;
  if (!Array.isArray(info) || info.length !== trees.length) {
    problems.add('count', `tree_info does not list ${trees.length} trees`);
  } else if (!info.every((g) => isCount(g) && (g as number) < param.groups)) {
    problems.add('out-of-range', `a tree_info group is not below ${param.groups}`);
  }
  checkIndptr(m.iteration_indptr, trees.length, problems);
  const ids = new Set<number>();
  trees.forEach((t, k) => {
    const id = isJsonObject(t) ? t.id : undefined;
    if (!isCount(id) || (id as number) >= trees.length || ids.has(id as number)) {
      problems.add('out-of-range', `tree ${k} has id ${String(id)}, not a distinct index below ${trees.length}`);
    } else ids.add(id as number);
    checkTree(t, k, param, problems);
  });
}

/** iteration_indptr (XGBoost 2.x): trees of iteration i are [indptr[i], indptr[i+1]). */
function checkIndptr(indptr: JsonValue | undefined, trees: number, problems: Problems): void {
  if (indptr === undefined) return;
  const ok =
    Array.isArray(indptr) &&
    indptr.length > 0 &&
    indptr[0] === 0 &&
    indptr.at(-1) === trees &&
    indptr.every((v, k) => isCount(v) && (k === 0 || (v as number) >= (indptr[k - 1] as number)));
  if (!ok) problems.add('out-of-range', `iteration_indptr does not split ${trees} trees into iterations`);
}

function checkTree(t: JsonValue, k: number, param: ModelParam, problems: Problems): void {
  const where = `tree ${k}`;
  if (!isJsonObject(t) || !isJsonObject(t.tree_param)) return problems.add('malformed', `${where} has no tree_param`);
  unknownKeys(t, KNOWN.tree, where, problems);
  const nodes = countOf(t.tree_param.num_nodes);
  if (nodes === null || nodes < 1) return problems.add('malformed', `${where}: num_nodes is not a positive count`);
  const treeFeatures = countOf(t.tree_param.num_feature);
  if (treeFeatures !== null && treeFeatures !== param.numFeature) {
    problems.add('count', `${where}: num_feature ${treeFeatures}, the learner has ${param.numFeature}`);
  }
  // Vector-leaf trees (multi_strategy="multi_output_tree", XGBoost 2.0+) store their leaves differently.
  const leafVector = countOf(t.tree_param.size_leaf_vector ?? '1');
  if (leafVector === null || leafVector > 1) {
    return problems.add('not-followed', `${where}: vector-leaf trees (size_leaf_vector ${String(leafVector)})`);
  }
  for (const key of NODE_ARRAYS) {
    const v = t[key];
    if (!Array.isArray(v) || v.length !== nodes || !v.every((x) => typeof x === 'number' || typeof x === 'boolean')) {
      return problems.add('out-of-range', `${where}: ${key} does not hold ${nodes} numbers`);
    }
  }
  const weights = t.base_weights;
  if (!Array.isArray(weights) || weights.length !== nodes) {
    problems.add('out-of-range', `${where}: base_weights does not hold ${nodes} values`);
  }
  const left = t.left_children as number[];
  const right = t.right_children as number[];
  if (!checkShape(where, nodes, left, right, t.parents as number[], problems)) return;
  const splits = t.split_indices as number[];
  left.forEach((c, n) => {
    if (c !== -1 && !(isCount(splits[n]) && splits[n]! < param.numFeature)) {
      problems.add('out-of-range', `${where}: node ${n} splits on feature ${splits[n]}, not below ${param.numFeature}`);
    }
  });
  checkCategories(where, t, nodes, problems);
}

/** A leaf has both children -1; an inner node two in-range children whose parents point back; one root. */
function checkShape(
  where: string,
  nodes: number,
  left: number[],
  right: number[],
  parents: number[],
  problems: Problems,
): boolean {
  if (!ROOT_PARENTS.has(parents[0]!)) {
    problems.add('out-of-range', `${where}: the root has parent ${parents[0]}`);
    return false;
  }
  const seen = new Uint8Array(nodes);
  const stack = [0];
  let reached = 0;
  while (stack.length > 0) {
    const n = stack.pop()!;
    if (seen[n]) return fail(problems, `${where}: node ${n} is reached twice (a cycle or a shared child)`);
    seen[n] = 1;
    reached++;
    const [l, r] = [left[n]!, right[n]!];
    if (l === -1 && r === -1) continue;
    for (const c of [l, r]) {
      if (!Number.isInteger(c) || c < 1 || c >= nodes) {
        return fail(problems, `${where}: node ${n} has child ${c}, outside 1…${nodes - 1}`);
      }
      if (parents[c] !== n) return fail(problems, `${where}: node ${c}'s parent is ${parents[c]}, not ${n}`);
      stack.push(c);
    }
  }
  if (reached !== nodes) return fail(problems, `${where}: ${nodes - reached} nodes are not reachable from the root`);
  return true;
}

function fail(problems: Problems, message: string): false {
  problems.add('out-of-range', message);
  return false;
}

/** Categorical splits: categories_segments/sizes of each listed node must stay inside categories. */
function checkCategories(where: string, t: JsonObject, nodes: number, problems: Problems): void {
  const types = t.split_type;
  if (types === undefined) return;
  if (!Array.isArray(types) || types.length !== nodes) {
    return problems.add('out-of-range', `${where}: split_type does not hold ${nodes} entries`);
  }
  const cats = t.categories ?? [];
  const catNodes = t.categories_nodes ?? [];
  const segments = t.categories_segments ?? [];
  const sizes = t.categories_sizes ?? [];
  if (![cats, catNodes, segments, sizes].every(Array.isArray)) {
    return problems.add('malformed', `${where}: a categories field is not a list`);
  }
  const [c, cn, seg, sz] = [cats, catNodes, segments, sizes] as [JsonValue[], JsonValue[], JsonValue[], JsonValue[]];
  if (cn.length !== seg.length || cn.length !== sz.length) {
    return problems.add('out-of-range', `${where}: categories_nodes, _segments and _sizes differ in length`);
  }
  for (let k = 0; k < cn.length; k++) {
    const ok =
      isCount(cn[k]) &&
      (cn[k] as number) < nodes &&
      types[cn[k] as number] === 1 &&
      isCount(seg[k]) &&
      isCount(sz[k]) &&
      (seg[k] as number) + (sz[k] as number) <= c.length;
    if (!ok) return problems.add('out-of-range', `${where}: categorical node entry ${k} points outside categories`);
  }
  const listed = new Set(cn);
  const missing = types.findIndex((ty, n) => ty === 1 && !listed.has(n));
  if (missing >= 0) problems.add('out-of-range', `${where}: categorical node ${missing} has no category set`);
}

function unknownKeys(obj: JsonObject, known: readonly string[], where: string, problems: Problems): void {
  const extra = Object.keys(obj).filter((k) => !known.includes(k));
  if (extra.length > 0) problems.add('unknown-key', `${where || 'top level'}: ${extra.slice(0, 10).join(', ')}`);
}

function isCount(v: JsonValue | undefined): boolean {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
}

/** A count written as a number or, as XGBoost writes its parameters, a decimal string. */
function countOf(v: JsonValue | undefined): number | null {
  if (isCount(v)) return v as number;
  if (typeof v === 'string' && /^\d{1,15}$/.test(v)) return Number(v);
  return null;
}

function isNumberLike(v: JsonValue): boolean {
  if (typeof v === 'number') return true;
  if (typeof v === 'string') return /^\[?[-+0-9.eE,]+\]?$/.test(v) && v !== '';
  return false;
}

/** sizeof(LearnerModelParamLegacy) in src/learner.cc (static_assert: 136 bytes). */
const LEGACY_PARAM_BYTES = 136;
const LEGACY_OBJECTIVE = /^(reg|binary|multi|rank|count|survival):[a-z_:@0-9-]{1,40}$/;
const LEGACY_BOOSTERS = new Set(['gbtree', 'gblinear', 'dart']);

/**
 * The legacy binary model (XGBoost < 1.0 `save_model`, still read by Learner::LoadModel(dmlc::Stream*) in
 * src/learner.cc until its removal): an optional "binf", the 136-byte LearnerModelParamLegacy, then the
 * objective and the booster name, each a little-endian uint64 length and its bytes. The two names make the
 * sniff strict; returns the booster and objective when the head matches.
 */
export function readXgboostLegacyHead(head: Uint8Array): { objective: string; booster: string } | null {
  const start = head[0] === 0x62 && new TextDecoder('latin1').decode(head.subarray(0, 4)) === 'binf' ? 4 : 0;
  const objective = lengthPrefixed(head, start + LEGACY_PARAM_BYTES, 64);
  if (!objective || !LEGACY_OBJECTIVE.test(objective.text)) return null;
  const booster = lengthPrefixed(head, objective.end, 16);
  if (!booster || !LEGACY_BOOSTERS.has(booster.text)) return null;
  return { objective: objective.text, booster: booster.text };
}

function lengthPrefixed(b: Uint8Array, at: number, max: number): { text: string; end: number } | null {
  if (at + 8 > b.byteLength) return null;
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  if (view.getUint32(at + 4, true) !== 0) return null;
  const length = view.getUint32(at, true);
  if (length < 1 || length > max || at + 8 + length > b.byteLength) return null;
  return { text: new TextDecoder('latin1').decode(b.subarray(at + 8, at + 8 + length)), end: at + 8 + length };
}
