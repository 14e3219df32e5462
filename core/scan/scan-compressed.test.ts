import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { gzipSync, zlibSync } from 'fflate';
import { memorySource } from '../io/byte-source.ts';
import { fakeContext } from './fake-scan-context.ts';
import { compressionKind, scan7z, scanCompressed, SEVEN_Z_REASON } from './scan-compressed.ts';
import { CONTAINER_CODES } from './container-codes.ts';
import { decodeLz4Frames } from '../formats/lz4-frame.ts';

const raw = (name: string) => new Uint8Array(readFileSync(new URL(`../formats/testdata/${name}`, import.meta.url)));
const vector = (name: string) => memorySource(name, raw(name));
const PICKLE = [0x80, 0x02];

test('sniffs every wrapper by magic (technique 12: joblib prefixes)', () => {
  const kinds = [
    'pickle.gz',
    'pickle.zlib',
    'pickle.bz2',
    'pickle.xz',
    'pickle.lzma',
    'pickle.zfile',
    'archive.7z',
  ].map((n) => compressionKind(raw(n)));
  assert.deepEqual(kinds, ['gzip', 'zlib', 'bz2', 'xz', 'lzma', 'joblib-zfile', '7z']);
  assert.equal(compressionKind(Uint8Array.from([0x04, 0x22, 0x4d, 0x18])), 'lz4');
  assert.equal(compressionKind(Uint8Array.from([0x80, 0x02, 0x7d])), null);
  assert.equal(compressionKind(Uint8Array.from([0x28, 0x64, 0x70])), null); // protocol-0 pickle "(dp"
});

/** What the real router answers for a protocol-2 pickle. */
const asPickle = async () => ({ format: 'pickle', verdict: 'benign' as const, findings: [] });

for (const name of ['pickle.gz', 'pickle.zlib', 'pickle.bz2', 'pickle.xz', 'pickle.lzma', 'pickle.zfile']) {
  test(`${name}: decompressed content goes back to the router`, async () => {
    const ctx = fakeContext({ route: asPickle });
    const outcome = await scanCompressed(vector(name), ctx);
    assert.equal(outcome.verdict, 'benign', outcome.reason);
    assert.equal(ctx.calls.length, 1);
    assert.deepEqual([...ctx.calls[0]!.bytes.subarray(0, 2)], PICKLE);
    assert.equal(ctx.calls[0]!.bytes.at(-1), 0x2e); // STOP
  });
}

test('technique 7: 7z is unverified with the reason', async () => {
  for (const scan of [scan7z, scanCompressed]) {
    const outcome = await scan(vector('archive.7z'), fakeContext());
    assert.equal(outcome.verdict, 'unverified');
    assert.equal(outcome.reason, SEVEN_Z_REASON);
    assert.equal(outcome.findings[0]!.code, CONTAINER_CODES.sevenZip.code);
  }
});

test('decompression bomb stops at the budget (gzip and zlib)', async () => {
  const zeros = new Uint8Array(30 << 20);
  for (const bytes of [gzipSync(zeros), zlibSync(zeros)]) {
    const ctx = fakeContext({ budget: { maxInflatedBytes: 2 << 20 } });
    const outcome = await scanCompressed(memorySource('bomb', bytes), ctx);
    assert.equal(outcome.verdict, 'unverified');
    assert.equal(outcome.findings[0]!.code, CONTAINER_CODES.inflateBudget.code);
    assert.equal(ctx.calls.length, 0);
    assert.ok(ctx.budget.used.inflatedBytes < 120 << 20);
  }
  const small = await scanCompressed(
    memorySource('bomb', gzipSync(zeros)),
    fakeContext({ budget: { maxMemberBytes: 1 << 20 } }),
  );
  assert.equal(small.findings[0]!.code, CONTAINER_CODES.memberTooLarge.code);
});

test('corrupt and truncated streams are unverified', async () => {
  const gz = raw('pickle.gz');
  const cut = await scanCompressed(memorySource('cut.gz', gz.subarray(0, 20)), fakeContext());
  assert.equal(cut.verdict, 'unverified');
  const bz = raw('pickle.bz2').slice();
  bz[20] = bz[20]! ^ 0xff;
  const bad = await scanCompressed(memorySource('bad.bz2', bz), fakeContext());
  assert.equal(bad.verdict, 'unverified');
});

/** LZ4 frame with one compressed block: literals "abc", a match copying 8 bytes at offset 3, then "z". */
function lz4Frame(): Uint8Array {
  const block = [0x34, 0x61, 0x62, 0x63, 0x03, 0x00, 0x10, 0x7a];
  return Uint8Array.from([0x04, 0x22, 0x4d, 0x18, 0x60, 0x40, 0x82, block.length, 0, 0, 0, ...block, 0, 0, 0, 0]);
}

test('lz4 frame decodes with back-references; hostile offsets are refused', async () => {
  const chunks: Uint8Array[] = [];
  decodeLz4Frames(lz4Frame(), (c) => (chunks.push(c), true));
  assert.equal(new TextDecoder().decode(chunks[0]), 'abcabcabcabz');
  const ctx = fakeContext({ route: asPickle });
  const outcome = await scanCompressed(memorySource('x.lz4', lz4Frame()), ctx);
  assert.equal(outcome.verdict, 'benign');
  assert.equal(ctx.calls.length, 1);
  const hostile = lz4Frame();
  hostile[15] = 0x40; // match offset 64 > 3 bytes of output
  const bad = await scanCompressed(memorySource('bad.lz4', hostile), fakeContext());
  assert.equal(bad.verdict, 'unverified');
});

/** Files written by joblib.dump(compress=(method, 3)) with joblib 1.6 (scripts/gen_container_test_vectors.py). */
const JOBLIB: [string, string][] = [
  ['joblib-zlib.joblib', 'zlib'],
  ['joblib-gzip.joblib', 'gzip'],
  ['joblib-bz2.joblib', 'bz2'],
  ['joblib-xz.joblib', 'xz'],
  ['joblib-lzma.joblib', 'lzma'],
];

test('every compressor joblib.dump writes is sniffed; what it decompresses to is a pickle', async () => {
  for (const [name, kind] of JOBLIB) {
    assert.equal(compressionKind(raw(name)), kind, name);
    const ctx = fakeContext({ route: asPickle });
    const outcome = await scanCompressed(vector(name), ctx);
    assert.equal(outcome.verdict, 'benign', `${name}: ${outcome.reason}`);
    assert.deepEqual([...ctx.calls[0]!.bytes.subarray(0, 1)], [0x80], name);
  }
});

test("joblib's short binary prefixes are sniffed as joblib sniffs them: a stream its decompressor rejects is unverified", async () => {
  const cases: [number[], string][] = [
    [[0x1f, 0x8b, 0x07], 'gzip'], // joblib: '\x1f\x8b' → gzip, whatever the method byte
    [[0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x01], 'xz'], // joblib: 5-byte xz prefix
    [[0x5d, 0x00, 0x01, 0x00, 0x00], 'lzma'], // joblib: ']\x00' → lzma-alone, any dictionary size
  ];
  for (const [head, kind] of cases) {
    const bytes = Uint8Array.from([...head, ...new Array(64).fill(0x41)]);
    assert.equal(compressionKind(bytes), kind);
    const outcome = await scanCompressed(memorySource('x', bytes), fakeContext());
    assert.equal(outcome.verdict, 'unverified', kind);
  }
});

test('joblib Z-file: "ZF" + a length Python int(…, 16) accepts, with or without 0x', () => {
  const zf = (len: string) => new TextEncoder().encode(`ZF${len.padEnd(19)}x`);
  assert.equal(compressionKind(zf('0x1f')), 'joblib-zfile');
  assert.equal(compressionKind(zf('1f')), 'joblib-zfile');
  assert.equal(compressionKind(zf('  1_f')), 'joblib-zfile');
  assert.equal(compressionKind(zf('zz')), null); // joblib's int() raises: not loadable
});

test('ratio limit: a highly compressible stream stops after the floor, whatever the budgets allow', async () => {
  const zeros = new Uint8Array(64 << 20);
  for (const bytes of [gzipSync(zeros), zlibSync(zeros)]) {
    const ctx = fakeContext();
    const outcome = await scanCompressed(memorySource('bomb', bytes), ctx);
    assert.equal(outcome.verdict, 'unverified');
    assert.equal(outcome.findings[0]!.code, CONTAINER_CODES.inflateRatio.code);
    assert.ok(ctx.budget.used.inflatedBytes < 16 << 20, `${ctx.budget.used.inflatedBytes}`);
  }
});

test('small compressible content under the ratio floor is still read', async () => {
  const ctx = fakeContext({ route: asPickle });
  const outcome = await scanCompressed(memorySource('z', zlibSync(new Uint8Array(1 << 20))), ctx);
  assert.equal(outcome.verdict, 'benign');
});

test('decompressed content no format claims is also scanned as a pickle (joblib unpickles it)', async () => {
  const text = new TextEncoder().encode("cos\nsystem\n(S'echo hi'\ntR.");
  const malicious = { format: 'pickle', verdict: 'malicious' as const, findings: [], reason: 'os.system' };
  const ctx = fakeContext({
    route: async (_source, _ctx, kind) =>
      kind === 'pickle' ? malicious : { format: 'text', verdict: 'benign' as const, findings: [] },
  });
  const outcome = await scanCompressed(memorySource('t.gz', gzipSync(text)), ctx);
  assert.deepEqual(
    ctx.calls.map((c) => c.kind),
    ['nested', 'pickle'],
  );
  assert.equal(outcome.verdict, 'malicious');
  const plain = fakeContext({
    route: async (_source, _ctx, kind) => ({
      format: kind === 'pickle' ? 'pickle' : 'text',
      verdict: kind === 'pickle' ? ('invalid' as const) : ('benign' as const),
      findings: [],
    }),
  });
  const benign = await scanCompressed(memorySource('t.gz', gzipSync(text)), plain);
  assert.equal(benign.verdict, 'benign', 'a text file that is not a pickle stays what it is');
});
