import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildHfGraph } from './build-hf-graph.ts';
import { readArchitecture, UnsupportedModelError } from './hf-config.ts';
import { ropeInverseFrequencies } from './rope.ts';
import type { WeightTensor } from '../weights/tensors.ts';
import { memorySource } from '../io/byte-source.ts';

/** What config.json may ask for that the graphs cannot do is refused by name; nothing is silently ignored. */

const llama = {
  model_type: 'llama',
  architectures: ['LlamaForCausalLM'],
  vocab_size: 16,
  hidden_size: 8,
  num_hidden_layers: 1,
  num_attention_heads: 2,
  num_key_value_heads: 1,
  intermediate_size: 12,
  max_position_embeddings: 32,
};

const gpt2 = {
  model_type: 'gpt2',
  architectures: ['GPT2LMHeadModel'],
  vocab_size: 16,
  n_embd: 8,
  n_layer: 2,
  n_head: 2,
  n_positions: 8,
};

describe('reading config.json', () => {
  it('names the supported model types when one is not', () => {
    assert.throws(
      () => readArchitecture({ ...llama, model_type: 'mamba' }),
      (e: Error) =>
        e instanceof UnsupportedModelError &&
        /"mamba" is not supported yet; supported are bert, .*qwen3/.test(e.message),
    );
    assert.throws(() => readArchitecture({ ...llama, model_type: undefined }), /without model_type/);
  });

  it('needs a head it can run', () => {
    assert.throws(() => readArchitecture({ ...llama, architectures: ['LlamaModel'] }), /ForCausalLM head is needed/);
    assert.throws(
      () => readArchitecture({ ...llama, architectures: ['LlamaForSequenceClassification'] }),
      /llama as a classifier/,
    );
  });

  it('refuses RoPE types, windows and activations it does not implement', () => {
    assert.throws(() => readArchitecture({ ...llama, rope_scaling: { rope_type: 'yarn', factor: 4 } }), /"yarn"/);
    assert.throws(() => readArchitecture({ ...llama, hidden_act: 'gelu' }), /hidden_act/);
    assert.throws(
      () =>
        readArchitecture({
          ...llama,
          model_type: 'qwen2',
          architectures: ['Qwen2ForCausalLM'],
          use_sliding_window: true,
        }),
      /use_sliding_window/,
    );
    assert.throws(() => readArchitecture({ ...llama, num_key_value_heads: 3 }), /not divisible/);
    assert.throws(
      () => readArchitecture({ ...gpt2, scale_attn_by_inverse_layer_idx: true }),
      /scale_attn_by_inverse_layer_idx/,
    );
  });

  it('refuses what transformers would build differently from the keys the graph reads', () => {
    // transformers' attribute_map: a generic key wins over the native one.
    assert.throws(
      () => readArchitecture({ ...gpt2, num_hidden_layers: 1 }),
      /num_hidden_layers \(1\) and n_layer \(2\) disagree/,
    );
    const aliased = readArchitecture({ ...gpt2, num_hidden_layers: 2, hidden_size: 8 });
    assert.equal(aliased.layers, 2);
    const alone = readArchitecture({ ...gpt2, n_layer: undefined, num_hidden_layers: 3 });
    assert.equal(alone.layers, 3, 'the generic key alone is read');
    const distil = {
      model_type: 'distilbert',
      architectures: ['DistilBertForSequenceClassification'],
      vocab_size: 16,
      dim: 8,
      n_layers: 2,
      n_heads: 2,
      hidden_dim: 12,
      max_position_embeddings: 8,
    };
    assert.throws(
      () => readArchitecture({ ...distil, num_attention_heads: 4 }),
      /num_attention_heads \(4\) and n_heads \(2\)/,
    );
    // Sliding layers the graph would not build.
    assert.throws(
      () => readArchitecture({ ...llama, layer_types: ['sliding_attention'], sliding_window: 2 }),
      /layer_types \[sliding_attention\]/,
    );
    assert.doesNotThrow(() => readArchitecture({ ...llama, layer_types: ['full_attention'] }));
    // A legacy rope_scaling that disagrees with rope_parameters.
    assert.throws(
      () =>
        readArchitecture({
          ...llama,
          rope_parameters: { rope_type: 'default', rope_theta: 10000 },
          rope_scaling: { rope_type: 'linear', factor: 4 },
        }),
      /rope_scaling and rope_parameters disagree/,
    );
    // mlp_bias is LlamaMLP's alone.
    const qwen = readArchitecture({
      ...llama,
      model_type: 'qwen2',
      architectures: ['Qwen2ForCausalLM'],
      mlp_bias: true,
    });
    assert.equal(qwen.family === 'llama' && qwen.mlpBias, false);
    const withBias = readArchitecture({ ...llama, mlp_bias: true });
    assert.equal(withBias.family === 'llama' && withBias.mlpBias, true);
  });

  it('reads RoPE settings as transformers 4 and 5 write them', () => {
    const v4 = readArchitecture({ ...llama, rope_theta: 500000, rope_scaling: { type: 'linear', factor: 2 } });
    const v5 = readArchitecture({ ...llama, rope_parameters: { rope_type: 'linear', factor: 2, rope_theta: 500000 } });
    assert.deepEqual(v4, v5);
    assert.equal(v4.family === 'llama' && v4.ropeTheta, 500000);
  });

  it('gives each family the biases its modelling class has', () => {
    const of = (extra: object) => {
      const a = readArchitecture({ ...llama, ...extra });
      return a.family === 'llama' ? [a.qkvBias, a.outputBias] : [];
    };
    assert.deepEqual(of({ attention_bias: true }), [true, true]);
    assert.deepEqual(of({ model_type: 'qwen2', architectures: ['Qwen2ForCausalLM'] }), [true, false]);
    assert.deepEqual(of({ model_type: 'mistral', architectures: ['MistralForCausalLM'], attention_bias: true }), [
      false,
      false,
    ]);
  });

  it('computes llama3 RoPE frequencies: long wavelengths slowed, short kept', () => {
    const base = ropeInverseFrequencies(20, 500000, { type: 'default' });
    const scaled = ropeInverseFrequencies(20, 500000, {
      type: 'llama3',
      factor: 8,
      lowFreqFactor: 1,
      highFreqFactor: 4,
      originalMaxPositions: 32,
    });
    assert.equal(scaled[0], base[0], 'the highest frequency is kept');
    assert.ok(Math.abs(scaled[9]! - base[9]! / 8) < 1e-12, 'the lowest is divided by the factor');
  });
});

describe('building a graph over a checkpoint', () => {
  const tensor = (name: string, shape: number[], dtype = 'F32'): WeightTensor => ({
    name,
    dtype,
    shape,
    file: memorySource('model.safetensors', new Uint8Array(0)),
    start: 0,
    elementBytes: dtype === 'F32' ? 4 : 2,
  });
  const config = { ...gpt2, n_layer: 1 };

  it('names a missing tensor, a wrong shape and a dtype it cannot run', () => {
    const listing = (
      tensors: WeightTensor[],
      notCompared = [] as { name: string; file: string; reason: string }[],
    ) => ({
      format: 'safetensors',
      tensors,
      notCompared,
    });
    assert.throws(
      () => buildHfGraph(config, listing([]), ''),
      /no tensor transformer\.wte\.weight|no tensor wte\.weight/,
    );
    assert.throws(
      () => buildHfGraph(config, listing([tensor('transformer.wte.weight', [16, 9])]), ''),
      /shape \[16, 9\], the config implies \[16, 8\]/,
    );
    assert.throws(
      () =>
        buildHfGraph(
          config,
          listing([], [{ name: 'wte.weight', file: 'model.safetensors', reason: 'dtype I8 is not compared' }]),
          '',
        ),
      /model\.safetensors: tensor wte\.weight cannot be run: dtype I8/,
    );
  });
});
