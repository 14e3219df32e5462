import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { GgufHeader, GgufKv } from '../formats/gguf.ts';
import { compareGgufMetadata } from './gguf-metadata.ts';
import { expectedRopeFactors, ropeFactorDifferences } from './gguf-rope-factors.ts';
import { memorySource } from '../io/byte-source.ts';

/** A header with these metadata values (types as gguf-py writes them: u32 counts, f32 floats, strings). */
function header(values: Record<string, number | string>): GgufHeader {
  const kvs: GgufKv[] = Object.entries(values).map(([key, value], i) => ({
    key,
    type: typeof value === 'string' ? 8 : Number.isInteger(value) ? 4 : 6,
    offset: i,
    value,
  }));
  return {
    version: 3,
    littleEndian: true,
    kvs,
    tensors: [],
    alignment: 32,
    dataStart: 0,
    fileSize: 0,
    duplicateKeys: [],
    duplicateTensors: [],
  };
}

/** Headers without tensors: rope factors are read only when a rope_freqs tensor is listed. */
const NO_DATA = memorySource('model.gguf', new Uint8Array(0));

const CONFIG = {
  hidden_size: 256,
  num_hidden_layers: 2,
  intermediate_size: 512,
  max_position_embeddings: 64,
  num_attention_heads: 4,
  num_key_value_heads: 2,
  rms_norm_eps: 1e-5,
  rope_parameters: { rope_theta: 10000, rope_type: 'default' },
};
const config = (c: object = CONFIG) => ({ name: 'config.json', text: JSON.stringify(c) });

const LLAMA = {
  'general.architecture': 'llama',
  'llama.embedding_length': 256,
  'llama.block_count': 2,
  'llama.feed_forward_length': 512,
  'llama.context_length': 64,
  'llama.attention.head_count': 4,
  'llama.attention.head_count_kv': 2,
  'llama.attention.layer_norm_rms_epsilon': Math.fround(1e-5),
  'llama.rope.freq_base': 10000,
  'llama.rope.dimension_count': 64,
};

test('hyperparameters copied from the config are the same (f32 rounding of the epsilon included)', async () => {
  assert.deepEqual((await compareGgufMetadata(NO_DATA, header(LLAMA), { config: config() })).differences, []);
});

test('each hyperparameter llama.cpp computes with is compared', async () => {
  for (const [key, value] of Object.entries(LLAMA)) {
    if (key === 'general.architecture') continue;
    const changed = await compareGgufMetadata(NO_DATA, header({ ...LLAMA, [key]: (value as number) * 2 }), {
      config: config(),
    });
    assert.equal(changed.result, 'different', key);
    assert.match(changed.detail, new RegExp(key.replace(/\./g, '\\.')));
  }
});

test('a key left out is compared through llama.cpp’s default, or named missing when llama.cpp has none', async () => {
  const { ['llama.rope.freq_base']: _freq, ['llama.attention.head_count_kv']: _kv, ...rest } = LLAMA;
  // freq_base defaults to 10000 (= the base's); head_count_kv to head_count (4 ≠ the base's 2).
  const result = await compareGgufMetadata(NO_DATA, header(rest), { config: config() });
  assert.deepEqual(result.differences, ['llama.attention.head_count_kv is 4, the base has 2']);
  const { ['llama.attention.layer_norm_rms_epsilon']: _eps, ...noEps } = LLAMA;
  assert.match(
    (await compareGgufMetadata(NO_DATA, header(noEps), { config: config() })).detail,
    /layer_norm_rms_epsilon is missing/,
  );
});

test('a chat template in the GGUF file must be the base’s', async () => {
  const withTemplate = header({ ...LLAMA, 'tokenizer.chat_template': '{{ messages }}' });
  assert.equal(
    (await compareGgufMetadata(NO_DATA, withTemplate, { config: config(), chatTemplate: '{{ messages }}' })).result,
    'same',
  );
  assert.match(
    (await compareGgufMetadata(NO_DATA, withTemplate, { config: config(), chatTemplate: '{{ other }}' })).detail,
    /chat_template differs/,
  );
  assert.match(
    (await compareGgufMetadata(NO_DATA, withTemplate, { config: config() })).detail,
    /the base has no chat template/,
  );
});

test('without the base’s config.json nothing is compared, and it says so', async () => {
  assert.equal((await compareGgufMetadata(NO_DATA, header(LLAMA), {})).result, 'not-compared');
});

test('rope_freqs factors follow the base’s llama3 rope scaling as transformers computes it', async () => {
  // transformers 5.17: original / scaled inverse frequency from ROPE_INIT_FUNCTIONS['llama3'] for Llama 3.1 8B's
  // rope parameters. Indices 0–28 are 1 (short wavelengths), 35–63 are the factor 8, 29–34 interpolated.
  const interpolated = [
    1.2074838876724243, 1.5534145832061768, 2.026313066482544, 2.6945302486419678, 3.684253454208374, 5.257327079772949,
  ];
  const config = {
    hidden_size: 4096,
    num_attention_heads: 32,
    head_dim: 128,
    rope_parameters: {
      rope_type: 'llama3',
      rope_theta: 500000,
      factor: 8,
      low_freq_factor: 1,
      high_freq_factor: 4,
      original_max_position_embeddings: 8192,
    },
  };
  const factors = expectedRopeFactors(config)!;
  const want = [...Array(29).fill(1), ...interpolated, ...Array(29).fill(8)];
  assert.equal(factors.length, 64);
  for (const [i, w] of want.entries()) assert.ok(Math.abs(factors[i]! - w) <= 1e-5 * w, `${i}: ${factors[i]} vs ${w}`);
  assert.equal(
    expectedRopeFactors({ ...config, rope_parameters: { rope_type: 'default', rope_theta: 10000 } }),
    undefined,
  );
});

test('a rope_freqs tensor other than the config’s, or one the config does not call for, is a difference', async () => {
  const config = {
    hidden_size: 256,
    num_attention_heads: 4,
    rope_parameters: {
      rope_type: 'llama3',
      rope_theta: 500000,
      factor: 8,
      low_freq_factor: 1,
      high_freq_factor: 4,
      original_max_position_embeddings: 64,
    },
  };
  const expected = expectedRopeFactors(config)!;
  const withFactors = (values: number[]) => {
    const h = header({});
    h.tensors = [
      {
        name: 'rope_freqs.weight',
        type: 0,
        typeName: 'F32',
        dims: [BigInt(values.length)],
        offset: 0n,
        infoOffset: 0,
        byteSize: BigInt(values.length * 4),
      },
    ];
    return [memorySource('m.gguf', new Uint8Array(new Float32Array(values).buffer)), h] as const;
  };
  assert.deepEqual(await ropeFactorDifferences(...withFactors(expected), config), []);
  const tampered = [...expected];
  tampered[5] = 3;
  assert.match((await ropeFactorDifferences(...withFactors(tampered), config))[0]!, /rope_freqs\.weight\[5\] is 3/);
  assert.match(
    (await ropeFactorDifferences(...withFactors(expected), { hidden_size: 256, num_attention_heads: 4 }))[0]!,
    /no llama3 rope scaling/,
  );
  assert.match((await ropeFactorDifferences(NO_DATA, header({}), config))[0]!, /missing/);
});
