import { test } from 'node:test';
import assert from 'node:assert/strict';
import { memorySource } from '../io/byte-source.ts';
import { scanFile } from './scan-file.ts';

const scanJson = (name: string, value: unknown) =>
  scanFile(memorySource(name, new TextEncoder().encode(JSON.stringify(value, null, 2))));

test('a config whose auto_map names files of the model is suspicious and names the files that would run', async () => {
  const outcome = await scanJson('config.json', {
    model_type: 'phi-custom',
    auto_map: { AutoConfig: 'configuration_phi.PhiConfig', AutoModelForCausalLM: 'modeling_phi.PhiForCausalLM' },
  });
  assert.equal(outcome.verdict, 'suspicious');
  const finding = outcome.findings.find((f) => f.code === 'MG-SCAN-550');
  assert.deepEqual(finding?.evidence?.files, ['configuration_phi.py', 'modeling_phi.py']);
});

test('tokenizer pairs and custom pipelines count too', async () => {
  const tokenizer = await scanJson('tokenizer_config.json', {
    auto_map: { AutoTokenizer: ['tokenization_x.XTokenizer', null] },
  });
  assert.equal(tokenizer.verdict, 'suspicious');
  const pipeline = await scanJson('config.json', {
    custom_pipelines: { 'text-classification': { impl: 'pair_classification.PairClassificationPipeline' } },
  });
  assert.deepEqual(pipeline.findings.find((f) => f.code === 'MG-SCAN-550')?.evidence?.files, [
    'pair_classification.py',
  ]);
});

test('code from another repository is its own finding, naming the repository', async () => {
  const outcome = await scanJson('config.json', {
    auto_map: { AutoModel: 'someone/other-repo--modeling_evil.Model' },
  });
  assert.equal(outcome.verdict, 'suspicious');
  const finding = outcome.findings.find((f) => f.code === 'MG-SCAN-551');
  assert.deepEqual(finding?.evidence?.repositories, ['someone/other-repo']);
  assert.equal(
    outcome.findings.some((f) => f.code === 'MG-SCAN-550'),
    false,
  );
});

test('an ordinary config, and PEFT’s auto_mapping key, stay benign text', async () => {
  assert.equal((await scanJson('config.json', { model_type: 'llama', hidden_size: 64 })).verdict, 'benign');
  assert.equal((await scanJson('adapter_config.json', { auto_mapping: null, r: 8 })).verdict, 'benign');
});

test('a config that mentions auto_map but is not readable JSON could not be verified', async () => {
  const outcome = await scanFile(
    memorySource('config.json', new TextEncoder().encode('{"auto_map": {"AutoModel": "modeling_x.X"}, }')),
  );
  assert.equal(outcome.verdict, 'unverified');
  assert.ok(outcome.findings.some((f) => f.code === 'MG-SCAN-552'));
});

test('the key is found even when it straddles two streamed chunks', async () => {
  const pad = ' '.repeat((1 << 20) - 5);
  const text = `{${pad}"auto_map": {"AutoModel": "modeling_x.X"}}`;
  const outcome = await scanFile(memorySource('config.json', new TextEncoder().encode(text)));
  assert.equal(outcome.verdict, 'suspicious');
});

test('a key spelled with JSON escapes ("auto\\u005fmap") is read as the key Python reads', async () => {
  const text = '{"model_type": "llama", "auto\\u005fmap": {"AutoModelForCausalLM": "modeling_evil.Evil"}}';
  const outcome = await scanFile(memorySource('config.json', new TextEncoder().encode(text)));
  assert.equal(outcome.verdict, 'suspicious');
  assert.ok(outcome.findings.some((f) => f.code === 'MG-SCAN-550'));
});
