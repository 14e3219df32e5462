import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { reusableGitBlobSha1 } from './git-blob-sha1.ts';
import {
  ByteBudget,
  CALIBRATION_SIZES,
  digestOneShot,
  ONE_SHOT_HASH_MAX_BYTES,
  ONE_SHOT_POOL_BYTES,
  oneShotLimit,
  takeOneShot,
  toHex,
} from './one-shot.ts';

const KiB = 1 << 10;
const MiB = 1 << 20;

function gitBlobNode(bytes: Uint8Array): string {
  return createHash('sha1').update(`blob ${bytes.byteLength}\0`).update(bytes).digest('hex');
}

test('the one-shot budget is within 256-512 MiB and one file that big fits the pool budget', () => {
  assert.ok(ONE_SHOT_HASH_MAX_BYTES >= 256 * MiB && ONE_SHOT_HASH_MAX_BYTES <= 512 * MiB);
  assert.ok(ONE_SHOT_POOL_BYTES >= ONE_SHOT_HASH_MAX_BYTES);
});

test('oneShotLimit: wins at every size extend to the maximum; a loss stops at the last win', () => {
  const sample = (bytes: number, oneShot: number, stream: number) => ({
    bytes,
    oneShotSeconds: oneShot,
    streamSeconds: stream,
  });
  // A laptop: SHA instructions, cheap memory.
  assert.equal(
    oneShotLimit([sample(256 * KiB, 0.1, 1), sample(1 * MiB, 0.3, 1), sample(8 * MiB, 0.4, 1)]),
    ONE_SHOT_HASH_MAX_BYTES,
  );
  // A VM whose page faults are slow: one-shot wins only while its copies come from the allocator's free lists.
  assert.equal(oneShotLimit([sample(256 * KiB, 0.3, 1), sample(1 * MiB, 1.3, 1), sample(8 * MiB, 1.5, 1)]), 256 * KiB);
  // Samples may come in any order, and may stop early (calibration skips sizes past a loss).
  assert.equal(oneShotLimit([sample(1 * MiB, 1.3, 1), sample(256 * KiB, 0.3, 1)]), 256 * KiB);
  // Never a win: stream everything. A tie is not a win (one-shot costs memory).
  assert.equal(oneShotLimit([sample(256 * KiB, 1, 1), sample(1 * MiB, 0.1, 1)]), 0);
  assert.equal(oneShotLimit([]), 0);
  // Broken timings are not wins.
  assert.equal(oneShotLimit([sample(256 * KiB, 0, 1)]), 0);
  assert.equal(oneShotLimit([sample(256 * KiB, Number.NaN, 1)]), 0);
  // The maximum can be lowered.
  assert.equal(oneShotLimit([sample(8 * MiB, 0.1, 1)], 64 * MiB), 64 * MiB);
  assert.deepEqual(
    [...CALIBRATION_SIZES],
    [...CALIBRATION_SIZES].sort((a, b) => a - b),
  );
});

test('ByteBudget hands out bytes while it has them and never waits', () => {
  const budget = new ByteBudget(100);
  assert.ok(budget.tryTake(60));
  assert.equal(budget.tryTake(50), false);
  assert.ok(budget.tryTake(40));
  assert.equal(budget.available, 0);
  assert.ok(budget.tryTake(0), 'nothing always fits');
  budget.give(60);
  assert.equal(budget.available, 60);
  assert.throws(() => budget.give(100), RangeError);
  assert.equal(budget.tryTake(-1), false);
  assert.equal(budget.tryTake(Number.NaN), false);
  assert.throws(() => new ByteBudget(-1), RangeError);
});

test('takeOneShot: files up to the limit, the largest of them reserved; no room means all stream', () => {
  const budget = new ByteBudget(10 * MiB);
  const first = takeOneShot([1 * MiB, 6 * MiB, 20 * MiB, 0], 8 * MiB, budget);
  assert.deepEqual(first, { oneShot: [true, true, false, true], bytes: 6 * MiB });
  assert.equal(budget.available, 4 * MiB);
  const second = takeOneShot([5 * MiB], 8 * MiB, budget);
  assert.deepEqual(second, { oneShot: [false], bytes: 0 }, 'no room: streamed, not waiting');
  const third = takeOneShot([3 * MiB, 100], 8 * MiB, budget);
  assert.deepEqual(third, { oneShot: [true, true], bytes: 3 * MiB });
  budget.give(first.bytes);
  budget.give(third.bytes);
  assert.equal(budget.available, 10 * MiB);
  assert.deepEqual(takeOneShot([0, 0], 0, budget), { oneShot: [true, true], bytes: 0 }, 'empty files cost nothing');
  assert.deepEqual(takeOneShot([1], 0, budget), { oneShot: [false], bytes: 0 }, 'limit 0: always stream');
});

test('toHex', () => {
  assert.equal(toHex(new Uint8Array([0, 1, 0xab, 0xff])), '0001abff');
  assert.equal(toHex(new Uint8Array([0x10]).buffer), '10');
  assert.equal(toHex(new Uint8Array(0)), '');
});

test('digestOneShot equals node:crypto at the sizes that matter, with the git blob SHA-1 when asked', async () => {
  const git = reusableGitBlobSha1();
  const sizes = [0, 1, 55, 56, 63, 64, 65, 64 * KiB - 1, 64 * KiB, 64 * KiB + 1, 4 * MiB - 1, 4 * MiB, 4 * MiB + 1];
  for (const size of sizes) {
    const bytes = new Uint8Array(randomBytes(size));
    const plain = await digestOneShot(bytes);
    assert.deepEqual(plain, { sha256: createHash('sha256').update(bytes).digest('hex'), bytes: size }, `${size} bytes`);
    const both = await digestOneShot(bytes, { gitSha1: git(size) });
    assert.equal(both.sha256, plain.sha256);
    assert.equal(both.gitSha1, gitBlobNode(bytes), `git blob of ${size} bytes`);
  }
});

test('digestOneShot over a view hashes only the view', async () => {
  const buffer = new Uint8Array(randomBytes(1000));
  const view = new Uint8Array(buffer.buffer, 100, 500);
  const { sha256 } = await digestOneShot(view);
  assert.equal(sha256, createHash('sha256').update(buffer.subarray(100, 600)).digest('hex'));
});

test('a git blob SHA-1 failure is reported, and the WebCrypto promise does not go unhandled', async () => {
  const bytes = new Uint8Array(10);
  const git = reusableGitBlobSha1();
  // Declared 11 bytes, given 10: the git hasher refuses, digestOneShot rejects with that.
  await assert.rejects(digestOneShot(bytes, { gitSha1: git(11) }), RangeError);
});
