import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { memorySource } from '../io/byte-source.ts';
import { scanFile } from './scan-file.ts';

const fixtures = fileURLToPath(new URL('../../test/fixtures/formats/packages/llamafile/', import.meta.url));
const bytesOf = (name: string) => readFile(fixtures + name);

test('a llamafile is one outcome: an executable (suspicious), not a zip polyglot', async () => {
  const outcome = await scanFile(memorySource('tiny.llamafile', await bytesOf('tiny.llamafile')));
  assert.equal(outcome.format, 'llamafile');
  assert.equal(outcome.verdict, 'suspicious');
  assert.ok(!outcome.findings.some((f) => f.code === 'MG-SCAN-901'), 'no polyglot finding');
  assert.deepEqual(outcome.findings[0]?.evidence?.gguf, ['tiny.gguf']);
});

test('the GGUF inside is scanned: a malicious chat template makes the llamafile malicious', async () => {
  const outcome = await scanFile(memorySource('t.llamafile', await bytesOf('template-injection.llamafile')));
  assert.equal(outcome.verdict, 'malicious');
  assert.ok(outcome.findings.some((f) => f.code === 'MG-SCAN-229' && f.member === 'tiny.gguf'));
});

test('the same ZIP without the APE header is an ordinary ZIP; the header without a ZIP is not a llamafile', async () => {
  const bytes = await bytesOf('tiny.llamafile');
  const zipStart = bytes.indexOf(Buffer.from('PK\x03\x04'));
  const zipOnly = bytes.subarray(zipStart);
  // Offsets stay absolute: the ZIP reader finds the members through the prefix it computes.
  assert.notEqual((await scanFile(memorySource('z.zip', zipOnly))).format, 'llamafile');
  const headerOnly = await scanFile(memorySource('h', bytes.subarray(0, zipStart)));
  assert.notEqual(headerOnly.format, 'llamafile');
  assert.notEqual(headerOnly.verdict, 'benign');
});
