import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { memorySource } from '../io/byte-source.ts';
import { createGitBlobSha1, gitBlobSha1Factory, reusableGitBlobSha1 } from './git-blob-sha1.ts';
import { hashSourceMulti, SizeChangedError } from './hash-source.ts';
import { createSha256Wasm } from './sha256-wasm.ts';

const encoder = new TextEncoder();

function gitBlobNode(bytes: Uint8Array): string {
  return createHash('sha1').update(`blob ${bytes.byteLength}\0`).update(bytes).digest('hex');
}

test('git hash-object vectors: the empty file and "hello\\n"', async () => {
  const empty = await createGitBlobSha1(0);
  assert.equal(empty.digestHex(), 'e69de29bb2d1d6434b8b29ae775ad8c2e48c5391');
  const hello = await createGitBlobSha1(6);
  hello.update(encoder.encode('hello\n'));
  assert.equal(hello.digestHex(), 'ce013625030ba8dba906f756967f9e9ca394464a');
});

test('a git blob id over more or fewer bytes than declared is refused, not returned', async () => {
  const short = await createGitBlobSha1(10);
  short.update(new Uint8Array(9));
  assert.throws(() => short.digestHex(), RangeError);
  await assert.rejects(createGitBlobSha1(-1), RangeError);
  await assert.rejects(createGitBlobSha1(1.5), RangeError);
});

test('hashSourceMulti gives SHA-256 and git blob SHA-1 in one pass over odd chunks', async () => {
  const bytes = randomBytes(3 * 1024 * 1024 + 17);
  const source = memorySource('m.bin', bytes, 65_537);
  let chunks = 0;
  const counted = { ...source, stream: () => count(source.stream(), () => chunks++) };
  const digests = await hashSourceMulti(counted, {
    sha256: createSha256Wasm,
    gitSha1: gitBlobSha1Factory(source.size),
  });
  assert.equal(digests.sha256, createHash('sha256').update(bytes).digest('hex'));
  assert.equal(digests.gitSha1, gitBlobNode(bytes));
  assert.equal(digests.bytes, bytes.byteLength);
  assert.equal(chunks, Math.ceil(bytes.byteLength / 65_537), 'the source is read once');
});

test('hashSourceMulti without gitSha1 returns only SHA-256', async () => {
  const digests = await hashSourceMulti(memorySource('abc', encoder.encode('abc')), { sha256: createSha256Wasm });
  assert.deepEqual(digests, {
    sha256: 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    bytes: 3,
  });
});

test('hashSourceMulti reports a size change before any git id is computed', async () => {
  const truncated = { ...memorySource('t', new Uint8Array(100)), size: 200 };
  await assert.rejects(
    hashSourceMulti(truncated, { sha256: createSha256Wasm, gitSha1: gitBlobSha1Factory(200) }),
    SizeChangedError,
  );
});

async function* count(inner: AsyncIterable<Uint8Array>, onChunk: () => void): AsyncIterable<Uint8Array> {
  for await (const chunk of inner) {
    onChunk();
    yield chunk;
  }
}

test('the reused git blob SHA-1 hasher gives each file its own id', async () => {
  const git = reusableGitBlobSha1();
  const short = await git(10)();
  short.update(new Uint8Array(3)); // abandoned mid-file
  for (const bytes of [new Uint8Array(0), encoder.encode('hello\n'), randomBytes(100_003)]) {
    const digests = await hashSourceMulti(memorySource('g', bytes, 4096), {
      sha256: createSha256Wasm,
      gitSha1: git(bytes.byteLength),
    });
    assert.equal(digests.gitSha1, gitBlobNode(bytes));
  }
  await assert.rejects(git(-1)(), RangeError);
});
