import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import fc from 'fast-check';
import { memorySource } from '../io/byte-source.ts';
import { scanGguf } from './scan-gguf.ts';
import { scanHdf5, scanKerasConfig } from './scan-keras.ts';
import { scanOnnx } from './scan-onnx.ts';
import { scanSafetensors } from './scan-safetensors.ts';
import type { Scanner } from './types.ts';
import { leafScanContext } from './fake-scan-context.ts';

const ctx = { ...leafScanContext(), memberPath: 'outer.zip!inner' };

const G = 'core/formats/testdata/validators/gguf/';

test('generated GGUF vectors (python struct, v1–v3)', async () => {
  const expect: Record<string, string> = {
    'benign-v1.gguf': 'benign',
    'benign-v2.gguf': 'benign',
    'benign-v3.gguf': 'benign',
    'ssti-chat-template.gguf': 'malicious',
    'tensor-oob.gguf': 'invalid',
  };
  for (const [file, verdict] of Object.entries(expect)) {
    const out = await scanGguf(memorySource(file, new Uint8Array(await readFile(G + file))), ctx);
    assert.equal(out.verdict, verdict, `${file}: ${out.reason}`);
    for (const f of out.findings) assert.equal(f.member, 'outer.zip!inner');
  }
});

const scanners: [string, Scanner, string][] = [
  ['safetensors', scanSafetensors, 'public/demo/tiny-sentiment/model.safetensors'],
  ['gguf', scanGguf, G + 'benign-v3.gguf'],
  ['onnx', scanOnnx, 'public/demo/tiny-sentiment/onnx/model.onnx'],
  ['keras', scanKerasConfig, 'core/formats/testdata/validators/keras/nested-lambda-config.json'],
  ['hdf5', scanHdf5, 'core/formats/testdata/validators/keras/benign-config.json'],
];

const VERDICTS = new Set(['benign', 'suspicious', 'malicious', 'invalid', 'unverified']);

for (const [name, scanner, seedPath] of scanners) {
  test(`${name}: random and mutated bytes never throw, never hang`, async () => {
    const seed = new Uint8Array(await readFile(seedPath));
    const mutated = fc
      .array(fc.record({ at: fc.nat(seed.byteLength - 1), v: fc.integer({ min: 0, max: 255 }) }), { maxLength: 8 })
      .chain((edits) =>
        fc.nat(seed.byteLength).map((cut) => {
          const b = new Uint8Array(seed.subarray(0, Math.max(cut, 1)));
          for (const e of edits) if (e.at < b.byteLength) b[e.at] = e.v;
          return b;
        }),
      );
    const input = fc.oneof(fc.uint8Array({ maxLength: 512 }), mutated);
    await fc.assert(
      fc.asyncProperty(input, async (bytes) => {
        const t0 = Date.now();
        const out = await scanner(memorySource('x', bytes), ctx);
        assert.ok(VERDICTS.has(out.verdict));
        if (out.verdict !== 'benign') assert.ok(out.reason);
        assert.ok(Date.now() - t0 < 2000);
      }),
      { numRuns: 300 },
    );
  });
}
