import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { memorySource } from '../io/byte-source.ts';
import { hashSource } from './hash-source.ts';
import { createSha256Simd, reusableSha256Simd, sha256SimdKind, sha256WasmModule } from './sha256-simd.ts';

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
const encoder = new TextEncoder();

for (const scalar of [false, true]) {
  const label = scalar ? 'scalar schedule' : 'SIMD schedule';
  const create = () => createSha256Simd({ scalar });

  test(`${label}: the FIPS 180-4 vectors`, async () => {
    const vectors: [Uint8Array, string][] = [
      [new Uint8Array(0), 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'],
      [encoder.encode('abc'), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'],
      [
        encoder.encode('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq'),
        '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1',
      ],
      [
        encoder.encode(
          'abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu',
        ),
        'cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1',
      ],
      [new Uint8Array(1_000_000).fill(0x61), 'cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0'],
    ];
    for (const [bytes, digest] of vectors) {
      const hasher = await create();
      hasher.update(bytes);
      assert.equal(hasher.digestHex(), digest);
    }
  });

  test(`${label}: every length up to 300 bytes, in random pieces, equals node:crypto`, async () => {
    const hasher = await create();
    for (let length = 0; length <= 300; length++) {
      const bytes = randomBytes(length);
      hasher.reset();
      for (let offset = 0; offset < length;) {
        const n = Math.min(length - offset, 1 + Math.floor(Math.random() * 70));
        hasher.update(bytes.subarray(offset, offset + n));
        offset += n;
      }
      assert.equal(hasher.digestHex(), sha256(bytes), `${length} bytes`);
    }
  });

  test(`${label}: property: any chunking of any input`, async () => {
    const hasher = await create();
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ maxLength: 70_000 }),
        fc.array(fc.integer({ min: 0, max: 70_000 }), { maxLength: 6 }),
        async (bytes, cuts) => {
          hasher.reset();
          const points = [...new Set([0, ...cuts.map((c) => Math.min(c, bytes.length)), bytes.length])].sort(
            (a, b) => a - b,
          );
          for (let i = 1; i < points.length; i++) hasher.update(bytes.subarray(points[i - 1], points[i]));
          assert.equal(hasher.digestHex(), sha256(bytes));
        },
      ),
      { numRuns: 150 },
    );
  });

  test(`${label}: big inputs across the 64 KiB input window, in 4 MiB and odd chunks`, async () => {
    const bytes = randomBytes(9 * 1024 * 1024 + 77);
    for (const chunk of [4 << 20, 65_536, 65_537, 1 << 20]) {
      const { sha256: digest } = await hashSource(memorySource('big', bytes, chunk), async () => create());
      assert.equal(digest, sha256(bytes), `chunks of ${chunk}`);
    }
  });
}

test('the SIMD module validates in Node 20, the engine the CLI and tests run on', async () => {
  assert.ok(WebAssembly.validate(sha256WasmModule(true)));
  assert.ok(WebAssembly.validate(sha256WasmModule(false)));
  assert.equal(await sha256SimdKind(), 'simd');
});

test('the reusable factory starts every file afresh, even after one abandoned midway', async () => {
  const factory = reusableSha256Simd();
  const abandoned = await factory();
  abandoned.update(randomBytes(1000));
  for (const bytes of [new Uint8Array(0), randomBytes(63), randomBytes(64), randomBytes(100_001)]) {
    const { sha256: digest } = await hashSource(memorySource('r', bytes, 4097), factory);
    assert.equal(digest, sha256(bytes));
  }
});

test('a view into a larger buffer hashes only the view', async () => {
  const buffer = randomBytes(10_000);
  const hasher = await createSha256Simd();
  hasher.update(new Uint8Array(buffer.buffer, buffer.byteOffset + 100, 5000));
  assert.equal(hasher.digestHex(), sha256(buffer.subarray(100, 5100)));
});
