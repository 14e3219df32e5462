import { test } from 'node:test';
import assert from 'node:assert/strict';
import { memorySource } from '../io/byte-source.ts';
import { crc32cUpdate } from '../formats/ocdbt.ts';
import { leafScanContext } from './fake-scan-context.ts';
import { isOcdbt, scanOcdbt } from './scan-ocdbt.ts';

test('crc32c: the RFC 3720 check value, and chunking does not change it', () => {
  const text = new TextEncoder().encode('123456789');
  assert.equal(crc32cUpdate(0, text), 0xe3069283);
  assert.equal(crc32cUpdate(crc32cUpdate(0, text.subarray(0, 4)), text.subarray(4)), 0xe3069283);
});

/** An envelope as tensorstore writes it: magic, u64le length, version 0, compression, body, u32le CRC-32C. */
function envelope(
  magic = 0x0cdb3a2a,
  compression = 1,
  body = [0x28, 0xb5, 0x2f, 0xfd, 1, 2, 3],
  { version = 0, lengthDelta = 0 } = {},
): Uint8Array {
  const out = new Uint8Array(14 + body.length + 4);
  const view = new DataView(out.buffer);
  view.setUint32(0, magic, false);
  view.setBigUint64(4, BigInt(out.length + lengthDelta), true);
  out[12] = version;
  out[13] = compression;
  out.set(body, 14);
  view.setUint32(out.length - 4, crc32cUpdate(0, out.subarray(0, out.length - 4)), true);
  return out;
}

const scan = (bytes: Uint8Array) => scanOcdbt(memorySource('manifest.ocdbt', bytes), leafScanContext());

test('an intact OCDBT file is recognised by its magic and could-not-verify (MG-SCAN-396), never benign', async () => {
  for (const magic of [0x0cdb3a2a, 0x0cdb20de]) {
    const bytes = envelope(magic);
    assert.equal(isOcdbt(bytes), true);
    const outcome = await scan(bytes);
    assert.equal(outcome.verdict, 'unverified');
    assert.deepEqual(
      outcome.findings.map((f) => f.code),
      ['MG-SCAN-396'],
    );
  }
  assert.equal(isOcdbt(envelope(0x0cdb1234)), false);
});

test('a damaged OCDBT file is invalid (MG-SCAN-398): checksum, length, version, compression', async () => {
  const flipped = envelope();
  flipped[19]! ^= 0xff; // a body byte after the zstd magic
  const wrongLength = envelope(0x0cdb3a2a, 1, undefined, { lengthDelta: 1 }); // checksum right, length wrong
  const version1 = envelope(0x0cdb3a2a, 1, undefined, { version: 1 });
  const unknownCompression = envelope(0x0cdb3a2a, 7);
  const notZstd = envelope(0x0cdb3a2a, 1, [1, 2, 3, 4, 5]);
  const cases = { flipped, wrongLength, version1, unknownCompression, notZstd };
  for (const [name, bytes] of Object.entries(cases)) {
    const outcome = await scan(bytes);
    assert.equal(outcome.verdict, 'invalid', name);
    assert.deepEqual(
      outcome.findings.map((f) => f.code),
      ['MG-SCAN-398'],
      name,
    );
  }
  assert.equal((await scan(envelope(0x0cdb3a2a, 0, [9, 9]))).verdict, 'unverified', 'uncompressed is allowed');
});
