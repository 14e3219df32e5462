import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { memorySource } from '../io/byte-source.ts';
import { build, bytes, functionDef, graphDef, msg, nodeDef, str } from '../formats/proto-write.test-helper.ts';
import { leafScanContext } from './fake-scan-context.ts';
import { tfGraphScanner } from './scan-tf-graph.ts';
import { opUses } from './tensorflow-op-rules.ts';
import { readTfGraphFile } from '../formats/tf-graph.ts';

const ctx = leafScanContext();
const T = 'test/fixtures/formats/tensorflow/';
const scanGraph = (b: Uint8Array) => tfGraphScanner('graphdef')(memorySource('graph.pb', b), ctx);
const scanMeta = (b: Uint8Array) => tfGraphScanner('metagraph')(memorySource('model.meta', b), ctx);
const scanSaved = (b: Uint8Array) => tfGraphScanner('savedmodel')(memorySource('saved_model.pb', b), ctx);
const codes = (o: { findings: { code: string }[] }) => o.findings.map((f) => f.code);

test('an ordinary graph of registered ops is benign with an inventory', async () => {
  const out = await scanGraph(build(graphDef([nodeDef('x', 'Placeholder'), nodeDef('y', 'Relu', { inputs: ['x'] })])));
  assert.equal(out.verdict, 'benign', out.reason);
  assert.deepEqual(codes(out), ['MG-SCAN-313']);
});

const opCases: [string, string, string][] = [
  ['PyFunc', 'malicious', 'MG-SCAN-301'],
  ['EagerPyFunc', 'malicious', 'MG-SCAN-301'],
  ['ReadFile', 'malicious', 'MG-SCAN-302'],
  ['WriteFile', 'malicious', 'MG-SCAN-302'],
  ['MatchingFiles', 'malicious', 'MG-SCAN-302'],
  ['ImmutableConst', 'malicious', 'MG-SCAN-302'],
  ['TFRecordDataset', 'malicious', 'MG-SCAN-302'],
  ['DataServiceDatasetV4', 'malicious', 'MG-SCAN-303'],
  ['RpcClient', 'malicious', 'MG-SCAN-303'],
  ['SaveV2', 'malicious', 'MG-SCAN-304'],
  ['MergeV2Checkpoints', 'malicious', 'MG-SCAN-304'],
  ['RestoreV2', 'malicious', 'MG-SCAN-304'],
  ['ZzNotAnOp', 'unverified', 'MG-SCAN-305'],
  ['InitializeTableFromTextFileV2', 'unverified', 'MG-SCAN-306'],
  ['XlaCallModule', 'unverified', 'MG-SCAN-307'],
];

for (const [op, verdict, code] of opCases) {
  test(`op ${op} in a graph is ${verdict} (${code})`, async () => {
    const out = await scanGraph(build(graphDef([nodeDef('n', op)])));
    assert.equal(out.verdict, verdict, out.reason);
    assert.ok(codes(out).includes(code), JSON.stringify(codes(out)));
  });
  test(`op ${op} two functions deep is ${verdict}`, async () => {
    const g = graphDef(
      [nodeDef('call', 'StatefulPartitionedCall', { func: 'outer' })],
      [
        functionDef('outer', [nodeDef('inner_call', 'PartitionedCall', { func: 'inner' })]),
        functionDef('inner', [nodeDef('n', op)]),
      ],
    );
    const out = await scanGraph(build(g));
    assert.equal(out.verdict, verdict, out.reason);
    assert.match(out.reason ?? '', /function 'inner'/);
  });
}

test('a function no node calls is still checked', async () => {
  const out = await scanGraph(
    build(graphDef([nodeDef('x', 'Placeholder')], [functionDef('orphan', [nodeDef('r', 'ReadFile')])])),
  );
  assert.equal(out.verdict, 'malicious');
});

test('string attributes decide whether PrintV2, DecodeProtoV2 and FixedUnigramCandidateSampler touch files', async () => {
  const cases: [string, Record<string, string>, string][] = [
    ['PrintV2', { output_stream: 'file:///tmp/x' }, 'malicious'],
    ['PrintV2', { output_stream: 'stderr' }, 'benign'],
    ['DecodeProtoV2', { descriptor_source: '/etc/descriptors.bin' }, 'malicious'],
    ['DecodeProtoV2', { descriptor_source: 'local://' }, 'benign'],
    ['FixedUnigramCandidateSampler', { vocab_file: '/etc/passwd' }, 'malicious'],
    ['FixedUnigramCandidateSampler', {}, 'benign'],
  ];
  for (const [op, strings, verdict] of cases) {
    const out = await scanGraph(build(graphDef([nodeDef('n', op, { strings })])));
    assert.equal(out.verdict, verdict, `${op} ${JSON.stringify(strings)}: ${out.reason}`);
  }
});

test('a function attribute naming something the library lacks is unverified', async () => {
  const out = await scanGraph(build(graphDef([nodeDef('call', 'PartitionedCall', { func: 'ReadFile' })])));
  assert.equal(out.verdict, 'unverified');
  assert.ok(codes(out).includes('MG-SCAN-308'));
});

test('a function defined twice is invalid', async () => {
  const f = functionDef('twice', [nodeDef('n', 'Relu')]);
  const out = await scanGraph(build(graphDef([nodeDef('x', 'Placeholder')], [f, f])));
  assert.equal(out.verdict, 'invalid');
  assert.ok(codes(out).includes('MG-SCAN-309'));
});

test('function attributes nested past the bound are unverified, not a crash', async () => {
  let value = msg(10, str(1, 'leaf'));
  for (let i = 0; i < 40; i++) value = msg(10, str(1, `f${i}`), msg(2, str(1, 'a'), bytes(2, value)));
  const node = [...str(1, 'n'), ...str(2, 'PartitionedCall'), ...msg(5, str(1, 'f'), bytes(2, value))];
  const out = await scanGraph(build(bytes(1, node)));
  assert.equal(out.verdict, 'unverified');
  assert.ok(codes(out).includes('MG-SCAN-310'));
});

test('a length larger than the file is invalid', async () => {
  const out = await scanSaved(new Uint8Array([0x08, 0x01, 0x12, 0xff, 0xff, 0xff, 0xff, 0x0f, 0x0a, 0x00]));
  assert.equal(out.verdict, 'invalid');
  assert.ok(codes(out).includes('MG-SCAN-300'));
});

test('a SavedModel without a MetaGraph is invalid', async () => {
  const out = await scanSaved(new Uint8Array([0x08, 0x01]));
  assert.equal(out.verdict, 'invalid');
  assert.ok(codes(out).includes('MG-SCAN-312'));
});

/** MetaGraphDef { graph_def (2), saver_def (3): SaverDef { filename 1, save 2, restore 3 }, asset_file_def (6) }. */
function saverMetaGraph(
  extra: number[][] = [],
  assets: string[] = [],
  functions: number[][] = [],
  exposed: string[] = [],
) {
  const g = graphDef([
    nodeDef('filename', 'Placeholder'),
    nodeDef('w', 'VarHandleOp'),
    nodeDef('save_call', 'StatefulPartitionedCall', { inputs: ['filename', 'w'], func: 'traced_save' }),
    nodeDef('restore_call', 'StatefulPartitionedCall', { inputs: ['filename', 'w'], func: 'traced_restore' }),
    ...extra,
  ], [
    functionDef('traced_save', [nodeDef('s', 'SaveV2'), nodeDef('m', 'MergeV2Checkpoints'), nodeDef('sf', 'ShardedFilename')]),
    functionDef('traced_restore', [nodeDef('r', 'RestoreV2')]),
    ...functions,
  ]); // prettier-ignore
  return build(
    msg(1, str(4, 'serve')),
    bytes(2, g),
    msg(3, str(1, 'filename:0'), str(2, 'save_call:0'), str(3, 'restore_call')),
    ...assets.map((a) => msg(6, str(2, a))),
    // object_graph_def (7): SavedObjectGraph { concrete_functions (2): map entry { key (1) } }
    ...(exposed.length > 0 ? [msg(7, ...exposed.map((e) => msg(2, str(1, e))))] : []),
  );
}

test("checkpoint ops reached only by the saver are the loader's own restore: benign", async () => {
  const out = await scanMeta(saverMetaGraph());
  assert.equal(out.verdict, 'benign', out.reason);
});

test('a serving node calling the save function makes it malicious', async () => {
  const out = await scanMeta(saverMetaGraph([nodeDef('serving', 'PartitionedCall', { func: 'traced_save' })]));
  assert.equal(out.verdict, 'malicious', out.reason);
  assert.ok(codes(out).includes('MG-SCAN-304'));
});

test('the save function exposed to Python, or called by a function no node calls, is not the saver alone', async () => {
  const exposed = await scanMeta(saverMetaGraph([], [], [], ['traced_save']));
  assert.equal(exposed.verdict, 'malicious', exposed.reason);
  const orphanCaller = functionDef('orphan', [nodeDef('c', 'PartitionedCall', { func: 'traced_restore' })]);
  const out = await scanMeta(saverMetaGraph([], [], [orphanCaller]));
  assert.equal(out.verdict, 'malicious', out.reason);
  assert.match(out.reason ?? '', /RestoreV2/);
});

test('a SaveV2 the restore op depends on is malicious (it would run on load)', async () => {
  const m = build(
    msg(1, str(4, 'serve')),
    bytes(2, graphDef([nodeDef('f', 'Placeholder'), nodeDef('save', 'SaveV2', { inputs: ['f'] }), nodeDef('restore_all', 'NoOp', { inputs: ['^save'] })])),
    msg(3, str(1, 'f:0'), str(2, 'save:0'), str(3, 'restore_all')),
  ); // prettier-ignore
  const out = await scanMeta(m);
  assert.equal(out.verdict, 'malicious', out.reason);
  assert.match(out.reason ?? '', /restore path/);
});

test('scopes: graph nodes and functions get the saver part that alone reaches them', async () => {
  const file = await readTfGraphFile(memorySource('m', saverMetaGraph()), 'metagraph');
  const scope = Object.fromEntries(opUses(file.metaGraphs[0]!).map((u) => [u.node.name, u.scope]));
  assert.equal(scope.s, 'save');
  assert.equal(scope.r, 'restore');
  assert.equal(scope.save_call, 'save');
  assert.equal(scope.w, 'restore');
});

test('an asset path that leaves the assets folder is malicious', async () => {
  assert.equal((await scanMeta(saverMetaGraph([], ['vocab.txt']))).verdict, 'benign');
  for (const bad of ['../../etc/passwd', '/etc/passwd']) {
    const out = await scanMeta(saverMetaGraph([], [bad]));
    assert.equal(out.verdict, 'malicious', bad);
    assert.ok(codes(out).includes('MG-SCAN-311'));
  }
});

test('SavedModel fixtures: ordinary module benign, hostile ones malicious, with the op named', async () => {
  const cases: [string, string, RegExp?][] = [
    ['module/saved_model.pb', 'benign'],
    ['keras2/saved_model.pb', 'benign'],
    ['read-file/saved_model.pb', 'malicious', /ReadFile/],
    ['write-file/saved_model.pb', 'malicious', /WriteFile/],
    ['py-function/saved_model.pb', 'malicious', /EagerPyFunc/],
    ['numpy-function/saved_model.pb', 'malicious', /PyFunc/],
    ['nested-read-file/saved_model.pb', 'malicious', /inner_reads_file/],
  ];
  for (const [path, verdict, reason] of cases) {
    const out = await scanSaved(new Uint8Array(await readFile(T + path)));
    assert.equal(out.verdict, verdict, `${path}: ${out.reason}`);
    if (reason) assert.match(out.reason ?? '', reason);
  }
});

test('the inventory lists tags, signatures and ops of a real SavedModel', async () => {
  const out = await scanSaved(new Uint8Array(await readFile(T + 'module/saved_model.pb')));
  const inv = out.findings.find((f) => f.code === 'MG-SCAN-313');
  const graphs = inv?.evidence?.graphs as { tags: string[]; signatures: string[]; ops: string[]; saver: boolean }[];
  assert.deepEqual(graphs[0]?.tags, ['serve']);
  assert.ok(graphs[0]?.signatures.includes('serving_default'));
  assert.ok(graphs[0]?.ops.includes('SaveV2') && graphs[0]?.saver);
});

test('TF1 Saver MetaGraph is benign; a SaveV2 outside its saver is malicious', async () => {
  assert.equal((await scanMeta(new Uint8Array(await readFile(T + 'metagraph/model.ckpt.meta')))).verdict, 'benign');
  const out = await scanMeta(new Uint8Array(await readFile(T + 'metagraph/save-outside-saver.meta')));
  assert.equal(out.verdict, 'malicious');
  assert.match(out.reason ?? '', /serving_save/);
});

test('schema version field with the wrong wire type is malformed', async () => {
  const out = await scanSaved(build(bytes(1, [1])));
  assert.equal(out.verdict, 'invalid');
});
