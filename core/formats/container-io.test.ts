import { test } from 'node:test';
import assert from 'node:assert/strict';
import { crc32Update, InflateSink, MAX_RATIO, pyInt, RATIO_FLOOR } from './container-io.ts';

test("pyInt matches Python's int(text, base) (values checked against CPython 3.11)", () => {
  const cases: [string, 8 | 10 | 16, number | null][] = [
    [' 12 ', 8, 10],
    ['0o17', 8, 15],
    ['_7', 8, null],
    ['0_7', 8, 7],
    ['0o_7', 8, 7],
    ['12\0', 8, null],
    ['0x', 16, null],
    ['0x1f', 16, 31],
    ['0b1', 16, 177],
    ['-5', 10, -5],
    ['1_000', 10, 1000],
    ['', 8, null],
    ['8', 8, null],
    ['1__2', 10, null],
    ['+0x_ff', 16, 255],
    ['\v12\f', 10, 12],
  ];
  for (const [text, base, want] of cases) assert.equal(pyInt(text, base), want, JSON.stringify([text, base]));
  assert.throws(() => pyInt('١٢', 10), /non-ASCII/);
});

test('InflateSink: member cap, whole-file budget and ratio each stop the output, with their reason', () => {
  const used = { n: 0 };
  const limits = (maxBytes: number, budget: number) => ({
    maxBytes,
    allowance: () => budget - used.n,
    spend: (n: number) => (used.n += n),
  });
  const chunk = new Uint8Array(1 << 20);
  const cap = new InflateSink(limits(2 << 20, Infinity));
  cap.consumed = Infinity;
  assert.ok(cap.push(chunk) && cap.push(chunk));
  assert.equal(cap.push(chunk), false);
  assert.equal(cap.stop, 'too-large');
  used.n = 0;
  const budget = new InflateSink(limits(Infinity, 1 << 20));
  budget.consumed = Infinity;
  assert.ok(budget.push(chunk));
  assert.equal(budget.push(chunk), false);
  assert.equal(budget.stop, 'budget');
  const ratio = new InflateSink(limits(Infinity, Infinity));
  ratio.consumed = 1000;
  while (ratio.push(chunk));
  assert.equal(ratio.stop, 'ratio');
  assert.ok(ratio.length <= Math.max(RATIO_FLOOR, MAX_RATIO * 1000));
  assert.match(ratio.message('m') ?? '', /decompression bomb/);
});

test('crc32Update: known values, and chunking does not change the result', () => {
  const text = new TextEncoder().encode('123456789');
  assert.equal(crc32Update(0, text), 0xcbf43926);
  const bytes = Uint8Array.from({ length: 1000 }, (_, i) => (i * 37) & 0xff);
  const whole = crc32Update(0, bytes);
  assert.equal(crc32Update(crc32Update(0, bytes.subarray(0, 13)), bytes.subarray(13)), whole);
  assert.equal(crc32Update(0, new Uint8Array(0)), 0);
});
