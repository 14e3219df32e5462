import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { memorySource } from '../io/byte-source.ts';
import { looksLikeXgboostJson, looksLikeXgboostUbjson } from '../formats/xgboost.ts';
import { looksLikeXgboostLegacy, pickleBytes, scanXgboostJson, scanXgboostUbjson } from './scan-xgboost.ts';
import { fakeContext } from './fake-scan-context.ts';
import { scanFile } from './scan-file.ts';

/** An XGBoost 2.1-style document (scripts/gen_tree_model_fixtures.py builds the same from doc/model.schema). */
const BASE = readFileSync('test/fixtures/formats/tree-models/xgboost/gbtree.json', 'utf8');
type Doc = { learner: Record<string, any>; version: number[] };

const doc = (): Doc => JSON.parse(BASE) as Doc;
const gbtree = (d: Doc) => d.learner.gradient_booster.model;
const tree = (d: Doc, k: number) => gbtree(d).trees[k];
const scanDoc = (d: unknown, ctx = fakeContext()) =>
  scanXgboostJson(memorySource('m.json', new TextEncoder().encode(JSON.stringify(d))), ctx);
const codes = async (d: unknown) => (await scanDoc(d)).findings.map((f) => f.code);

test('a well-formed model is benign', async () => {
  const out = await scanDoc(doc());
  assert.equal(out.verdict, 'benign', out.reason);
  assert.deepEqual(await codes(doc()), ['MG-SCAN-410']);
});

test('sniffers claim XGBoost documents only, never a Hugging Face config.json', () => {
  const enc = (s: string) => new TextEncoder().encode(s);
  assert.ok(looksLikeXgboostJson(enc(BASE)));
  assert.ok(looksLikeXgboostJson(enc('{\n  "learner": {\n    "attributes": {}')));
  assert.ok(!looksLikeXgboostJson(enc('{"architectures": ["BertModel"], "learner": {"attributes": 1}}')));
  assert.ok(!looksLikeXgboostJson(enc('{"learner": "adam"}')));
  const ubj = readFileSync('test/fixtures/formats/tree-models/xgboost/gbtree.ubj');
  assert.ok(looksLikeXgboostUbjson(ubj));
  assert.ok(!looksLikeXgboostUbjson(enc('{"learner":{}}')));
});

test('child indices must stay inside the tree and agree with parents', async () => {
  const d = doc();
  tree(d, 1).left_children = [1, 9, -1, -1, -1];
  assert.deepEqual(await codes(d), ['MG-SCAN-412']);
  const p = doc();
  tree(p, 1).parents = [2147483647, 0, 0, 2, 1];
  assert.match((await scanDoc(p)).reason ?? '', /parent is 2, not 1/);
  const root = doc();
  tree(root, 0).parents = [5, 0, 0];
  assert.deepEqual(await codes(root), ['MG-SCAN-412']);
});

test('a node reached twice (a shared child) is refused', async () => {
  const d = doc();
  // Node 1's children are 3 and 4; node 2 becomes an inner node pointing at node 3 too.
  tree(d, 1).left_children = [1, 3, 3, -1, -1];
  tree(d, 1).right_children = [2, 4, 4, -1, -1];
  tree(d, 1).parents = [2147483647, 0, 0, 1, 1];
  assert.match((await scanDoc(d)).reason ?? '', /parent is 1, not 2|reached twice/);
  assert.equal((await scanDoc(d)).verdict, 'invalid');
});

test('split indices must be below num_feature', async () => {
  const d = doc();
  tree(d, 0).split_indices = [4, 0, 0];
  assert.deepEqual(await codes(d), ['MG-SCAN-412']);
  const leafOnly = doc();
  tree(leafOnly, 0).split_indices = [3, 99, 0]; // node 1 is a leaf: its split index is unused
  assert.deepEqual(await codes(leafOnly), ['MG-SCAN-410']);
});

test('node arrays of unequal length and base_weights of the wrong size', async () => {
  const d = doc();
  tree(d, 0).sum_hessian = [1, 2];
  assert.deepEqual(await codes(d), ['MG-SCAN-412']);
  const w = doc();
  tree(w, 0).base_weights = [0];
  assert.deepEqual(await codes(w), ['MG-SCAN-412']);
});

test('counts: num_trees, tree_info, iteration_indptr and tree ids', async () => {
  const n = doc();
  gbtree(n).gbtree_model_param.num_trees = '3';
  assert.deepEqual(await codes(n), ['MG-SCAN-413']);
  const info = doc();
  gbtree(info).tree_info = [0];
  assert.deepEqual(await codes(info), ['MG-SCAN-413']);
  const group = doc();
  gbtree(group).tree_info = [0, 1];
  assert.deepEqual(await codes(group), ['MG-SCAN-412']);
  const indptr = doc();
  gbtree(indptr).iteration_indptr = [0, 1, 5];
  assert.deepEqual(await codes(indptr), ['MG-SCAN-412']);
  const ids = doc();
  tree(ids, 1).id = 0;
  assert.deepEqual(await codes(ids), ['MG-SCAN-412']);
});

test('categorical node sets must stay inside categories', async () => {
  const d = doc();
  Object.assign(tree(d, 0), {
    split_type: [1, 0, 0],
    categories: [1, 4],
    categories_nodes: [0],
    categories_segments: [1],
    categories_sizes: [2],
  });
  assert.deepEqual(await codes(d), ['MG-SCAN-412']);
  tree(d, 0).categories_segments = [0];
  assert.deepEqual(await codes(d), ['MG-SCAN-410']);
  tree(d, 0).categories_nodes = [];
  tree(d, 0).categories_segments = [];
  tree(d, 0).categories_sizes = [];
  assert.deepEqual(await codes(d), ['MG-SCAN-412'], 'a categorical split without a set');
});

test('gblinear weights and dart drop weights are counted', async () => {
  const lin = doc();
  lin.learner.gradient_booster = { model: { weights: [0.1, 0.2] }, name: 'gblinear' };
  assert.deepEqual(await codes(lin), ['MG-SCAN-413']);
  lin.learner.gradient_booster.model.weights = [0.1, 0.2, 0.3, 0.4, 0.5];
  assert.deepEqual(await codes(lin), ['MG-SCAN-410']);
  const dart = doc();
  dart.learner.gradient_booster = { gbtree: dart.learner.gradient_booster, name: 'dart', weight_drop: [1] };
  assert.deepEqual(await codes(dart), ['MG-SCAN-413']);
});

test('an unknown booster is not followed; unknown keys are a benign note; a repeated key is malformed', async () => {
  const d = doc();
  d.learner.gradient_booster.name = 'gbmystery';
  assert.equal((await scanDoc(d)).verdict, 'unverified');
  const vector = doc();
  tree(vector, 0).tree_param.size_leaf_vector = '3';
  assert.equal((await scanDoc(vector)).verdict, 'unverified', 'vector-leaf trees are not followed');
  const extra = doc();
  extra.learner.surprise = 1;
  assert.deepEqual(await codes(extra), ['MG-SCAN-415', 'MG-SCAN-410']);
  const dup = BASE.replace('"version":[2,1,0]', '"version":[2,1,0],"version":[1,0,0]');
  const out = await scanXgboostJson(memorySource('m.json', new TextEncoder().encode(dup)), fakeContext());
  assert.equal(out.verdict, 'invalid');
  assert.equal((await scanDoc({ learner: {} })).verdict, 'invalid');
});

test('an attribute holding a pickle is flagged and handed to the pickle scanner', async () => {
  const pickle = [0x80, 0x04, 0x95, 0x00, 0x4e, 0x2e]; // PROTO 4, FRAME …, NONE, STOP
  const d = doc();
  d.learner.attributes = { blob: btoa(String.fromCharCode(...pickle)), best_iteration: '1' };
  const ctx = fakeContext();
  const out = await scanDoc(d, ctx);
  assert.equal(out.verdict, 'suspicious');
  assert.deepEqual(
    out.findings.map((f) => f.code),
    ['MG-SCAN-414'],
  );
  assert.deepEqual([...ctx.calls[0]!.bytes], pickle);
  assert.equal(ctx.calls[0]!.kind, 'pickle');
  assert.deepEqual([...(pickleBytes('gASVAE4u') ?? [])], pickle, 'unpadded base64 is decoded as Python does');
  assert.equal(pickleBytes('1'), null);
  assert.equal(pickleBytes('bm90IGEgcGlja2xl'), null, 'base64 of text is not a pickle');
});

test('through the router, an os.system pickle in an attribute makes the model malicious', async () => {
  const bytes = readFileSync('test/fixtures/formats/tree-models/xgboost/pickle-attribute.json');
  const out = await scanFile(memorySource('m.json', bytes));
  assert.equal(out.verdict, 'malicious');
});

test('UBJSON: the same checks; truncation is malformed, H is not followed', async () => {
  const ubj = readFileSync('test/fixtures/formats/tree-models/xgboost/gbtree.ubj');
  assert.equal((await scanXgboostUbjson(memorySource('m.ubj', ubj), fakeContext())).verdict, 'benign');
  const cut = await scanXgboostUbjson(memorySource('m.ubj', ubj.subarray(0, 200)), fakeContext());
  assert.deepEqual([cut.verdict, cut.findings[0]?.code], ['invalid', 'MG-SCAN-411']);
  const bad = readFileSync('test/fixtures/formats/tree-models/xgboost/child-out-of-range.ubj');
  assert.equal((await scanXgboostUbjson(memorySource('m.ubj', bad), fakeContext())).verdict, 'invalid');
});

test('over the size limit the model is not read', async () => {
  const ctx = fakeContext({ budget: { maxMemberBytes: 10 } });
  const out = await scanXgboostJson(memorySource('m.json', new TextEncoder().encode(BASE)), ctx);
  assert.deepEqual([out.verdict, out.findings[0]?.code], ['unverified', 'MG-SCAN-416']);
});

test('the legacy binary model is recognised by its names and never benign', async () => {
  const bytes = new Uint8Array(readFileSync('test/fixtures/formats/tree-models/xgboost/legacy.bin'));
  assert.ok(looksLikeXgboostLegacy(bytes));
  assert.ok(looksLikeXgboostLegacy(bytes.subarray(4)), '"binf" is optional');
  const other = bytes.slice();
  other[4 + 136 + 8] = 0x58; // the objective no longer reads "binary:…"
  assert.ok(!looksLikeXgboostLegacy(other));
  const out = await scanFile(memorySource('model.bin', bytes));
  assert.deepEqual([out.format, out.verdict, out.findings[0]?.code], ['xgboost-legacy', 'unverified', 'MG-SCAN-417']);
});
