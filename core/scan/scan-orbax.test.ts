import { test } from 'node:test';
import assert from 'node:assert/strict';
import { memorySource } from '../io/byte-source.ts';
import { leafScanContext } from './fake-scan-context.ts';
import {
  isOrbaxHandler,
  looksLikeOrbaxCheckpointMetadata,
  looksLikeOrbaxTreeMetadata,
  scanOrbaxCheckpointMetadata,
  scanOrbaxTreeMetadata,
} from './scan-orbax.ts';
import type { ScanOutcome, Scanner } from './types.ts';

// Shapes as orbax-checkpoint 0.12 writes them (see test/fixtures/formats/jax/orbax-standard).
const STANDARD = 'orbax.checkpoint._src.handlers.standard_checkpoint_handler.StandardCheckpointHandler';
const checkpoint = (over: Record<string, unknown> = {}) => ({
  item_handlers: STANDARD,
  metrics: {},
  performance_metrics: {},
  init_timestamp_nsecs: 1796693394135949000,
  commit_timestamp_nsecs: 1796693394199859000,
  custom_metadata: {},
  ...over,
});
const leaf = (name: string, valueType = 'jax.Array') => ({
  key_metadata: [
    { key: 'params', key_type: 2 },
    { key: name, key_type: 2 },
  ],
  value_metadata: { value_type: valueType, skip_deserialize: false, write_shape: [4] },
});
const tree = (over: Record<string, unknown> = {}) => ({
  tree_metadata: { "('params', 'w')": leaf('w'), "('params', 'b')": leaf('b', 'np.ndarray') },
  use_ocdbt: true,
  use_zarr3: false,
  store_array_data_equal_to_fill_value: true,
  custom_metadata: null,
  ...over,
});

const run = (scanner: Scanner, doc: unknown): Promise<ScanOutcome> => {
  const text = typeof doc === 'string' ? doc : JSON.stringify(doc);
  return scanner(memorySource('_METADATA', new TextEncoder().encode(text)), leafScanContext());
};
const codes = (o: ScanOutcome) => o.findings.map((f) => f.code);

test('checkpoint metadata as StandardCheckpointer writes it is benign', async () => {
  const outcome = await run(scanOrbaxCheckpointMetadata, checkpoint());
  assert.equal(outcome.verdict, 'benign', outcome.reason);
  const composite = checkpoint({
    item_handlers: {
      state: 'orbax.checkpoint.pytree_checkpoint_handler.PyTreeCheckpointHandler',
      extra: 'orbax.checkpoint._src.handlers.json_checkpoint_handler.JsonCheckpointHandler',
    },
  });
  assert.equal((await run(scanOrbaxCheckpointMetadata, composite)).verdict, 'benign', 'older module paths too');
});

test('a handler class Orbax does not ship is could-not-verify (MG-SCAN-391)', async () => {
  const single = await run(scanOrbaxCheckpointMetadata, checkpoint({ item_handlers: 'my_project.PickleHandler' }));
  assert.equal(single.verdict, 'unverified');
  assert.deepEqual(codes(single), ['MG-SCAN-391']);
  const composite = checkpoint({
    item_handlers: { state: STANDARD, evil: 'orbax.checkpoint.evil.StandardCheckpointHandler' },
  });
  assert.deepEqual(codes(await run(scanOrbaxCheckpointMetadata, composite)), ['MG-SCAN-391']);
  assert.equal(isOrbaxHandler(`${STANDARD}.Nested`), false);
});

test('checkpoint metadata of the wrong shape is invalid (MG-SCAN-390); unknown fields could-not-verify (MG-SCAN-395)', async () => {
  const wrong = await run(scanOrbaxCheckpointMetadata, checkpoint({ metrics: 'fast' }));
  assert.equal(wrong.verdict, 'invalid');
  assert.deepEqual(codes(wrong), ['MG-SCAN-390']);
  assert.deepEqual(codes(await run(scanOrbaxCheckpointMetadata, '{"item_handlers": ')), ['MG-SCAN-390']);
  const extra = await run(scanOrbaxCheckpointMetadata, checkpoint({ restore_hook: 'os.system' }));
  assert.equal(extra.verdict, 'unverified');
  assert.deepEqual(codes(extra), ['MG-SCAN-395']);
});

test('a repeated key is suspicious (MG-SCAN-394)', async () => {
  const text = `{"item_handlers": "${STANDARD}", "item_handlers": "my_project.Handler"}`;
  const outcome = await run(scanOrbaxCheckpointMetadata, text);
  assert.ok(codes(outcome).includes('MG-SCAN-394'));
  assert.notEqual(outcome.verdict, 'benign');
});

test('tree metadata with Orbax value types is benign', async () => {
  const outcome = await run(scanOrbaxTreeMetadata, tree());
  assert.equal(outcome.verdict, 'benign', outcome.reason);
});

test('a value type restored by a TypeHandler Orbax does not ship is could-not-verify (MG-SCAN-393)', async () => {
  const custom = tree({ tree_metadata: { "('params', 'w')": leaf('w', 'my_project.PickledObject') } });
  const outcome = await run(scanOrbaxTreeMetadata, custom);
  assert.equal(outcome.verdict, 'unverified');
  assert.deepEqual(codes(outcome), ['MG-SCAN-393']);
});

test('tree metadata of the wrong shape is invalid (MG-SCAN-392); a rich value tree is not followed (MG-SCAN-395)', async () => {
  const noValue = tree({ tree_metadata: { w: { key_metadata: [] } } });
  assert.deepEqual(codes(await run(scanOrbaxTreeMetadata, noValue)), ['MG-SCAN-392']);
  const badKey = tree({ tree_metadata: { w: { ...leaf('w'), key_metadata: [{ key: 'w', key_type: 9 }] } } });
  assert.equal((await run(scanOrbaxTreeMetadata, badKey)).verdict, 'invalid');
  const rich = await run(scanOrbaxTreeMetadata, tree({ value_metadata_tree: { category: 'namedtuple' } }));
  assert.equal(rich.verdict, 'unverified');
  assert.deepEqual(codes(rich), ['MG-SCAN-395']);
});

test('sniffers: only JSON whose first key is distinctly Orbax’s', () => {
  const head = (s: string) => new TextEncoder().encode(s);
  assert.equal(looksLikeOrbaxTreeMetadata(head(JSON.stringify(tree()))), true);
  assert.equal(looksLikeOrbaxCheckpointMetadata(head(JSON.stringify(checkpoint()))), true);
  assert.equal(looksLikeOrbaxCheckpointMetadata(head('{"commit_timestamp_nsecs": 1}')), true);
  for (const other of [
    '{"architectures": ["LlamaForCausalLM"], "model_type": "llama"}',
    '{"version": "1.0", "truncation": null, "model": {}}',
    '{"metrics": {}, "item_handlers": "x"}',
    '["tree_metadata"]',
  ]) {
    assert.equal(looksLikeOrbaxTreeMetadata(head(other)), false, other);
    assert.equal(looksLikeOrbaxCheckpointMetadata(head(other)), false, other);
  }
});
