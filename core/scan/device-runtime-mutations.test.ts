import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { memorySource } from '../io/byte-source.ts';
import { FormatError } from '../formats/format-error.ts';
import { scanTflite } from './scan-tflite.ts';
import { scanExecutorch } from './scan-executorch.ts';
import { scanCoreml, scanMilBlob } from './scan-coreml.ts';
import { leafScanContext } from './fake-scan-context.ts';
import type { Scanner } from './types.ts';

const ROOT = 'test/fixtures/formats/device-runtime/';
const SCANNERS: [string, RegExp, Scanner][] = [
  ['tflite', /\.tflite$/, scanTflite],
  ['executorch', /\.pte$/, scanExecutorch],
  ['coreml', /\.mlmodel$/, scanCoreml],
  ['coreml', /\.bin$/, scanMilBlob],
];

async function files(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const nested = await Promise.all(
    entries.map((e) => (e.isDirectory() ? files(join(dir, e.name)) : [join(dir, e.name)])),
  );
  return nested.flat();
}

// Hostile bytes give a verdict with a reason, never an exception: every fixture with single bytes overwritten
// (0x00, 0xff, 0x7f) at spread-out offsets, and cut at several lengths.
test('corrupted on-device models never make a scanner throw', async () => {
  let scanned = 0;
  for (const path of await files(ROOT)) {
    const scanner = SCANNERS.find(([, pattern]) => pattern.test(path))?.[2];
    if (!scanner) continue;
    const original = new Uint8Array(await readFile(path));
    const variants: Uint8Array[] = [];
    const step = Math.max(1, Math.floor(original.byteLength / 48));
    for (let at = 0; at < original.byteLength; at += step) {
      for (const value of [0x00, 0xff, 0x7f]) {
        const b = original.slice();
        b[at] = value;
        variants.push(b);
      }
    }
    for (const keep of [0.1, 0.5, 0.9]) variants.push(original.slice(0, Math.floor(original.byteLength * keep)));
    for (const bytes of variants) {
      scanned++;
      try {
        const out = await scanner(memorySource('m', bytes), leafScanContext());
        if (out.verdict !== 'benign') assert.ok(out.reason, `${path}: a non-benign verdict says why`);
      } catch (e) {
        assert.fail(`${path}: ${e instanceof FormatError ? 'FormatError escaped' : String(e)}`);
      }
    }
  }
  assert.ok(scanned > 2000, `only ${scanned} variants`);
});
