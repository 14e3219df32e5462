import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { memorySource } from '../io/byte-source.ts';
import { fakeContext } from '../scan/fake-scan-context.ts';
import { scanCompressed } from '../scan/scan-compressed.ts';
import { scanFile } from '../scan/scan-file.ts';
import { CONTAINER_CODES } from '../scan/container-codes.ts';
import { compressionKind, decompress } from './compression.ts';
import { decodeLzmaAlone, LzmaError } from './lzma-alone.ts';

const raw = (name: string) => new Uint8Array(readFileSync(new URL(`./testdata/${name}`, import.meta.url)));

/** Written by scripts/gen_container_test_vectors.py (group lzma): liblzma's output or error for each file. */
type Expected = { sha256: string; size: number } | { error: string };
const VECTORS = JSON.parse(new TextDecoder().decode(raw('lzma-vectors.json'))) as Record<string, Expected>;

function decodeAll(bytes: Uint8Array, opts?: { maxWindow?: number }): { sha256: string; size: number } {
  const hash = createHash('sha256');
  let size = 0;
  decodeLzmaAlone(bytes, (chunk) => (hash.update(chunk), (size += chunk.byteLength), true), opts);
  return { sha256: hash.digest('hex'), size };
}

const limits = (maxBytes = 64 << 20) => ({ maxBytes, allowance: () => Infinity, spend: () => undefined });

for (const [name, expected] of Object.entries(VECTORS)) {
  test(`${name}: ${'error' in expected ? 'refused, as liblzma refuses it' : 'decodes to the bytes liblzma gives'}`, () => {
    if ('error' in expected) assert.throws(() => decodeAll(raw(name)), LzmaError);
    else assert.deepEqual(decodeAll(raw(name)), expected);
  });
}

test('the vectors cover every preset, lc/lp/pb, size-field and corruption case they were made for', () => {
  const ok = Object.keys(VECTORS).filter((n) => !('error' in VECTORS[n]!));
  const refused = Object.keys(VECTORS).filter((n) => 'error' in VECTORS[n]!);
  assert.ok(ok.length >= 18, ok.join());
  assert.ok(refused.length >= 8, refused.join());
  assert.ok(ok.includes('lzma-known-size.lzma') && ok.includes('lzma-known-size-marker.lzma'));
});

test('decompress() through the budget machinery gives the same bytes as liblzma', async () => {
  for (const name of ['lzma-preset6.lzma', 'lzma-known-size.lzma', 'lzma-concatenated.lzma', 'pickle.lzma']) {
    const bytes = raw(name);
    const result = await decompress(memorySource(name, bytes), 'lzma', limits());
    assert.equal(result.status, 'ok', name);
    if (result.status !== 'ok') continue;
    if (VECTORS[name] && 'sha256' in VECTORS[name]) {
      assert.equal(createHash('sha256').update(result.bytes).digest('hex'), VECTORS[name].sha256, name);
    }
  }
});

test('output leaves in bounded chunks, and a refusing callback stops the decode at once', () => {
  const sizes: number[] = [];
  decodeLzmaAlone(raw('lzma-bomb-1g.lzma'), (chunk) => (sizes.push(chunk.byteLength), sizes.length < 100));
  assert.equal(sizes.length, 100);
  assert.ok(Math.max(...sizes) <= (64 << 10) + 273, `${sizes}`);
  let calls = 0;
  const done = decodeLzmaAlone(raw('lzma-bomb-1g.lzma'), () => (calls++, false));
  assert.equal(done, true);
  assert.equal(calls, 1);
});

test('the compressed bytes consumed so far come with each chunk', () => {
  const input = raw('lzma-preset6.lzma');
  const seen: number[] = [];
  decodeLzmaAlone(input, (_chunk, consumed) => (seen.push(consumed), true));
  assert.ok(seen.every((c, i) => c <= input.byteLength && (i === 0 || c >= seen[i - 1]!)));
  assert.equal(seen.at(-1), input.byteLength);
});

test('a match reaching past the window limit is refused, never read from outside the window', () => {
  // lzma-preset6 repeats a 3000-byte random block ~25 KB later: a 4 KiB window cannot serve it.
  assert.throws(() => decodeAll(raw('lzma-preset6.lzma'), { maxWindow: 4096 }), /window limit/);
  assert.deepEqual(decodeAll(raw('lzma-preset6.lzma'), { maxWindow: 1 << 20 }), VECTORS['lzma-preset6.lzma']);
});

test('header fields are never trusted for allocation: a 4 GiB dictionary and a huge size decode a tiny stream', () => {
  const bytes = raw('lzma-one-byte.lzma').slice();
  bytes.set([0xff, 0xff, 0xff, 0xff], 1);
  assert.deepEqual(decodeAll(bytes), VECTORS['lzma-one-byte.lzma']);
  bytes.set([0, 0, 0, 0, 0x20, 0, 0, 0], 5); // known size 2^37: the end marker comes first, so refused
  assert.throws(() => decodeAll(bytes), /end marker before the stated size/);
  bytes.set([0, 0, 0, 0, 0, 0, 0, 0x7f], 5); // 2^62: liblzma's .lzma autodetection refuses sizes from 2^38
  assert.throws(() => decodeAll(bytes), /256 GiB/);
});

test('dictionary sizes lzma.LZMAFile accepts: 2^n, 2^n + 2^(n-1), 0xFFFFFFFF (and 0, read as 4 KiB)', () => {
  const bytes = raw('lzma-one-byte.lzma').slice();
  const view = new DataView(bytes.buffer);
  for (const size of [0, 1, 2, 3, 4096, 6144, 1 << 20, 3 << 29, 0x80000000, 0xffffffff]) {
    view.setUint32(1, size, true);
    assert.equal(decodeAll(bytes).size, 1, String(size));
  }
  for (const size of [5, 4097, 5000, (1 << 20) + 1, 0xfffffffe, 0x7fffffff]) {
    view.setUint32(1, size, true);
    assert.throws(() => decodeAll(bytes), /not 2\^n/, String(size));
  }
});

test('properties: lc/lp/pb above the spec bound or lc + lp above 4 (liblzma refuses both) are refused', () => {
  const bytes = raw('lzma-one-byte.lzma').slice();
  for (const [props, why] of [
    [225, /invalid properties/],
    [0xff, /invalid properties/],
    [(2 * 5 + 1) * 9 + 4, /lc \+ lp/],
  ] as const) {
    bytes[0] = props;
    assert.throws(() => decodeAll(bytes), why, String(props));
  }
  bytes[0] = (4 * 5 + 0) * 9 + 4; // pb 4, lc 4: the largest liblzma accepts (the first literal reads the same)
  assert.equal(decodeAll(bytes).size, 1);
});

test('data after a complete stream that is not another stream is ignored, as Python ignores it', () => {
  const bytes = raw('lzma-one-byte.lzma');
  assert.deepEqual(decodeAll(Uint8Array.from([...bytes, 1, 2, 3])), decodeAll(bytes));
});

test('a first stream that is corrupt is still an error', () => {
  assert.throws(() => decodeAll(Uint8Array.from([0x5d, 0, 0, 0x80, 0, 1, 2, 3])), LzmaError);
});

test('random corruption: an LzmaError or a clean end, never another exception or a hang', () => {
  const original = raw('lzma-preset1.lzma');
  let state = 12345;
  const rand = (n: number) => ((state = (state * 1103515245 + 12345) >>> 0) >>> 8) % n;
  for (let round = 0; round < 300; round++) {
    const bytes = original.slice(0, 13 + rand(original.byteLength - 13) + 1);
    for (let flips = 1 + rand(4); flips > 0; flips--) {
      const at = 13 + rand(bytes.byteLength - 13);
      bytes[at] = (bytes[at] ?? 0) ^ (1 << rand(8));
    }
    let size = 0;
    try {
      decodeLzmaAlone(bytes, (chunk) => ((size += chunk.byteLength), size < 16 << 20));
    } catch (error) {
      assert.ok(error instanceof LzmaError, String(error));
    }
  }
});

test('joblib.dump(compress="lzma") with an os.system payload is malicious; a harmless one is benign', async () => {
  const bad = await scanFile(memorySource('model.joblib', raw('joblib-lzma-malicious.joblib')));
  assert.equal(bad.verdict, 'malicious', bad.reason);
  assert.match(JSON.stringify(bad.findings), /system/);
  const good = await scanFile(memorySource('model.joblib', raw('joblib-lzma-benign.joblib')));
  assert.equal(good.verdict, 'benign', good.reason);
  const older = await scanFile(memorySource('model.joblib', raw('joblib-lzma.joblib')));
  assert.equal(older.verdict, 'benign', older.reason);
});

test('1 GiB of zeros in 150 KB stops at the ratio limit, like the gzip bomb', async () => {
  const bomb = raw('lzma-bomb-1g.lzma');
  assert.equal(compressionKind(bomb), 'lzma');
  const started = performance.now();
  const ctx = fakeContext();
  const outcome = await scanCompressed(memorySource('bomb.lzma', bomb), ctx);
  assert.equal(outcome.verdict, 'unverified');
  assert.equal(outcome.findings[0]!.code, CONTAINER_CODES.inflateRatio.code);
  assert.match(outcome.findings[0]!.detail, /decompression bomb/);
  assert.ok(ctx.budget.used.inflatedBytes < 16 << 20, `${ctx.budget.used.inflatedBytes}`);
  assert.equal(ctx.calls.length, 0);
  assert.ok(performance.now() - started < 5000);
});

test('the lzma bomb also stops at the inflated-bytes budget and the member cap', async () => {
  const bomb = memorySource('bomb.lzma', raw('lzma-bomb-1g.lzma'));
  const budget = await scanCompressed(bomb, fakeContext({ budget: { maxInflatedBytes: 2 << 20 } }));
  assert.equal(budget.findings[0]!.code, CONTAINER_CODES.inflateBudget.code);
  const member = await scanCompressed(bomb, fakeContext({ budget: { maxMemberBytes: 1 << 20 } }));
  assert.equal(member.findings[0]!.code, CONTAINER_CODES.memberTooLarge.code);
});

test('truncated and corrupt streams are unverified with a finding that names the problem', async () => {
  const cases: [string, RegExp][] = [
    ['lzma-truncated.lzma', /truncated/],
    ['lzma-no-end-marker.lzma', /truncated/],
    ['lzma-truncated-header.lzma', /header truncated/],
    ['lzma-bad-distance.lzma', /distance 100 reaches before the output/],
    ['lzma-rep-before-output.lzma', /repeated match before any output/],
    ['lzma-bad-init.lzma', /first byte is not 0/],
    ['lzma-size-too-large.lzma', /end marker before the stated size/],
  ];
  for (const [name, why] of cases) {
    assert.equal(compressionKind(raw(name)), 'lzma', name);
    const outcome = await scanCompressed(memorySource(name, raw(name)), fakeContext());
    assert.equal(outcome.verdict, 'unverified', name);
    assert.equal(outcome.findings[0]!.code, CONTAINER_CODES.decodeFailed.code, name);
    assert.match(outcome.findings[0]!.detail, why, name);
  }
  // Not sniffed as lzma (joblib would not open it either); decoded as lzma anyway, it is refused.
  const props = await decompress(memorySource('p', raw('lzma-bad-props.lzma')), 'lzma', limits());
  assert.equal(props.status, 'error');
  assert.match(props.status === 'error' ? props.message : '', /invalid properties byte 0xe1/);
});
