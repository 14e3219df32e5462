import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { memorySource } from '../io/byte-source.ts';
import { adapterTokenizerDifference } from './adapter-tokenizer.ts';
import { adapterFindings } from './adapter-findings.ts';

const BASE = new URL('../../public/demo/llama-code-base/', import.meta.url);
const baseFile = (name: string) => memorySource(name, new Uint8Array(readFileSync(new URL(name, BASE))));
const adapter = (files: Record<string, Uint8Array>) => ({
  paths: Object.keys(files),
  source: async (p: string) => memorySource(p, files[p]!),
});

test('an adapter with the base’s own tokenizer files, or none, is not a difference', async () => {
  const base = [baseFile('tokenizer.json'), baseFile('tokenizer_config.json')];
  const same = adapter({ 'tokenizer.json': new Uint8Array(readFileSync(new URL('tokenizer.json', BASE))) });
  assert.equal(await adapterTokenizerDifference(same, base), undefined);
  assert.equal(await adapterTokenizerDifference(adapter({}), base), undefined);
});

test('a tokenizer with one vocabulary entry renamed is a difference, and reviews the adapter (MG-ADP-005)', async () => {
  const text = readFileSync(new URL('tokenizer.json', BASE), 'utf8').replace('"bake"', '"bake\\u200b"');
  const renamed = adapter({ 'tokenizer.json': new TextEncoder().encode(text) });
  const why = await adapterTokenizerDifference(renamed, [baseFile('tokenizer.json')]);
  assert.match(why!, /tokenizer\.json/);
  const record = {
    peftType: 'LORA',
    rslora: false,
    fits: true,
    targets: [],
    layers: [],
    replaced: [],
    misfits: [],
    unsupported: [],
    ignored: [],
    tokenizerDiffers: why,
  };
  const { findings, reviewed } = adapterFindings(record);
  assert.deepEqual(
    findings.map((f) => f.code),
    ['MG-ADP-005'],
  );
  assert.equal(reviewed, true);
});

test('a tokenizer file the base does not have is a difference', async () => {
  const why = await adapterTokenizerDifference(
    adapter({ 'chat_template.jinja': new TextEncoder().encode('{{ x }}') }),
    [baseFile('tokenizer.json')],
  );
  assert.match(why!, /chat_template\.jinja \(the base has none\)/);
});
