import { test } from 'node:test';
import assert from 'node:assert/strict';
import { memorySource } from '../io/byte-source.ts';
import { FlatReader, hasFileIdentifier } from './flatbuffer-reader.ts';
import { FormatError } from './format-error.ts';
import { WindowReader } from './window-reader.ts';

// root offset 16 | "TEST" | vtable at 8: size 6, object size 8, field 0 at +4 | pad | table at 16: soffset 8,
// field 0 (u32) | then whatever the test appends.
function buffer(field0: number, tail: number[] = [], soffset = 8): Uint8Array {
  const b = new Uint8Array(24 + tail.length);
  const v = new DataView(b.buffer);
  v.setUint32(0, 16, true);
  b.set(new TextEncoder().encode('TEST'), 4);
  v.setUint16(8, 6, true);
  v.setUint16(10, 8, true);
  v.setUint16(12, 4, true);
  v.setInt32(16, soffset, true);
  v.setUint32(20, field0, true);
  b.set(tail, 24);
  return b;
}
const reader = (b: Uint8Array) => new FlatReader(new WindowReader(memorySource('fb', b)), b.byteLength);

test('reads a table field through its vtable; absent fields take their default', async () => {
  const f = reader(buffer(42));
  const t = await f.tableAt(0);
  assert.equal(await f.u32Field(t, 0), 42);
  assert.equal(await f.u32Field(t, 3, 7), 7);
  assert.ok(hasFileIdentifier(buffer(42), 'TEST', 24));
  assert.ok(!hasFileIdentifier(buffer(42), 'TFL3', 24));
});

test('a vtable outside the buffer is a FormatError', async () => {
  await assert.rejects(reader(buffer(42, [], -1000)).tableAt(0), FormatError);
});

test('vectors: a length past the buffer or past the cap is a FormatError', async () => {
  // field 0 is an offset (4 → the vector at 24), whose length is 1000 with 4 bytes after it.
  const f = reader(buffer(4, [0xe8, 0x03, 0, 0, 1, 2, 3, 4]));
  const t = await f.tableAt(0);
  await assert.rejects(f.vectorField(t, 0, 1, 1 << 20), /outside/);
  await assert.rejects(f.vectorField(t, 0, 1, 10), /limit 10/);
});

test('strings must be UTF-8 and inside the buffer', async () => {
  const ok = reader(buffer(4, [2, 0, 0, 0, 0x68, 0x69, 0]));
  assert.equal(await ok.stringField(await ok.tableAt(0), 0, 64), 'hi');
  const bad = reader(buffer(4, [2, 0, 0, 0, 0xc3, 0x28, 0]));
  await assert.rejects(bad.stringField(await bad.tableAt(0), 0, 64), /UTF-8/);
});
