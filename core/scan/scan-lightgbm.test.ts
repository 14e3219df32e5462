import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { memorySource } from '../io/byte-source.ts';
import { looksLikeLightgbm, readLightgbm } from '../formats/lightgbm.ts';
import { scanLightgbm } from './scan-lightgbm.ts';
import { leafScanContext } from './fake-scan-context.ts';

/** A real model written by lightgbm 4.7 (scripts/gen_tree_model_fixtures.py). */
const REAL = readFileSync('test/fixtures/formats/tree-models/lightgbm/binary.txt', 'utf8');
const CATEGORICAL = readFileSync('test/fixtures/formats/tree-models/lightgbm/multiclass-categorical.txt', 'utf8');

const scan = (text: string) =>
  scanLightgbm(memorySource('model.txt', new TextEncoder().encode(text)), leafScanContext());
const codes = async (text: string) => (await scan(text)).findings.map((f) => f.code);

/** The header's tree_sizes recomputed, so a test of one rule is not caught by the size check instead. */
function withSizes(text: string): string {
  const start = text.indexOf('Tree=0');
  const end = text.indexOf('end of trees');
  const blocks = text.slice(start, end).split(/(?=^Tree=)/m);
  const sizes = blocks.map((b) => new TextEncoder().encode(b).byteLength).join(' ');
  return text.slice(0, start).replace(/tree_sizes=.*\n/, `tree_sizes=${sizes}\n`) + text.slice(start);
}

/** Replaces `key=` of the first tree only. */
function firstTree(text: string, key: string, value: string): string {
  const start = text.indexOf('Tree=0');
  const at = text.indexOf(`\n${key}=`, start) + 1;
  const end = text.indexOf('\n', at);
  return withSizes(text.slice(0, at) + `${key}=${value}` + text.slice(end));
}

test('real LightGBM models are benign, with the count of trees', async () => {
  for (const text of [REAL, CATEGORICAL]) {
    const out = await scan(text);
    assert.equal(out.verdict, 'benign', out.reason);
    assert.deepEqual(await codes(text), ['MG-SCAN-400']);
  }
  assert.equal(readLightgbm(REAL).trees, 3);
});

test('sniffer: "tree" then "version=v…", nothing else', () => {
  const enc = (s: string) => new TextEncoder().encode(s);
  assert.ok(looksLikeLightgbm(enc(REAL)));
  assert.ok(!looksLikeLightgbm(enc('tree\nnum_class=1\n')));
  assert.ok(!looksLikeLightgbm(enc('{"tree": 1}')));
  assert.ok(!looksLikeLightgbm(enc('trees\nversion=v4\n')));
});

test('a child index past the nodes is out of range', async () => {
  const out = await scan(firstTree(REAL, 'left_child', '1 -1 7'));
  assert.equal(out.verdict, 'invalid');
  assert.deepEqual(await codes(firstTree(REAL, 'left_child', '1 -1 7')), ['MG-SCAN-402']);
  assert.deepEqual(await codes(firstTree(REAL, 'left_child', '1 -9 -3')), ['MG-SCAN-402'], 'a leaf past num_leaves');
});

test('a node with two parents, or a cycle cut off from the root, is not a tree', async () => {
  assert.match((await scan(firstTree(REAL, 'left_child', '1 -1 1'))).reason ?? '', /two parents/);
  // Root → two leaves; nodes 1 and 2 point at each other: every node has one parent but two are unreachable.
  const cut = firstTree(firstTree(REAL, 'left_child', '-1 2 1'), 'right_child', '-2 -3 -4');
  assert.match((await scan(cut)).reason ?? '', /not reachable|cycle/);
  assert.equal((await scan(cut)).verdict, 'invalid');
});

test('split_feature must be below max_feature_idx + 1', async () => {
  assert.deepEqual(await codes(firstTree(REAL, 'split_feature', '0 1 4')), ['MG-SCAN-402']);
  assert.deepEqual(await codes(firstTree(REAL, 'split_feature', '0 1 3')), ['MG-SCAN-400']);
});

test('categorical splits index a category set that exists', async () => {
  const tree = CATEGORICAL.slice(CATEGORICAL.indexOf('Tree=0'));
  const catNode = /decision_type=([^\n]*)/
    .exec(tree)![1]!
    .split(' ')
    .findIndex((t) => (Number(t) & 1) === 1);
  assert.ok(catNode >= 0, 'the fixture has a categorical split in tree 0');
  const thresholds = /threshold=([^\n]*)/.exec(tree)![1]!.split(' ');
  thresholds[catNode] = '5';
  assert.deepEqual(await codes(firstTree(CATEGORICAL, 'threshold', thresholds.join(' '))), ['MG-SCAN-402']);
  const bounds = /cat_boundaries=([^\n]*)/.exec(tree)![1]!.split(' ');
  bounds[bounds.length - 1] = '99';
  assert.deepEqual(await codes(firstTree(CATEGORICAL, 'cat_boundaries', bounds.join(' '))), ['MG-SCAN-402']);
});

test('tree_sizes that disagree with the text are out of range', async () => {
  const wrong = REAL.replace(/tree_sizes=(\d+)/, (_, n: string) => `tree_sizes=${Number(n) + 1}`);
  assert.deepEqual(await codes(wrong), ['MG-SCAN-402']);
});

test('arrays of the wrong length, a missing key or a truncated file are malformed', async () => {
  assert.deepEqual(await codes(firstTree(REAL, 'leaf_value', '0.1 0.2')), ['MG-SCAN-401']);
  assert.deepEqual(await codes(firstTree(REAL, 'threshold', '0.1 abc 0.3')), ['MG-SCAN-401']);
  assert.deepEqual(await codes(REAL.replace('max_feature_idx=3\n', '')), ['MG-SCAN-401']);
  assert.deepEqual(await codes(REAL.replace(/feature_names=.*\n/, 'feature_names=a b\n')), ['MG-SCAN-401']);
  assert.equal((await scan(REAL.slice(0, REAL.indexOf('end of trees')))).verdict, 'invalid');
  const notUtf8 = new Uint8Array([...new TextEncoder().encode(REAL), 0xff]);
  const out = await scanLightgbm(memorySource('m.txt', notUtf8), leafScanContext());
  assert.deepEqual([out.verdict, out.findings[0]?.code], ['invalid', 'MG-SCAN-401']);
});

test('a parameter naming a file is suspicious; empty ones are not', async () => {
  const named = REAL.replace('[machines: ]', '[machines: 10.0.0.1:12400]');
  assert.equal((await scan(named)).verdict, 'suspicious');
  assert.deepEqual(await codes(named), ['MG-SCAN-404']);
});

test('pandas_categorical must be JSON (the Python package json.loads it)', async () => {
  assert.deepEqual(await codes(REAL.replace('pandas_categorical:null', 'pandas_categorical:[')), ['MG-SCAN-401']);
});

test('keys the loader skips are a benign note', async () => {
  const extra = REAL.replace('objective=', 'my_note=hello\nobjective=');
  assert.equal((await scan(extra)).verdict, 'benign');
  assert.deepEqual(await codes(extra), ['MG-SCAN-405', 'MG-SCAN-400']);
});

test('linear-tree leaves: counts agree and features are in range', async () => {
  const LINEAR = readFileSync('test/fixtures/formats/tree-models/lightgbm/linear-tree.txt', 'utf8');
  assert.deepEqual(await codes(LINEAR), ['MG-SCAN-400']);
  const tree = LINEAR.slice(LINEAR.indexOf('Tree=0'));
  const leaves = Number(/num_leaves=(\d+)/.exec(tree)![1]);
  const linear = (key: string, value: string) =>
    firstTree(firstTree(LINEAR, 'num_features', Array(leaves).fill('1').join(' ')), key, value);
  const coeff = Array(leaves).fill('0.5').join('  ');
  const withCoeff = (features: string) => firstTree(linear('leaf_features', features), 'leaf_coeff', coeff);
  assert.deepEqual(await codes(withCoeff(Array(leaves).fill('0').join('  '))), ['MG-SCAN-400']);
  assert.deepEqual(await codes(withCoeff(['9', ...Array(leaves - 1).fill('0')].join('  '))), ['MG-SCAN-402']);
  assert.deepEqual(await codes(withCoeff('0')), ['MG-SCAN-401'], 'fewer features than num_features counts');
});

test('an over-large model is not read', async () => {
  const ctx = { ...leafScanContext(), budget: { ...leafScanContext().budget, maxMemberBytes: 100 } };
  const out = await scanLightgbm(memorySource('m.txt', new TextEncoder().encode(REAL)), ctx);
  assert.equal(out.verdict, 'unverified');
  assert.equal(out.findings[0]?.code, 'MG-SCAN-403');
});

test('a model written with CRLF line ends keeps its tree_sizes', async () => {
  const crlf = withSizes(REAL).replace(/\n/g, '\r\n');
  const start = crlf.indexOf('Tree=0');
  const end = crlf.indexOf('end of trees');
  const sizes = crlf
    .slice(start, end)
    .split(/(?=^Tree=)/m)
    .map((b) => b.length)
    .join(' ');
  const fixed = crlf.slice(0, start).replace(/tree_sizes=[^\r]*/, `tree_sizes=${sizes}`) + crlf.slice(start);
  assert.deepEqual(await codes(fixed), ['MG-SCAN-400']);
});
