import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { memorySource } from '../io/byte-source.ts';
import { looksLikeNemo } from './nemo-archive.ts';
import { scanFile } from './scan-file.ts';

const fixtures = fileURLToPath(new URL('../../test/fixtures/formats/packages/nemo/', import.meta.url));
const sniff = (bytes: Uint8Array) => looksLikeNemo(bytes.subarray(0, 4096), memorySource('m.nemo', bytes));

test('a .nemo whose checkpoint end record lies inside the checkpoint member is one nemo outcome', async () => {
  const bytes = await readFile(`${fixtures}asr-conformer.nemo`);
  assert.equal(await sniff(bytes), true);
  const outcome = await scanFile(memorySource('m.nemo', bytes));
  assert.equal(outcome.format, 'nemo');
  assert.equal(outcome.verdict, 'benign');
});

test('a ZIP end record outside every member leaves the ZIP view to the ZIP scanner (a real polyglot)', async () => {
  const bytes = await readFile(`${fixtures}asr-conformer.nemo`);
  const eocd = new Uint8Array(22);
  eocd.set([0x50, 0x4b, 0x05, 0x06]);
  const appended = new Uint8Array([...bytes, ...eocd]);
  assert.equal(await sniff(appended), false);
  const outcome = await scanFile(memorySource('m.nemo', appended));
  assert.ok(outcome.findings.some((f) => f.code === 'MG-SCAN-901'));
});

test('the Hydra config inside a .nemo is checked by content', async () => {
  const outcome = await scanFile(memorySource('m.nemo', await readFile(`${fixtures}target-os-system.nemo`)));
  assert.equal(outcome.format, 'nemo');
  assert.equal(outcome.verdict, 'malicious');
  assert.ok(outcome.findings.some((f) => f.code === 'MG-SCAN-482' && f.member === './model_config.yaml'));
});

test('a tar without model_config.yaml is not a .nemo', async () => {
  const bytes = new Uint8Array(await readFile(`${fixtures}asr-conformer.nemo`));
  const at = Buffer.from(bytes).indexOf('./model_config.yaml');
  bytes.set(new TextEncoder().encode('./other_config.yaml'), at);
  assert.equal(await sniff(bytes), false);
});
