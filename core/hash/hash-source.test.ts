import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, writeFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { memorySource, type ByteSource } from '../io/byte-source.ts';
import { fileSource } from '../io/byte-source-node.ts';
import { hashSource, HashCancelledError, SizeChangedError } from './hash-source.ts';
import { createSha256Wasm } from './sha256-wasm.ts';
import { createSha256Node } from './sha256-node.ts';

const encoder = new TextEncoder();
const hashers = { wasm: createSha256Wasm, node: createSha256Node };

for (const [label, factory] of Object.entries(hashers)) {
  test(`${label}: SHA-256 of the empty input is the FIPS 180-4 value`, async () => {
    const { sha256 } = await hashSource(memorySource('empty', new Uint8Array(0)), factory);
    assert.equal(sha256, 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  });

  test(`${label}: SHA-256 of "abc" is the FIPS 180-4 value`, async () => {
    const { sha256 } = await hashSource(memorySource('abc', encoder.encode('abc')), factory);
    assert.equal(sha256, 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  test(`${label}: a multi-chunk input hashes like node:crypto over the whole buffer`, async () => {
    const bytes = randomBytes(5 * 1024 * 1024 + 123);
    const expected = createHash('sha256').update(bytes).digest('hex');
    // Odd chunk size so chunk boundaries never line up with SHA-256's 64-byte blocks.
    const { sha256, bytes: n } = await hashSource(memorySource('big', bytes, 65_537), factory);
    assert.equal(sha256, expected);
    assert.equal(n, bytes.byteLength);
  });
}

test('a file on disk streams through the Node ByteSource with the same digest as node:crypto', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'mg-hash-'));
  try {
    const bytes = randomBytes(9 * 1024 * 1024 + 7); // > two 4 MiB read chunks
    await writeFile(join(dir, 'w.bin'), bytes);
    const source = await fileSource(join(dir, 'w.bin'), 'w.bin');
    const { sha256 } = await hashSource(source, createSha256Wasm);
    assert.equal(sha256, createHash('sha256').update(bytes).digest('hex'));
    assert.deepEqual(await source.read(3, 4), new Uint8Array(bytes.subarray(3, 7)));
    assert.equal((await source.read(bytes.length - 2, 10)).byteLength, 2);
  } finally {
    await rm(dir, { recursive: true });
  }
});

test('progress is reported during hashing and ends at the full size', async () => {
  const seen: number[] = [];
  await hashSource(memorySource('p', new Uint8Array(10_000), 1000), createSha256Wasm, {
    progressEveryBytes: 3000,
    onProgress: (p) => seen.push(p.bytesDone),
  });
  assert.deepEqual(seen, [3000, 6000, 9000, 10_000]);
});

test('cancel stops hashing with HashCancelledError', async () => {
  let chunks = 0;
  await assert.rejects(
    hashSource(memorySource('c', new Uint8Array(10_000), 1000), createSha256Wasm, {
      isCancelled: () => ++chunks > 3,
    }),
    HashCancelledError,
  );
  assert.equal(chunks, 4);
});

test('a source that yields fewer bytes than its size is an error, not a digest', async () => {
  const truncated: ByteSource = { ...memorySource('t', new Uint8Array(100)), size: 200 };
  await assert.rejects(hashSource(truncated, createSha256Wasm), SizeChangedError);
});

test('every ByteSource refuses negative and fractional offsets instead of reading from the end', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'mg-range-'));
  try {
    await writeFile(join(dir, 'f'), new Uint8Array(10));
    for (const source of [memorySource('m', new Uint8Array(10)), await fileSource(join(dir, 'f'), 'f')]) {
      await assert.rejects(source.read(-4, 2), RangeError);
      await assert.rejects(source.read(1.5, 2), RangeError);
      await assert.rejects(source.read(0, -1), RangeError);
      assert.equal((await source.read(20, 5)).byteLength, 0);
    }
  } finally {
    await rm(dir, { recursive: true });
  }
});
