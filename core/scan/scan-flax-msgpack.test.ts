import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encode, ExtData } from '@msgpack/msgpack';
import { memorySource } from '../io/byte-source.ts';
import { FLAX_LIMITS, readFlaxMsgpack } from '../formats/flax-msgpack.ts';
import { fakeContext } from './fake-scan-context.ts';
import { testContext } from './scan-bytes.test-helper.ts';
import { looksLikeFlaxMsgpack, scanFlaxMsgpack } from './scan-flax-msgpack.ts';
import type { ScanContext, ScanOutcome } from './types.ts';

// Trees are encoded by @msgpack/msgpack, not by the reader under test; ext layouts follow flax/serialization.py.
const array = (shape: number[], dtype: string, bytes: number, ext = 1) =>
  new ExtData(ext, encode([shape, dtype, new Uint8Array(bytes)]));
const complexLeaf = (payload: unknown) => new ExtData(2, encode(payload));
const params = { params: { dense: { kernel: array([2, 3], 'float32', 24), bias: array([3], 'bfloat16', 6) } } };

async function scan(tree: unknown, ctx: ScanContext = fakeContext()): Promise<ScanOutcome> {
  const bytes = tree instanceof Uint8Array ? tree : encode(tree);
  return scanFlaxMsgpack(memorySource('model.msgpack', bytes), ctx);
}

function codes(outcome: ScanOutcome): string[] {
  return outcome.findings.map((f) => f.code);
}

/** A protocol-2 pickle calling posix.system('echo pwned'), as in scripts/gen_jax_fixtures.py. */
const EVIL_PICKLE = new Uint8Array([
  0x80,
  0x02,
  ...new TextEncoder().encode('cposix\nsystem\nq\x00X\x0a\x00\x00\x00echo pwnedq\x01\x85q\x02Rq\x03.'),
]);

test('every leaf kind Flax writes is plain data: benign without findings', async () => {
  const tree = {
    ...params,
    step: array([], 'int64', 8, 3),
    phase: complexLeaf([1, 2.5]),
    lr: 0.001,
    epoch: 3,
    name: 'mlp',
    none: null,
    flags: [true, false],
    mask: array([2], 'bool', 2),
  };
  const outcome = await scan(tree);
  assert.equal(outcome.verdict, 'benign', outcome.reason);
  assert.deepEqual(outcome.findings, []);
});

test('an array whose bytes do not fill shape × itemsize is invalid (MG-SCAN-381)', async () => {
  const outcome = await scan({ params: { w: array([4, 4], 'float32', 12) } });
  assert.equal(outcome.verdict, 'invalid');
  assert.deepEqual(codes(outcome), ['MG-SCAN-381']);
  const extra = await scan({ params: { w: new ExtData(1, encode([[2], 'int8', new Uint8Array(2), 0])) } });
  assert.deepEqual(codes(extra), ['MG-SCAN-381'], 'a payload that is not a (shape, dtype, bytes) triple');
});

test('a dtype outside the ones Flax writes is could-not-verify (MG-SCAN-382)', async () => {
  for (const dtype of ['object', 'float128', '<f4', 'V8']) {
    const outcome = await scan({ params: { w: array([1], dtype, 8) } });
    assert.equal(outcome.verdict, 'unverified', dtype);
    assert.deepEqual(codes(outcome), ['MG-SCAN-382'], dtype);
  }
});

test('an ext type Flax does not define is could-not-verify (MG-SCAN-383)', async () => {
  const outcome = await scan({ params: { w: new ExtData(42, new Uint8Array(8)) } });
  assert.equal(outcome.verdict, 'unverified');
  assert.deepEqual(codes(outcome), ['MG-SCAN-383']);
});

test('a pickled leaf that calls os.system makes the file malicious (MG-SCAN-384 + the pickle findings)', async () => {
  const outcome = await scan({ ...params, opt_state: EVIL_PICKLE }, testContext());
  assert.equal(outcome.verdict, 'malicious', outcome.reason);
  assert.ok(codes(outcome).includes('MG-SCAN-384'));
  assert.ok(
    outcome.findings.some((f) => /system/.test(f.detail)),
    'the pickle scanner says what it calls',
  );
});

test('a bytes leaf that is not a pickle is data: not handed to the pickle scanner', async () => {
  const ctx = fakeContext();
  const outcome = await scan({ ...params, blob: new Uint8Array([1, 2, 3, 0xff]) }, ctx);
  assert.equal(outcome.verdict, 'benign');
  assert.equal(ctx.calls.length, 0);
});

test('a pickled leaf goes to ctx.scanPickle with exactly its bytes', async () => {
  const ctx = fakeContext();
  await scan({ ...params, opt_state: EVIL_PICKLE }, ctx);
  assert.equal(ctx.calls.length, 1);
  assert.equal(ctx.calls[0]!.kind, 'pickle');
  assert.deepEqual(ctx.calls[0]!.bytes, EVIL_PICKLE);
});

test('cut short or followed by more bytes: invalid (MG-SCAN-380)', async () => {
  const whole = encode(params);
  const cut = await scan(whole.subarray(0, whole.length - 5));
  assert.equal(cut.verdict, 'invalid');
  assert.deepEqual(codes(cut), ['MG-SCAN-380']);
  const trailing = await scan(new Uint8Array([...whole, 0xc0]));
  assert.equal(trailing.verdict, 'invalid');
  assert.deepEqual(codes(trailing), ['MG-SCAN-380']);
  const reserved = await scan(new Uint8Array([0x81, 0xa1, 0x61, 0xc1]));
  assert.deepEqual(codes(reserved), ['MG-SCAN-380'], 'byte 0xc1 is never used');
  assert.match(reserved.findings[0]!.detail, /0xc1 at offset 3 is not a msgpack value/);
});

test('text that is not UTF-8 is invalid: Python msgpack (raw=False) refuses it', async () => {
  const bytes = encode({ ...params, name: 'ab' });
  bytes[bytes.length - 1] = 0xff;
  assert.deepEqual(codes(await scan(bytes)), ['MG-SCAN-380']);
});

test('nesting past the depth bound is could-not-verify (MG-SCAN-385), never benign', async () => {
  let tree: unknown = { w: array([1], 'float32', 4) };
  for (let i = 0; i < FLAX_LIMITS.maxDepth + 2; i++) tree = { l: tree };
  const outcome = await scan(tree);
  assert.equal(outcome.verdict, 'unverified');
  assert.deepEqual(codes(outcome), ['MG-SCAN-385']);
});

test('the value-count bound stops the walk', async () => {
  const bytes = encode({ a: [1, 2, 3, 4, 5], w: array([1], 'float32', 4) });
  await assert.rejects(readFlaxMsgpack(memorySource('t', bytes), { ...FLAX_LIMITS, maxNodes: 4 }), /more than 4/);
});

test('a chunked array (__msgpack_chunked_array__) is reassembled by shape; a missing chunk is invalid (MG-SCAN-386)', async () => {
  const chunked = (chunks: Record<string, unknown>) => ({
    params: { big: { __msgpack_chunked_array__: true, shape: { '0': 2, '1': 3 }, chunks } },
  });
  const good = await scan(chunked({ '0': array([4], 'float32', 16), '1': array([2], 'float32', 8) }));
  assert.equal(good.verdict, 'benign', good.reason);
  const missing = await scan(chunked({ '0': array([4], 'float32', 16), '2': array([2], 'float32', 8) }));
  assert.equal(missing.verdict, 'invalid');
  assert.deepEqual(codes(missing), ['MG-SCAN-386']);
  const short = await scan(chunked({ '0': array([4], 'float32', 16) }));
  assert.deepEqual(codes(short), ['MG-SCAN-386'], '4 elements do not fill 2 × 3');
});

test('a complex leaf that is not (real, imag) is invalid (MG-SCAN-387)', async () => {
  for (const payload of [[1], [1, 'x'], 'ab']) {
    const outcome = await scan({ ...params, c: complexLeaf(payload) });
    assert.equal(outcome.verdict, 'invalid', JSON.stringify(payload));
    assert.deepEqual(codes(outcome), ['MG-SCAN-387']);
  }
});

test('layouts the loader reads but Flax never writes are could-not-verify (MG-SCAN-388)', async () => {
  // {"params": {...}, 1: None}: msgpack_restore takes the integer key (strict_map_key=False).
  const intKey = new Uint8Array([0x82, ...encode('params'), ...encode(params.params), 0x01, 0xc0]);
  const outcome = await scan(intKey);
  assert.equal(outcome.verdict, 'unverified', outcome.reason);
  assert.deepEqual(codes(outcome), ['MG-SCAN-388']);
  const textBuffer = new ExtData(1, encode([[2], 'int8', 'ab']));
  assert.deepEqual(codes(await scan({ ...params, t: textBuffer })), ['MG-SCAN-388']);
});

test('sniffer: takes Flax trees, also cut short, and nothing else', async () => {
  const sniff = (bytes: Uint8Array, size = bytes.length) => looksLikeFlaxMsgpack(bytes.subarray(0, 4096), size);
  const whole = encode(params);
  assert.equal(await sniff(whole), true);
  assert.equal(await sniff(whole.subarray(0, 40), whole.length), true, 'a head cut by the sniff window');
  assert.equal(
    await sniff(whole.subarray(0, whole.length - 3)),
    true,
    'a truncated file is claimed, to be called invalid',
  );
  const text = (s: string) => new TextEncoder().encode(s);
  const rejected: [string, Uint8Array][] = [
    ['no ext leaf', encode({ step: 10, name: 'x' })],
    ['empty map', new Uint8Array([0x80])],
    ['pickle', EVIL_PICKLE],
    ['npy', new Uint8Array([0x93, ...text('NUMPY'), 1, 0])],
    ['JSON', text('{"params": 1}')],
    ['GGUF', text('GGUF\x03\x00\x00\x00')],
    ['HDF5', new Uint8Array([0x89, ...text('HDF\r\n\x1a\n'), 0, 0])],
    ['safetensors', new Uint8Array([0x88, 0, 0, 0, 0, 0, 0, 0, ...text('{"w":{}}')])],
    ['integer keys', new Uint8Array([0x81, 0x01, ...encode(new ExtData(1, new Uint8Array(1)))])],
    ['top-level array', encode([new ExtData(1, new Uint8Array(1))])],
  ];
  for (const [name, bytes] of rejected) assert.equal(await sniff(bytes), false, name);
});

test('a tree larger than the read window is walked through windows to its end', async () => {
  const big = {
    params: { embed: array([640, 1024], 'float32', 640 * 1024 * 4) },
    step: 3,
    tail: { b: array([2], 'int8', 2) },
  };
  const bytes = encode(big);
  assert.ok(bytes.length > 2 * (1 << 20));
  const tree = await readFlaxMsgpack(memorySource('big.msgpack', bytes));
  assert.equal(tree.arrays, 2);
  assert.deepEqual(tree.issues, []);
  const cut = await scan(bytes.subarray(0, bytes.length - 1));
  assert.deepEqual(codes(cut), ['MG-SCAN-380']);
});
