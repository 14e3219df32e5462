import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { memorySource } from '../io/byte-source.ts';
import { crc32c, maskCrc } from './crc32c.ts';
import { FormatError, UnsupportedLayoutError } from './format-error.ts';
import { readBundle } from './tf-bundle.ts';
import { blockEntries, readTable } from './tf-table.ts';
import { WindowReader } from './window-reader.ts';

const T = 'test/fixtures/formats/tensorflow/';

test('CRC-32C check value (RFC 3720 B.4)', () => {
  assert.equal(crc32c(new TextEncoder().encode('123456789')), 0xe3069283);
  assert.equal(maskCrc(0), 0xa282ead8);
});

test('the checkpoint index tf.saved_model.save wrote reads as TensorFlow wrote it', async () => {
  const b = await readBundle(
    memorySource('v.index', new Uint8Array(await readFile(T + 'module/variables/variables.index'))),
  );
  assert.equal(b.header.numShards, 1);
  const w = b.entries.find((e) => e.key.includes('w/'));
  assert.deepEqual(w?.shape, [3, 2]);
  assert.equal(w?.size, 24);
  assert.equal(b.entries[0]?.key, '_CHECKPOINTABLE_OBJECT_GRAPH');
});

test('prefix-compressed keys expand from the previous key', () => {
  // two entries: "abc" -> "1", then shared 2 + "d" -> "2"; one restart at 0
  const block = new Uint8Array([0, 3, 1, 97, 98, 99, 49, 2, 1, 1, 100, 50, 0, 0, 0, 0, 1, 0, 0, 0]);
  const keys = blockEntries(block, 0).map((e) => new TextDecoder().decode(e.key));
  assert.deepEqual(keys, ['abc', 'abd']);
  const bad = block.slice();
  bad[7] = 9; // shares more bytes than the previous key has
  assert.throws(() => blockEntries(bad, 0), FormatError);
});

/** A table as table_builder.cc writes it, one restart per entry; `type` is the data block's compression byte. */
function table(entries: [string, number[]][], type = 0): Uint8Array {
  const out: number[] = [];
  const varint = (n: number) => {
    const v: number[] = [];
    do {
      v.push((n & 0x7f) | (n >= 0x80 ? 0x80 : 0));
      n = Math.floor(n / 128);
    } while (n > 0);
    return v;
  };
  const u32 = (n: number) => [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, n >>> 24];
  const block = (es: [string, number[]][]) => {
    const body: number[] = [];
    const restarts: number[] = [];
    for (const [k, v] of es) {
      restarts.push(body.length);
      body.push(0, ...varint(k.length), ...varint(v.length), ...new TextEncoder().encode(k), ...v);
    }
    return [...body, ...restarts.flatMap(u32), ...u32(restarts.length)];
  };
  const add = (raw: number[], t = 0) => {
    const at = out.length;
    const withType = new Uint8Array([...raw, t]);
    out.push(...withType, ...u32(maskCrc(crc32c(withType))));
    return [...varint(at), ...varint(raw.length)];
  };
  const data = add(block(entries), type);
  const meta = add(block([]));
  const index = add(block([[`${entries[entries.length - 1]![0]}~`, data]]));
  const footer = [...meta, ...index];
  const magic = [0x57, 0xfb, 0x80, 0x8b, 0x24, 0x75, 0x47, 0xdb];
  return new Uint8Array([...out, ...footer, ...new Array<number>(40 - footer.length).fill(0), ...magic]);
}

const read = (b: Uint8Array) => readTable(new WindowReader(memorySource('t.index', b)));

test('a hand-built table reads back; out-of-order keys, a compressed block and a bad magic do not', async () => {
  assert.equal(
    (
      await read(
        table([
          ['a', [1]],
          ['b', [2]],
        ]),
      )
    ).length,
    2,
  );
  await assert.rejects(
    read(
      table([
        ['b', [1]],
        ['a', [2]],
      ]),
    ),
    FormatError,
  );
  await assert.rejects(read(table([['a', [1]]], 1)), UnsupportedLayoutError);
  const bad = table([['a', [1]]]);
  bad[bad.byteLength - 1] = 0;
  await assert.rejects(read(bad), FormatError);
});

test('a changed value byte fails the block checksum', async () => {
  const b = table([['a', [1]]]);
  b[4] = 2; // the value of entry "a": structure intact, only the CRC-32C notices
  await assert.rejects(read(b), /checksum/);
});

test('a footer handle past the file is malformed', async () => {
  const b = table([['a', [1]]]);
  b[b.byteLength - 48] = 0x7f; // metaindex offset 127, past the blocks
  await assert.rejects(read(b), FormatError);
});
