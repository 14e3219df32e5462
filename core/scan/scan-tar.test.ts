import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { memorySource } from '../io/byte-source.ts';
import { fakeContext } from './fake-scan-context.ts';
import { isTar, scanTar } from './scan-tar.ts';
import { readTar } from '../formats/tar.ts';
import { CONTAINER_CODES } from './container-codes.ts';
import { concatBytes } from '../util/bytes.ts';

const raw = (name: string) => new Uint8Array(readFileSync(new URL(`../formats/testdata/${name}`, import.meta.url)));

/** One ustar header block (+ data padded to 512). */
function tarEntry(name: string, data: Uint8Array, type = '0', link = ''): Uint8Array {
  const h = new Uint8Array(512);
  const enc = new TextEncoder();
  h.set(enc.encode(name), 0);
  h.set(enc.encode('0000644\0'), 100);
  h.set(enc.encode(data.length.toString(8).padStart(11, '0') + '\0'), 124);
  h.set(enc.encode('00000000000\0'), 136);
  h[156] = type.charCodeAt(0);
  h.set(enc.encode(link), 157);
  h.set(enc.encode('ustar\x0000'), 257);
  h.fill(0x20, 148, 156);
  const sum = h.reduce((a, b) => a + b, 0);
  h.set(enc.encode(sum.toString(8).padStart(6, '0') + '\0 '), 148);
  const out = new Uint8Array(512 + Math.ceil(data.length / 512) * 512);
  out.set(h);
  out.set(data, 512);
  return out;
}
/** The members, then the two zero blocks that end a tar archive. */
const concat = (...parts: Uint8Array[]) => concatBytes([...parts, new Uint8Array(1024)]);

test('technique 8: torch tar format — sys_info, pickle, storages, tensors scanned as pickles', async () => {
  const bytes = raw('torch-tar.pt');
  assert.ok(isTar(bytes));
  const ctx = fakeContext();
  const outcome = await scanTar(memorySource('torch-tar.pt', bytes), ctx);
  assert.equal(outcome.format, 'pytorch-tar');
  assert.deepEqual(
    ctx.calls.map((c) => [c.kind, c.name]),
    ['sys_info', 'pickle', 'storages', 'tensors'].map((n) => ['pickle', n]),
  );
  assert.equal(ctx.calls[0]!.bytes[0], 0x80);
  assert.notEqual(outcome.verdict, 'malicious');
});

test('plain tar: members to the router; duplicates, traversal and links reported', async () => {
  const p = Uint8Array.from([0x80, 2, 0x4e, 0x2e]);
  const tar = concat(
    tarEntry('a.pkl', p),
    tarEntry('a.pkl', p),
    tarEntry('../x', p),
    tarEntry('l', new Uint8Array(), '2', '/etc/passwd'),
    tarEntry('l2', new Uint8Array(), '2', 'a.pkl'),
  );
  const ctx = fakeContext();
  const outcome = await scanTar(memorySource('t.tar', tar), ctx);
  const codes = outcome.findings.map((f) => f.code);
  assert.ok(codes.includes(CONTAINER_CODES.duplicateName.code));
  assert.ok(codes.includes(CONTAINER_CODES.unsafePath.code));
  assert.ok(codes.includes(CONTAINER_CODES.linkEntry.code), 'a link inside the archive is reported');
  assert.ok(codes.includes(CONTAINER_CODES.linkOutside.code), 'a link to /etc/passwd is malicious');
  assert.equal(outcome.verdict, 'malicious');
  assert.deepEqual(
    ctx.calls.map((c) => c.name),
    ['a.pkl [entry 0]', 'a.pkl [entry 1]', '../x'],
  );
});

test('bad first checksum or a member past the end is invalid; a later bad header ends the archive', async () => {
  const good = tarEntry('a', Uint8Array.from([1, 2, 3]));
  const bad = good.slice();
  bad[0] = 0x62;
  assert.equal((await scanTar(memorySource('b.tar', bad), fakeContext())).verdict, 'invalid');
  assert.equal((await scanTar(memorySource('c.tar', good.subarray(0, 514)), fakeContext())).verdict, 'invalid');
  const tail = concat(good, bad);
  const outcome = await scanTar(memorySource('d.tar', tail), fakeContext());
  assert.ok(outcome.findings.some((f) => f.code === CONTAINER_CODES.trailingData.code));
  assert.equal(isTar(new Uint8Array(512)), false);
});

/**
 * Each vector is a legacy torch tar whose "pickle" member is written with one more header type that
 * tarfile extracts as a file; the generator checked with tarfile and torch.load that "pickle" is read.
 */
for (const name of [
  'tar-aregtype.pt',
  'tar-conttype.pt',
  'tar-unknown-type.pt',
  'tar-base256-size.pt',
  'tar-gnu-longname.pt',
  'tar-pax-global-path.pt',
  'tar-pax-size.pt',
  'tar-pax-utf8.pt',
]) {
  test(`${name}: the member tarfile names "pickle" is scanned as a pickle, whole`, async () => {
    const ctx = fakeContext();
    const outcome = await scanTar(memorySource(name, raw(name)), ctx);
    const call = ctx.calls.find((c) => c.name === 'pickle');
    assert.ok(call, JSON.stringify(ctx.calls.map((c) => c.name)));
    assert.equal(call.kind, 'pickle');
    assert.match(new TextDecoder('latin1').decode(call.bytes), /which.*tar.*\.$/s);
    assert.notEqual(outcome.verdict, 'invalid', outcome.reason);
  });
}

test('GNU sparse member: stored bytes scanned, and the file is unverified (holes are not rebuilt)', async () => {
  const ctx = fakeContext();
  const outcome = await scanTar(memorySource('s.tar', raw('tar-gnu-sparse.tar')), ctx);
  assert.ok(ctx.calls.some((c) => c.name === 'pickle' && c.kind === 'pickle'));
  assert.ok(outcome.findings.some((f) => f.code === CONTAINER_CODES.sparseMember.code));
  assert.equal(outcome.verdict, 'unverified');
});

test('tarfile size rules: octal read up to the first NUL, negative base-256 and negative pax sizes fail closed', async () => {
  const p = Uint8Array.from([0x80, 2, 0x4e, 0x2e]);
  const nul = tarEntry('a', p);
  nul.set(new TextEncoder().encode('4\0zz'), 124); // nti: "4", the rest ignored
  fixChecksum(nul);
  const ok = await scanTar(memorySource('n.tar', concat(nul)), fakeContext());
  assert.notEqual(ok.verdict, 'invalid', ok.reason);
  const neg = tarEntry('a', p);
  neg.set([0xff, ...new Array(10).fill(0xff), 0xfc], 124); // base-256 -4
  fixChecksum(neg);
  assert.equal((await scanTar(memorySource('m.tar', concat(neg)), fakeContext())).verdict, 'invalid');
});

function fixChecksum(block: Uint8Array): void {
  block.fill(0x20, 148, 156);
  const sum = block.subarray(0, 512).reduce((a, b) => a + b, 0);
  block.set(new TextEncoder().encode(sum.toString(8).padStart(6, '0') + '\0 '), 148);
}

test('tarfile joins the prefix field even without the ustar magic (v7 header: "evil/pickle", checked with tarfile)', async () => {
  const p = Uint8Array.from([0x4e, 0x2e]);
  const v7 = tarEntry('pickle', p);
  v7.fill(0, 257, 265); // no magic
  v7.set(new TextEncoder().encode('evil'), 345);
  fixChecksum(v7);
  const archive = await readTar(memorySource('v7.tar', concat(v7)));
  assert.deepEqual(
    archive.entries.map((e) => e.name),
    ['evil/pickle'],
  );
});

test('a tar whose first member has an empty name is still a tar (tarfile and torch.load read it)', async () => {
  const payload = new TextEncoder().encode("cos\nsystem\n(S'echo pwned'\ntR.");
  const bytes = concat(tarEntry('', new Uint8Array([0x78])), tarEntry('storages', payload));
  assert.ok(isTar(bytes));
  const { scanFile } = await import('./scan-file.ts');
  const outcome = await scanFile(memorySource('pytorch_model.bin', bytes));
  assert.equal(outcome.verdict, 'malicious', outcome.reason);
});
