import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeBf16, decodeF16, decodeF32 } from './half.ts';
import { f16BitsToF32 } from '../formats/f16.ts';

const u16 = (...bits: number[]): Uint8Array => new Uint8Array(new Uint16Array(bits).buffer);

test('F16 vectors: normals, subnormals, zero signs, infinities, NaN', () => {
  const vectors: [number, number][] = [
    [0x3c00, 1],
    [0xc000, -2],
    [0x3555, 0.333251953125],
    [0x7bff, 65504],
    [0x0400, 2 ** -14],
    [0x0001, 2 ** -24],
    [0x03ff, 1023 * 2 ** -24],
    [0x7c00, Infinity],
    [0xfc00, -Infinity],
  ];
  for (const [bits, value] of vectors) assert.equal(f16BitsToF32(bits), value, `0x${bits.toString(16)}`);
  assert.ok(Number.isNaN(f16BitsToF32(0x7e00)));
  assert.ok(Object.is(f16BitsToF32(0x8000), -0));
  assert.deepEqual([...decodeF16(u16(0x3c00, 0xc000, 0x0001))], [1, -2, 2 ** -24]);
});

test('BF16 vectors: the top half of a binary32', () => {
  assert.deepEqual([...decodeBf16(u16(0x3f80, 0xc040, 0x3eab, 0x0000, 0x7f80))], [1, -3, 0.333984375, 0, Infinity]);
  assert.ok(Object.is(decodeBf16(u16(0x8000))[0], -0));
});

test('decoders accept unaligned subarrays', () => {
  const bytes = new Uint8Array(9);
  new DataView(bytes.buffer).setFloat32(1, 1.5, true);
  new DataView(bytes.buffer).setFloat32(5, -0.25, true);
  assert.deepEqual([...decodeF32(bytes.subarray(1))], [1.5, -0.25]);
  const half = new Uint8Array([0, 0x00, 0x3c]);
  assert.deepEqual([...decodeF16(half.subarray(1))], [1]);
});
