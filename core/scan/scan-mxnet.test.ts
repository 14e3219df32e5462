import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { memorySource } from '../io/byte-source.ts';
import { fakeContext } from './fake-scan-context.ts';
import { isMxnetParams, looksLikeMxnetSymbol, scanMxnetParams, scanMxnetSymbol } from './scan-mxnet.ts';
import { LEGACY_CODES } from './legacy-format-codes.ts';

const fixture = (name: string) =>
  new Uint8Array(readFileSync(new URL(`../../test/fixtures/formats/legacy-and-oci/mxnet/${name}`, import.meta.url)));
const text = (s: string) => new TextEncoder().encode(s);
const symbol = (bytes: Uint8Array) => scanMxnetSymbol(memorySource('m-symbol.json', bytes), fakeContext());
const params = (bytes: Uint8Array) => scanMxnetParams(memorySource('m.params', bytes), fakeContext());

const graph = (nodes: object[], heads = [[nodes.length - 1, 0, 0]]) =>
  text(JSON.stringify({ nodes, arg_nodes: [0], heads }));
const data = { op: 'null', name: 'data', inputs: [] };

test('ordinary graphs are benign, in the current and the pre-0.9 layout', async () => {
  for (const name of ['mlp-symbol.json', 'legacy-param-symbol.json']) {
    const outcome = await symbol(fixture(name));
    assert.equal(outcome.verdict, 'benign', `${name}: ${outcome.reason}`);
    assert.deepEqual(outcome.findings, []);
  }
});

test('Custom, _Native and _NDArray ops run user Python: suspicious, naming the operator', async () => {
  const outcome = await symbol(fixture('custom-op-symbol.json'));
  assert.equal(outcome.verdict, 'suspicious');
  assert.equal(outcome.findings[0]!.code, LEGACY_CODES.mxCustomOp.code);
  assert.match(outcome.findings[0]!.detail, /proposal_target/);
  for (const op of ['_Native', '_NDArray']) {
    const g = graph([data, { op, name: 'n', inputs: [[0, 0, 0]], attrs: { info: '0x7f00' } }]);
    assert.equal((await symbol(g)).verdict, 'suspicious', op);
  }
  const nested = graph([
    data,
    {
      op: '_foreach',
      name: 'loop',
      inputs: [[0, 0, 0]],
      subgraphs: [
        JSON.parse(
          new TextDecoder().decode(
            graph([data, { op: 'Custom', name: 'c', inputs: [[0, 0]], attrs: { op_type: 'x' } }]),
          ),
        ),
      ],
    },
  ]);
  assert.equal((await symbol(nested)).verdict, 'suspicious', 'ops inside subgraphs are checked');
});

test('unknown ops are a note, not a verdict', async () => {
  const outcome = await symbol(graph([data, { op: 'MyPluginOp', name: 'p', inputs: [[0, 0, 0]] }]));
  assert.equal(outcome.verdict, 'benign');
  assert.equal(outcome.findings[0]!.code, LEGACY_CODES.mxUnknownOp.code);
});

test('broken graphs are invalid', async () => {
  assert.equal((await symbol(fixture('forward-reference-symbol.json'))).verdict, 'invalid');
  assert.equal((await symbol(graph([data], [[3, 0, 0]]))).verdict, 'invalid', 'head past the nodes');
  assert.equal((await symbol(text('{"nodes": [{"op": 1}], "arg_nodes": [], "heads": []}'))).verdict, 'invalid');
  assert.equal((await symbol(text('{"nodes": [], "nodes": [], "arg_nodes": [], "heads": []}'))).verdict, 'invalid');
  const argNotVariable = text(
    JSON.stringify({ nodes: [data, { op: 'relu', name: 'r', inputs: [[0, 0]] }], arg_nodes: [1], heads: [] }),
  );
  assert.equal((await symbol(argNotVariable)).verdict, 'invalid');
});

test('NDArray lists: valid is benign, truncated invalid, unknown dtype unverified', async () => {
  assert.equal((await params(fixture('mlp-0000.params'))).verdict, 'benign');
  assert.equal((await params(fixture('truncated.params'))).verdict, 'invalid');
  assert.equal((await params(fixture('unknown-dtype.params'))).verdict, 'unverified');
  const extra = new Uint8Array([...fixture('mlp-0000.params'), 0]);
  assert.equal((await params(extra)).verdict, 'invalid', 'bytes after the names');
});

test('sniffers: graph JSON and NDArray lists only, not configs', () => {
  assert.equal(looksLikeMxnetSymbol(fixture('mlp-symbol.json')), true);
  assert.equal(looksLikeMxnetSymbol(text('{"hidden_size": 768, "num_layers": 12}')), false);
  assert.equal(looksLikeMxnetSymbol(text('{"nodes": "not a graph"}')), false);
  assert.equal(isMxnetParams(fixture('mlp-0000.params')), true);
  assert.equal(isMxnetParams(new Uint8Array(64)), false);
});
