import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { memorySource } from '../io/byte-source.ts';
import { readZip } from '../formats/zip.ts';
import { fakeContext } from './fake-scan-context.ts';
import { isZip, scanZip } from './scan-zip.ts';
import { CONTAINER_CODES } from './container-codes.ts';
import { concatBytes } from '../util/bytes.ts';

const vector = (name: string) =>
  memorySource(name, readFileSync(new URL(`../formats/testdata/${name}`, import.meta.url)));
const codes = (findings: { code: string }[]) => findings.map((f) => f.code);
const PICKLE_HEAD = [0x80, 0x02];

test('real torch.save zip: data.pkl scanned as pickle, storages skipped, benign', async () => {
  const ctx = fakeContext();
  const outcome = await scanZip(vector('torch-zip.pt'), ctx);
  assert.equal(outcome.format, 'pytorch-zip');
  assert.equal(outcome.verdict, 'benign');
  assert.deepEqual(
    ctx.calls.map((c) => [c.kind, c.name]),
    [
      ['pickle', 'archive/data.pkl'],
      ['nested', 'archive/version'],
    ],
  );
  assert.deepEqual([...ctx.calls[0]!.bytes.subarray(0, 2)], PICKLE_HEAD);
  const info = outcome.findings.find((f) => f.code === CONTAINER_CODES.pytorchZip.code);
  assert.equal(info?.evidence?.storages, 2);
});

test('TorchScript: code members listed as findings, constants.pkl scanned, at least suspicious', async () => {
  const ctx = fakeContext();
  const outcome = await scanZip(vector('torchscript.pt'), ctx);
  assert.equal(outcome.format, 'torchscript');
  assert.equal(outcome.verdict, 'suspicious');
  const code = outcome.findings.filter((f) => f.code === CONTAINER_CODES.torchScriptCode.code);
  assert.equal(code.length, 1);
  assert.match(code[0]!.member!, /torchscript\.pt!archive\/code\/__torch__\/.*linear\.py$/);
  assert.ok(ctx.calls.some((c) => c.kind === 'pickle' && c.name === 'archive/constants.pkl'));
  assert.ok(ctx.calls.some((c) => c.name.endsWith('linear.py.debug_pkl')));
});

test('CVE-2025-1944: local/central name mismatch is reported, member still scanned', async () => {
  const ctx = fakeContext();
  const outcome = await scanZip(vector('name-mismatch.zip'), ctx);
  const f = outcome.findings.find((x) => x.code === CONTAINER_CODES.nameMismatch.code);
  assert.ok(f);
  assert.equal(f.reference, CONTAINER_CODES.nameMismatch.reference);
  assert.equal(f.evidence?.localName, 'archive/data.pkx');
  assert.equal(outcome.verdict, 'suspicious');
  assert.ok(ctx.calls.some((c) => c.name === 'archive/data.pkl'));
});

test('CVE-2025-1945: flag bit 0x1 on a cleartext entry is reported and the entry is scanned', async () => {
  const ctx = fakeContext();
  const outcome = await scanZip(vector('flag-bits.zip'), ctx);
  assert.ok(codes(outcome.findings).includes(CONTAINER_CODES.flagBits.code));
  assert.deepEqual([...ctx.calls[0]!.bytes.subarray(0, 2)], PICKLE_HEAD);
});

test('CVE-2025-10156: bad CRC is reported and the member scanned anyway', async () => {
  const ctx = fakeContext();
  const outcome = await scanZip(vector('bad-crc.zip'), ctx);
  const f = outcome.findings.find((x) => x.code === CONTAINER_CODES.badCrc.code);
  assert.ok(f);
  assert.match(f.detail, /0xdeadbeef/);
  assert.equal(ctx.calls.length, 2);
});

test('technique 6: duplicate names — every copy scanned by index', async () => {
  const ctx = fakeContext();
  const outcome = await scanZip(vector('duplicate.zip'), ctx);
  assert.ok(codes(outcome.findings).includes(CONTAINER_CODES.duplicateName.code));
  assert.deepEqual(
    ctx.calls.map((c) => c.name),
    ['archive/data.pkl [entry 0]', 'archive/data.pkl [entry 1]'],
  );
});

test('case variants and ".." paths are reported', async () => {
  const outcome = await scanZip(vector('case-traversal.zip'), fakeContext());
  assert.ok(codes(outcome.findings).includes(CONTAINER_CODES.caseVariantName.code));
  assert.ok(codes(outcome.findings).includes(CONTAINER_CODES.unsafePath.code));
});

test('technique 13: nested zips recurse through the router until maxDepth', async () => {
  const route = async (source: Parameters<typeof scanZip>[0], ctx: Parameters<typeof scanZip>[1]) =>
    isZip(await source.read(0, 4)) ? scanZip(source, ctx) : undefined;
  const ctx = fakeContext({ route });
  const outcome = await scanZip(vector('nested.zip'), ctx);
  assert.equal(outcome.verdict, 'benign');
  assert.deepEqual(
    ctx.calls.map((c) => [c.name, c.depth]),
    [
      ['middle.zip', 1],
      ['inner.zip', 2],
      ['inner/data.pkl', 3],
    ],
  );
  const shallow = fakeContext({ route, budget: { maxDepth: 1 } });
  const limited = await scanZip(vector('nested.zip'), shallow);
  assert.equal(limited.verdict, 'unverified');
  assert.ok(codes(limited.findings).includes(CONTAINER_CODES.tooDeep.code));
});

test('zip bomb: stops at the inflated-bytes budget, unverified (never benign)', async () => {
  const ctx = fakeContext({ budget: { maxInflatedBytes: 1 << 20 } });
  const outcome = await scanZip(vector('bomb.zip'), ctx);
  assert.equal(outcome.verdict, 'unverified');
  assert.ok(codes(outcome.findings).includes(CONTAINER_CODES.inflateBudget.code));
  assert.ok(ctx.budget.used.inflatedBytes < 80 << 20);
  const small = await scanZip(vector('bomb.zip'), fakeContext({ budget: { maxMemberBytes: 1 << 20 } }));
  assert.ok(codes(small.findings).includes(CONTAINER_CODES.memberTooLarge.code));
});

test('bytes before the archive (pickle + zip polyglot) are reported and scanned', async () => {
  const ctx = fakeContext();
  const outcome = await scanZip(vector('prefixed.zip'), ctx);
  assert.ok(codes(outcome.findings).includes(CONTAINER_CODES.prefixData.code));
  assert.equal(ctx.calls[0]!.name, '(data before archive)');
  assert.deepEqual([...ctx.calls[0]!.bytes.subarray(0, 2)], PICKLE_HEAD);
});

test('a malicious member makes the archive malicious; a failed member scan makes it unverified', async () => {
  const evil = await scanZip(
    vector('plain.zip'),
    fakeContext({ route: async () => ({ format: 'pickle', verdict: 'malicious', findings: [], reason: 'os.system' }) }),
  );
  assert.equal(evil.verdict, 'malicious');
  const crash = await scanZip(
    vector('plain.zip'),
    fakeContext({
      route: async () => {
        throw new Error('boom');
      },
    }),
  );
  assert.equal(crash.verdict, 'unverified');
});

test('broken or truncated zips are invalid, not benign', async () => {
  const bytes = readFileSync(new URL('../formats/testdata/plain.zip', import.meta.url));
  const cut = await scanZip(memorySource('cut.zip', bytes.subarray(0, 100)), fakeContext());
  assert.equal(cut.verdict, 'invalid');
  const garbage = await scanZip(memorySource('junk.zip', new Uint8Array(5000).fill(0x50)), fakeContext());
  assert.equal(garbage.verdict, 'invalid');
});

test('reader: every entry by index, both names, overlapping central entries reported', async () => {
  const bytes = new Uint8Array(readFileSync(new URL('../formats/testdata/plain.zip', import.meta.url)));
  const archive = await readZip(memorySource('plain.zip', bytes));
  assert.equal(archive.entries.length, 2);
  assert.equal(archive.entries[0]!.localName, 'archive/data.pkl');
  assert.equal(archive.entries[1]!.dataOffset, archive.entries[1]!.headerOffset + 30 + 'archive/version'.length);
  // Point the second central entry at the first local header: two entries share bytes.
  const cd = findLast(bytes, [0x50, 0x4b, 0x01, 0x02]);
  new DataView(bytes.buffer).setUint32(cd + 42, 0, true);
  const outcome = await scanZip(memorySource('overlap.zip', bytes), fakeContext());
  assert.ok(codes(outcome.findings).includes(CONTAINER_CODES.overlap.code));
});

function findLast(bytes: Uint8Array, sig: number[]): number {
  for (let i = bytes.length - sig.length; i >= 0; i--) if (sig.every((b, j) => bytes[i + j] === b)) return i;
  return -1;
}

/** The [kind, name, first pickle payload byte run] of each call, to see which copy went where. */
const pickleCalls = (ctx: ReturnType<typeof fakeContext>) =>
  ctx.calls.filter((c) => c.kind === 'pickle').map((c) => new TextDecoder('latin1').decode(c.bytes));

test('torch lookup is case-insensitive: an upper-case DATA.PKL (what torch.load unpickles) is scanned as a pickle', async () => {
  const ctx = fakeContext();
  const outcome = await scanZip(vector('torch-upper-case.pt'), ctx);
  assert.equal(outcome.format, 'pytorch-zip');
  assert.deepEqual(
    ctx.calls.map((c) => [c.kind, c.name]),
    [
      ['pickle', 'archive/DATA.PKL'],
      ['nested', 'archive/version'],
    ],
  );
});

test('torch lookup with case variants and duplicates: every copy torch may pick is scanned as a pickle', async () => {
  const variants = fakeContext();
  await scanZip(vector('torch-case-variants.pt'), variants);
  const seen = pickleCalls(variants);
  assert.ok(seen.some((s) => s.includes('upper')) && seen.some((s) => s.includes('lower')));
  const dups = fakeContext();
  await scanZip(vector('torch-duplicates.pt'), dups);
  assert.equal(pickleCalls(dups).length, 3);
});

test("storage skipping only covers <archive>/data/<n> under torch's archive name", async () => {
  const ctx = fakeContext();
  const outcome = await scanZip(vector('torch-foreign-storage.pt'), ctx);
  assert.ok(
    ctx.calls.some((c) => c.name === 'evil/data/0'),
    'a storage-like name under another root is scanned',
  );
  assert.equal(outcome.findings.find((f) => f.code === CONTAINER_CODES.pytorchZip.code)?.evidence?.storages, 0);
});

/** A minimal stored ZIP (central directory + local headers) with raw name bytes. */
function storedZip(members: [Uint8Array, Uint8Array][]): Uint8Array {
  const parts: Uint8Array[] = [];
  const central: Uint8Array[] = [];
  let offset = 0;
  for (const [name, data] of members) {
    const local = new Uint8Array(30 + name.length);
    const lv = new DataView(local.buffer);
    lv.setUint32(0, 0x04034b50, true);
    lv.setUint32(18, data.length, true);
    lv.setUint32(22, data.length, true);
    lv.setUint16(26, name.length, true);
    local.set(name, 30);
    const cd = new Uint8Array(46 + name.length);
    const cv = new DataView(cd.buffer);
    cv.setUint32(0, 0x02014b50, true);
    cv.setUint32(20, data.length, true);
    cv.setUint32(24, data.length, true);
    cv.setUint16(28, name.length, true);
    cv.setUint32(42, offset, true);
    cd.set(name, 46);
    parts.push(local, data);
    central.push(cd);
    offset += local.length + data.length;
  }
  const cdSize = central.reduce((n, c) => n + c.length, 0);
  const end = new Uint8Array(22);
  const ev = new DataView(end.buffer);
  ev.setUint32(0, 0x06054b50, true);
  ev.setUint16(8, members.length, true);
  ev.setUint16(10, members.length, true);
  ev.setUint32(12, cdSize, true);
  ev.setUint32(16, offset, true);
  return concatBytes([...parts, ...central, end]);
}

test('torch lookup: the archive name is a C string, so a NUL in it makes data.pkl resolve to its first part', async () => {
  const enc = new TextEncoder();
  const p0 = enc.encode('cos\nsystem\n(S"x"\ntR.');
  const zip = storedZip([
    [Uint8Array.from([0x71, 0x00, 0x72, 0x2f, 0x76]), enc.encode('3\n')], // "q\0r/v": archive name "q\0r"
    [enc.encode('Q'), p0], // what miniz finds for "q\0r/data.pkl" (strlen stops at the NUL; case folded)
  ]);
  const ctx = fakeContext();
  await scanZip(memorySource('nul.pt', zip), ctx);
  assert.deepEqual(
    ctx.calls.map((c) => [c.kind, c.name]),
    [
      ['nested', 'q\0r/v'],
      ['pickle', 'Q'],
    ],
  );
});

test('every *.pkl and *.debug_pkl, whatever its case and whatever the archive, is scanned as a pickle', async () => {
  const enc = new TextEncoder();
  const zip = storedZip([
    [enc.encode('notes/readme.txt'), enc.encode('hello')],
    [enc.encode('x/model.PKL'), enc.encode('N.')],
    [enc.encode('x/code/a.py.debug_pkl'), enc.encode('N.')],
  ]);
  const ctx = fakeContext();
  await scanZip(memorySource('mixed.zip', zip), ctx);
  assert.deepEqual(
    ctx.calls.map((c) => c.kind),
    ['nested', 'pickle', 'pickle'],
  );
});

test('zip bomb: a high-ratio member stops at the ratio limit long before its declared size', async () => {
  const ctx = fakeContext();
  const outcome = await scanZip(vector('bomb.zip'), ctx);
  assert.equal(outcome.verdict, 'unverified');
  assert.ok(codes(outcome.findings).includes(CONTAINER_CODES.inflateRatio.code));
  assert.ok(ctx.budget.used.inflatedBytes < (8 << 20) + (5 << 20), `${ctx.budget.used.inflatedBytes}`);
  assert.equal(ctx.calls.length, 0);
});
