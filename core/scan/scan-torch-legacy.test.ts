import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { memorySource } from '../io/byte-source.ts';
import { pickleEnd } from '../formats/pickle-extent.ts';
import { fakeContext } from './fake-scan-context.ts';
import { isTorchLegacy, scanTorchLegacy } from './scan-torch-legacy.ts';
import { CONTAINER_CODES } from './container-codes.ts';

const raw = (name: string) => new Uint8Array(readFileSync(new URL(`../formats/testdata/${name}`, import.meta.url)));

test('techniques 9–11: real legacy torch.save — five pickles scanned separately, storage bytes not', async () => {
  const bytes = raw('torch-legacy.pt');
  assert.ok(isTorchLegacy(bytes));
  const ctx = fakeContext();
  const outcome = await scanTorchLegacy(memorySource('torch-legacy.pt', bytes), ctx);
  assert.equal(outcome.verdict, 'benign', outcome.reason);
  assert.equal(ctx.calls.length, 5);
  assert.ok(ctx.calls.every((c) => c.kind === 'pickle' && c.bytes.at(-1) === 0x2e));
  assert.match(ctx.calls[3]!.name, /model/);
  const info = outcome.findings.find((f) => f.code === CONTAINER_CODES.torchLegacy.code);
  const storageOffset = info?.evidence?.storageOffset as number;
  assert.ok(storageOffset < bytes.length - 24, 'raw storages (2×3 + 2 floats) follow');
});

test('technique 10: a magic-number pickle that is not a plain constant is flagged and scanned', async () => {
  // PROTO 2, GLOBAL builtins eval, "'1'", TUPLE1, REDUCE, STOP — harmless expression, never run.
  const evil = Uint8Array.from([
    0x80,
    2,
    ...new TextEncoder().encode('cbuiltins\neval\n'),
    0x8c,
    3,
    0x27,
    0x31,
    0x27,
    0x85,
    0x52,
    0x2e,
    ...raw('torch-legacy.pt').subarray(15),
  ]);
  const ctx = fakeContext();
  const outcome = await scanTorchLegacy(memorySource('evil.pt', evil), ctx);
  assert.ok(outcome.findings.some((f) => f.code === CONTAINER_CODES.torchLegacyMagic.code));
  assert.equal(outcome.verdict, 'suspicious');
  assert.equal(ctx.calls[0]!.bytes.length, evil.indexOf(0x2e) + 1);
});

test('a stream whose pickles cannot be delimited is handed over whole and unverified', async () => {
  const bytes = raw('torch-legacy.pt').slice(0, 40);
  const ctx = fakeContext();
  const outcome = await scanTorchLegacy(memorySource('cut.pt', bytes), ctx);
  assert.equal(outcome.verdict, 'unverified');
  assert.equal(ctx.calls.at(-1)!.name, '(stream from 21)');
});

test('pickle extent skips length-prefixed arguments without reading them and handles text opcodes', async () => {
  // BINBYTES8 with a 1 GiB length in a 30-byte source: truncated, not allocated.
  const huge = Uint8Array.from([0x80, 4, 0x8e, 0, 0, 0, 0x40, 0, 0, 0, 0, 0x2e]);
  await assert.rejects(pickleEnd(memorySource('h', huge), 0), /truncated/);
  const p0 = new TextEncoder().encode("(dp0\nVkey\np1\nI42\nsS'x'\np2\ncos\nsystem\np3\ns.tail");
  assert.equal(await pickleEnd(memorySource('p0', p0), 0), p0.length - 4);
});
