import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { memorySource } from '../io/byte-source.ts';
import { leafScanContext } from './fake-scan-context.ts';
import { tfGraphScanner } from './scan-tf-graph.ts';
import { scanTfCheckpointIndex } from './scan-tf-checkpoint.ts';
import { scanTfKerasMetadata } from './scan-tf-keras-metadata.ts';
import type { Scanner } from './types.ts';

const T = 'test/fixtures/formats/tensorflow/';
const ctx = leafScanContext();

/** Deterministic xorshift, so a failure reproduces. */
function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 2 ** 32;
  };
}

const targets: [string, Scanner][] = [
  ['module/saved_model.pb', tfGraphScanner('savedmodel')],
  ['metagraph/model.ckpt.meta', tfGraphScanner('metagraph')],
  ['frozen/graph.pb', tfGraphScanner('graphdef')],
  ['keras2/keras_metadata.pb', scanTfKerasMetadata],
  ['module/variables/variables.index', scanTfCheckpointIndex],
];

// Flipped bytes and truncations give a verdict with findings (invalid / unverified / …), never an exception.
for (const [path, scanner] of targets) {
  test(`${path}: 60 corrupted copies never throw and are never silently benign when unreadable`, async () => {
    const original = new Uint8Array(await readFile(T + path));
    const next = rng(path.length * 7919);
    for (let i = 0; i < 60; i++) {
      const b = original.slice(0, i % 3 === 0 ? Math.floor(next() * original.byteLength) : original.byteLength);
      for (let k = 0; k < 1 + (i % 4); k++)
        if (b.byteLength > 0) b[Math.floor(next() * b.byteLength)] = Math.floor(next() * 256);
      const out = await scanner(memorySource(path, b), ctx);
      assert.ok(['benign', 'suspicious', 'malicious', 'invalid', 'unverified'].includes(out.verdict));
      if (out.verdict !== 'benign') assert.ok(out.reason, 'a non-benign verdict says why');
      else assert.ok(out.findings.length > 0, 'a benign outcome carries its inventory');
    }
  });
}
