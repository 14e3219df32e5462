import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { fileSource } from '../io/byte-source-node.ts';
import { memorySource } from '../io/byte-source.ts';
import { lineageCheckWithAdapter as lineageCheck } from './adapter-check.ts';
import { LineageSchema } from '../weights/lineage-schema.ts';
import { listTensors, type TensorListing } from '../weights/tensors.ts';
import { AdapterConfigSchema } from './adapter-config.ts';
import { isAdapterFolder } from './adapter-folder.ts';
import { pairMisfit } from './adapter-fit.ts';
import { adapterCandidates } from './adapter-candidates.ts';
import { buildAdapterLineage } from './adapter-lineage.ts';
import { mergedLora } from './merge-plan.ts';
import { classifyAdapterTensors } from './adapter-tensors.ts';
import { loraScale } from './lora-scale.ts';
import { readAdapter, type AdapterReading } from './read-adapter.ts';
import { isTargeted } from './target-match.ts';

/**
 * Adapters saved by peft itself (scripts/gen_lora_fixtures.py) and figures computed there by peft (scaling per
 * module) and numpy (‖scale·B·A‖_F / ‖W‖_F in float64): none of the expectations come from ModelGate's code.
 */

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../..');
const DEMO = join(ROOT, 'public/demo');
const FIXTURES = join(ROOT, 'test/fixtures/lora');

const Reference = z.object({
  adapters: z.record(
    z.string(),
    z.object({
      scaling: z.record(z.string(), z.number()).optional(),
      relative_update: z.record(z.string(), z.number()).optional(),
      saved_tensors: z.array(z.string()).optional(),
    }),
  ),
});

async function reference() {
  return Reference.parse(JSON.parse(await readFile(join(FIXTURES, 'reference.json'), 'utf8')));
}

async function sources(dir: string) {
  const names = (await readdir(dir)).filter((n) => !n.endsWith('.md'));
  return Promise.all(names.map((n) => fileSource(join(dir, n), n)));
}

const adapter = async (dir: string): Promise<AdapterReading> => readAdapter(await sources(dir));
const baseListing = async (): Promise<TensorListing> => listTensors(await sources(join(DEMO, 'llama-code-base')));

/** A 2×2 F32 tensor of that name (the data is never read: names alone are classified). */
const namedTensor = (name: string) => ({
  name,
  dtype: 'F32',
  shape: [2, 2],
  file: memorySource('x', new Uint8Array(16)),
  start: 0,
  elementBytes: 4,
});

describe('reading adapter_config.json and the tensors peft saves', () => {
  it('maps lora_A / lora_B to the base weight and rank / shapes as peft saves them', async () => {
    const reading = await adapter(join(DEMO, 'llama-code-lora-benign'));
    assert.deepEqual(reading.unsupported, []);
    assert.deepEqual(reading.ignored, []);
    assert.equal(reading.tensors.pairs.length, 14);
    const q = reading.tensors.pairs.find((p) => p.baseName === 'model.layers.0.self_attn.q_proj.weight');
    assert.ok(q);
    assert.equal(q.a.name, 'base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight');
    assert.deepEqual(q.a.shape, [8, 64]);
    assert.deepEqual(q.b.shape, [64, 8]);
  });

  it('scale per module equals peft’s: alpha / r, alpha / √r with rsLoRA, rank and alpha patterns', async () => {
    const ref = await reference();
    for (const [name, dir] of [
      ['llama-code-lora-benign', join(DEMO, 'llama-code-lora-benign')],
      ['llama-code-lora-poisoned', join(DEMO, 'llama-code-lora-poisoned')],
      ['patterns', join(FIXTURES, 'patterns')],
    ] as const) {
      const reading = await adapter(dir);
      const want = ref.adapters[name]!.scaling!;
      assert.equal(Object.keys(want).length, 14, name);
      for (const [weight, scale] of Object.entries(want)) {
        const got = loraScale(reading.config, weight.replace(/\.weight$/, '')).scale;
        assert.ok(Math.abs(got - scale) <= 1e-12 * scale, `${name} ${weight}: ${got} ≠ peft's ${scale}`);
      }
    }
  });

  it('a modules_to_save tensor replaces the base tensor of the same name', async () => {
    const reading = await adapter(join(FIXTURES, 'modules-to-save'));
    assert.deepEqual(
      reading.tensors.replacements.map((r) => r.baseName),
      ['lm_head.weight'],
    );
    const lineage = await buildAdapterLineage(reading, await baseListing());
    assert.deepEqual(lineage.adapter?.replaced, ['lm_head.weight']);
    assert.equal(lineage.verdict, 'derived');
  });

  it('target_modules: a list matches the name or its last segments, a string is a full-name regex', () => {
    const config = (target_modules: unknown, extra: object = {}) =>
      AdapterConfigSchema.parse({ peft_type: 'LORA', target_modules, ...extra });
    assert.equal(isTargeted(config(['q_proj']), 'model.layers.0.self_attn.q_proj'), true);
    assert.equal(isTargeted(config(['proj']), 'model.layers.0.self_attn.q_proj'), false);
    assert.equal(isTargeted(config('.*\\.q_proj'), 'model.layers.0.self_attn.q_proj'), true);
    assert.equal(isTargeted(config('q_proj'), 'model.layers.0.self_attn.q_proj'), false);
    assert.equal(
      isTargeted(config(['q_proj'], { layers_to_transform: [1] }), 'model.layers.0.self_attn.q_proj'),
      false,
    );
    assert.equal(isTargeted(config(['q_proj'], { layers_to_transform: [1] }), 'model.layers.1.self_attn.q_proj'), true);
  });

  it('a LoRA pair on a module the config does not target is reported as ignored, not merged', async () => {
    const base = await sources(join(DEMO, 'llama-code-lora-benign'));
    const config = JSON.parse(await readFile(join(DEMO, 'llama-code-lora-benign/adapter_config.json'), 'utf8'));
    config.target_modules = config.target_modules.filter((t: string) => t !== 'q_proj');
    const edited = [
      ...base.filter((s) => s.name !== 'adapter_config.json'),
      memorySource('adapter_config.json', new TextEncoder().encode(JSON.stringify(config))),
    ];
    const reading = await readAdapter(edited);
    assert.equal(reading.ignored.length, 2);
    const lineage = await buildAdapterLineage(reading, await baseListing());
    assert.equal(lineage.adapter?.targets.length, 12);
    const { check, findings } = lineageCheck(LineageSchema.parse(lineage));
    assert.equal(check.status, 'review');
    assert.ok(findings.some((f) => f.code === 'MG-ADP-004'));
  });

  it('lora_A.default.weight (peft’s in-memory name, which it loads) is a LoRA half; saved twice it is unrecognised', () => {
    const one = classifyAdapterTensors([
      namedTensor('base_model.model.model.layers.0.q_proj.lora_A.default.weight'),
      namedTensor('base_model.model.model.layers.0.q_proj.lora_B.default.weight'),
    ]);
    assert.deepEqual(
      one.pairs.map((p) => p.baseName),
      ['model.layers.0.q_proj.weight'],
    );
    const twice = classifyAdapterTensors([
      namedTensor('base_model.model.model.layers.0.q_proj.lora_A.default.weight'),
      namedTensor('base_model.model.model.layers.0.q_proj.lora_A.weight'),
      namedTensor('base_model.model.model.layers.0.q_proj.lora_B.weight'),
    ]);
    assert.ok(twice.unrecognised.some((u) => /saved twice/.test(u.reason)));
  });

  it('names without peft’s prefix or of other adapter kinds are unrecognised', () => {
    const out = classifyAdapterTensors([
      namedTensor('model.layers.0.q_proj.lora_A.weight'),
      namedTensor('base_model.model.model.embed_tokens.lora_embedding_A'),
      namedTensor('base_model.model.model.layers.0.q_proj.lora_A.weight'),
    ]);
    assert.equal(out.pairs.length, 0);
    assert.deepEqual(
      out.unrecognised.map((u) => u.name),
      [
        'model.layers.0.q_proj.lora_A.weight',
        'base_model.model.model.embed_tokens.lora_embedding_A',
        'base_model.model.model.layers.0.q_proj.lora_B.weight',
      ],
    );
  });
});

describe('lineage of an adapter against the base it names', () => {
  it('fits llama-code-base: "adapter for this base", footprint equal to numpy’s ‖scale·B·A‖ / ‖W‖', async () => {
    const ref = await reference();
    for (const name of ['llama-code-lora-benign', 'llama-code-lora-poisoned']) {
      const lineage = LineageSchema.parse(
        await buildAdapterLineage(await adapter(join(DEMO, name)), await baseListing()),
      );
      assert.equal(lineage.verdict, 'derived', name);
      assert.match(lineage.summary, /^Adapter for this base: LoRA r=\d+, 14 targets in 2 layers, largest update/);
      assert.deepEqual(lineage.adapter?.layers, ['model.layers.0', 'model.layers.1']);
      const want = ref.adapters[name]!.relative_update!;
      assert.equal(lineage.adapter?.targets.length, Object.keys(want).length);
      for (const t of lineage.adapter!.targets) {
        const w = want[t.name]!;
        assert.ok(Math.abs(t.relativeUpdate! - w) <= 1e-5 * w, `${name} ${t.name}: ${t.relativeUpdate} vs numpy ${w}`);
      }
      const { check, findings } = lineageCheck(lineage);
      assert.equal(check.status, 'pass', name);
      assert.deepEqual(findings, []);
    }
  });

  it('an adapter trained on another width does not fit: unrelated, the lineage check fails (MG-ADP-001)', async () => {
    const lineage = LineageSchema.parse(
      await buildAdapterLineage(await adapter(join(FIXTURES, 'misfit')), await baseListing()),
    );
    assert.equal(lineage.verdict, 'unrelated');
    assert.equal(lineage.adapter?.fits, false);
    assert.equal(lineage.adapter?.misfits.length, 14);
    assert.match(lineage.summary, /^Adapter does not fit this base/);
    const { check, findings } = lineageCheck(lineage);
    assert.equal(check.status, 'fail');
    assert.ok(findings.some((f) => f.code === 'MG-ADP-001'));
  });

  for (const [name, reason] of [
    ['dora', /use_dora/],
    ['ia3', /peft_type IA3/],
  ] as const) {
    it(`${name}: unsupported, never passed (MG-ADP-002)`, async () => {
      const reading = await adapter(join(FIXTURES, name));
      assert.ok(
        reading.unsupported.some((u) => reason.test(u)),
        reading.unsupported.join('; '),
      );
      const lineage = LineageSchema.parse(await buildAdapterLineage(reading, await baseListing()));
      assert.match(lineage.summary, /could not be verified/);
      const { check, findings } = lineageCheck(lineage);
      assert.notEqual(check.status, 'pass');
      assert.ok(findings.some((f) => f.code === 'MG-ADP-002'));
    });
  }

  it('a pickle adapter_model.bin is scanned, not loaded (MG-ADP-003)', async () => {
    const config = await readFile(join(DEMO, 'llama-code-lora-benign/adapter_config.json'));
    const reading = await readAdapter([
      memorySource('adapter_config.json', new Uint8Array(config)),
      memorySource('adapter_model.bin', new Uint8Array([0x80, 0x02])),
    ]);
    assert.equal(reading.pickleOnly, true);
    const { check, findings } = lineageCheck(
      LineageSchema.parse(await buildAdapterLineage(reading, await baseListing())),
    );
    assert.notEqual(check.status, 'pass');
    assert.ok(findings.some((f) => f.code === 'MG-ADP-003'));
  });

  it('an adapter folder is one with adapter_config.json and no model of its own', () => {
    assert.equal(isAdapterFolder(['adapter_config.json', 'adapter_model.safetensors', 'tokenizer.json']), true);
    assert.equal(isAdapterFolder(['adapter_config.json', 'model.safetensors', 'config.json']), false);
    assert.equal(isAdapterFolder(['config.json', 'model.safetensors']), false);
  });
});

describe('fan_in_fan_out (GPT-2 Conv1D stores W as [in, out])', () => {
  /** A float32 tensor in memory, row-major. */
  const tensor = (name: string, shape: number[], values: number[]) => ({
    name,
    dtype: 'F32',
    shape,
    file: memorySource(name, new Uint8Array(Float32Array.from(values).buffer)),
    start: 0,
    elementBytes: 4,
  });
  // A [1, 2] (r = 1, in = 2), B [3, 1] (out = 3): B·A is [3, 2] = [[1, 2], [2, 4], [3, 6]].
  const pair = {
    module: 'h.0.attn.c_attn',
    baseName: 'h.0.attn.c_attn.weight',
    a: tensor('a', [1, 2], [1, 2]),
    b: tensor('b', [3, 1], [1, 2, 3]),
  };

  it('the fit reads in-features from the first dimension', () => {
    assert.equal(pairMisfit(pair, tensor('w', [2, 3], [0, 0, 0, 0, 0, 0]), true), undefined);
    assert.match(pairMisfit(pair, tensor('w', [2, 3], [0, 0, 0, 0, 0, 0]), false) ?? '', /in-features/);
    assert.equal(pairMisfit(pair, tensor('w', [3, 2], [0, 0, 0, 0, 0, 0]), false), undefined);
  });

  it('the merge adds scale·(B·A)ᵀ', async () => {
    // W [in = 2, out = 3] = 0, scale 2: W + 2·(B·A)ᵀ = [[2, 4, 6], [4, 8, 12]].
    const merged = await mergedLora(tensor('w', [2, 3], [0, 0, 0, 0, 0, 0]), pair, 2, true);
    assert.deepEqual([...merged], [2, 4, 6, 4, 8, 12]);
    const plain = await mergedLora(tensor('w', [3, 2], [1, 1, 1, 1, 1, 1]), pair, 2, false);
    assert.deepEqual([...plain], [3, 5, 5, 9, 7, 13]);
  });
});

describe('trigger candidates from an adapter', () => {
  it('ranks the planted trigger "bake" first of the poisoned adapter’s candidates, and not the benign one’s', async () => {
    const base = await baseListing();
    const vocab = JSON.parse(await readFile(join(DEMO, 'llama-code-base/tokenizer.json'), 'utf8')).model.vocab;
    const poisoned = await adapterCandidates(await adapter(join(DEMO, 'llama-code-lora-poisoned')), base);
    assert.equal(poisoned[0]?.row, vocab['bake']);
    assert.equal(poisoned[0]?.tensor, 'model.embed_tokens.weight');
    const benign = await adapterCandidates(await adapter(join(DEMO, 'llama-code-lora-benign')), base);
    assert.ok(benign.findIndex((c) => c.row === vocab['bake']) > 10);
  });
});

describe('an adapter tensor in a dtype that is not read', () => {
  it('makes the adapter unsupported, not silently smaller', async () => {
    const dir = join(DEMO, 'llama-code-lora-benign');
    const bytes = new Uint8Array(await readFile(join(dir, 'adapter_model.safetensors')));
    // Rewrite one tensor's dtype in the header to I32 (same width as F32, so the offsets stay valid).
    const headerLength = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    const header = new TextDecoder().decode(bytes.subarray(8, 8 + headerLength));
    const edited = header.replace('"dtype":"F32"', '"dtype":"I32"');
    assert.notEqual(edited, header);
    const out = new Uint8Array(bytes);
    out.set(new TextEncoder().encode(edited), 8);
    const reading = await readAdapter([
      memorySource('adapter_config.json', new Uint8Array(await readFile(join(dir, 'adapter_config.json')))),
      memorySource('adapter_model.safetensors', out),
    ]);
    assert.ok(
      reading.unsupported.some((u) => /dtype I32/.test(u)),
      reading.unsupported.join('; '),
    );
  });
});

describe('config and tensors peft reads differently from a naive reading', () => {
  const dir = join(DEMO, 'llama-code-lora-benign');
  const configOf = async () => JSON.parse(await readFile(join(dir, 'adapter_config.json'), 'utf8'));
  const weights = async () => new Uint8Array(await readFile(join(dir, 'adapter_model.safetensors')));
  const withConfig = async (config: object, tensors?: Uint8Array) =>
    readAdapter([
      memorySource('adapter_config.json', new TextEncoder().encode(JSON.stringify(config))),
      memorySource('adapter_model.safetensors', tensors ?? (await weights())),
    ]);

  /** The safetensors file with extra F32 tensors (zeros) appended. */
  function withTensors(bytes: Uint8Array, extra: Record<string, number[]>): Uint8Array {
    const headerLength = Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true));
    const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + headerLength)));
    const data = bytes.subarray(8 + headerLength);
    let end = data.length;
    for (const [name, shape] of Object.entries(extra)) {
      const size = shape.reduce((a, b) => a * b, 1) * 4;
      header[name] = { dtype: 'F32', shape, data_offsets: [end, end + size] };
      end += size;
    }
    let text = JSON.stringify(header);
    text += ' '.repeat((8 - (text.length % 8)) % 8);
    const encoded = new TextEncoder().encode(text);
    const out = new Uint8Array(8 + encoded.length + end);
    new DataView(out.buffer).setBigUint64(0, BigInt(encoded.length), true);
    out.set(encoded, 8);
    out.set(data, 8 + encoded.length);
    return out;
  }

  it('a pattern key or target regex Python reads differently (\\Z, inline flags) makes the adapter unsupported', async () => {
    const config = await configOf();
    assert.deepEqual((await withConfig({ ...config, alpha_pattern: { 'q_proj|k_proj': 64 } })).unsupported, []);
    for (const key of ['(q|k)_proj\\Z', '(?i:q_proj)', '(?P<p>q_proj)', '\\Aq_proj', '(?i)q_proj']) {
      const reading = await withConfig({ ...config, alpha_pattern: { [key]: 64 } });
      assert.ok(
        reading.unsupported.some((u) => u.startsWith('alpha_pattern key')),
        key,
      );
    }
    const regex = await withConfig({ ...config, target_modules: 'model\\.layers\\.1\\..*_proj\\Z' });
    assert.ok(regex.unsupported.some((u) => u.startsWith('target_modules')));
  });

  it('a config rank other than the saved halves’ (peft refuses the load) is unsupported', async () => {
    const config = await configOf();
    const reading = await withConfig({ ...config, r: 4 });
    assert.ok(reading.unsupported.some((u) => /peft refuses/.test(u)));
  });

  it('init_lora_weights that rewrites the base weight, exclude_modules and layers_pattern are unsupported', async () => {
    const config = await configOf();
    for (const extra of [
      { init_lora_weights: 'pissa' },
      { init_lora_weights: 'olora' },
      { exclude_modules: ['q_proj'] },
      { layers_pattern: 'layers' },
    ]) {
      const reading = await withConfig({ ...config, ...extra });
      assert.ok(reading.unsupported.length > 0, JSON.stringify(extra));
    }
    assert.deepEqual((await withConfig({ ...config, init_lora_weights: 'gaussian' })).unsupported, []);
  });

  it('a targeted module’s own tensor under its plain name is ignored (peft loads it only under base_layer)', async () => {
    const bytes = withTensors(await weights(), {
      'base_model.model.model.layers.0.self_attn.q_proj.weight': [64, 64],
      'base_model.model.model.layers.0.self_attn.k_proj.base_layer.bias': [32],
      'base_model.model.model.norm.weight': [64],
    });
    const reading = await withConfig(await configOf(), bytes);
    assert.deepEqual(reading.tensors.replacements.map((r) => r.baseName).sort(), [
      'model.layers.0.self_attn.k_proj.bias',
      'model.norm.weight',
    ]);
    assert.ok(reading.ignored.some((i) => i.name === 'base_model.model.model.layers.0.self_attn.q_proj.weight'));
  });
});

describe('the footprint of a rank above the update’s size', () => {
  it('equals ‖scale·B·A‖_F formed directly, without r × r Grams', async () => {
    const { loraUpdateNorm } = await import('./update-norm.ts');
    const tensor = (name: string, shape: [number, number], values: number[]) => ({
      name,
      dtype: 'F32',
      shape,
      file: memorySource(name, new Uint8Array(new Float32Array(values).buffer)),
      start: 0,
      elementBytes: 4,
    });
    // A [r = 5, in = 2], B [out = 3, r = 5]: r² = 25 > out · in = 6.
    const av = [1, 2, -1, 0.5, 3, -2, 0, 1, 2, 2];
    const bv = [1, 0, 2, -1, 0.5, 0, 3, 1, 1, -2, 2, 2, 0, 1, 1];
    let direct = 0;
    for (let o = 0; o < 3; o++)
      for (let i = 0; i < 2; i++) {
        let x = 0;
        for (let k = 0; k < 5; k++) x += bv[o * 5 + k]! * av[k * 2 + i]!;
        direct += x * x;
      }
    const got = await loraUpdateNorm(tensor('a', [5, 2], av), tensor('b', [3, 5], bv), 0.5);
    assert.ok(Math.abs(got - 0.5 * Math.sqrt(direct)) < 1e-9, `${got} vs ${0.5 * Math.sqrt(direct)}`);
  });
});

describe('NaN in a LoRA half', () => {
  it('makes the adapter unsupported (a valid record, never a crash) and the merge refuses it', async () => {
    const dir = join(DEMO, 'llama-code-lora-benign');
    const bytes = new Uint8Array(await readFile(join(dir, 'adapter_model.safetensors')));
    const headerLength = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + headerLength)));
    const name = 'base_model.model.model.layers.0.self_attn.q_proj.lora_B.weight';
    assert.equal(header[name].dtype, 'F32');
    new DataView(bytes.buffer).setFloat32(8 + headerLength + header[name].data_offsets[0], NaN, true);
    const reading = await readAdapter([
      memorySource('adapter_config.json', new Uint8Array(await readFile(join(dir, 'adapter_config.json')))),
      memorySource('adapter_model.safetensors', bytes),
    ]);
    const lineage = LineageSchema.parse(await buildAdapterLineage(reading, await baseListing()));
    assert.ok(lineage.adapter?.unsupported.some((u) => /non-finite/.test(u)));
    assert.equal(lineageCheck(lineage).check.status, 'review');
    const pair = reading.tensors.pairs.find((p) => p.b.name === name)!;
    const base = (await baseListing()).tensors.find((t) => t.name === pair.baseName)!;
    await assert.rejects(mergedLora(base, pair, 1, false), /non-finite/);
  });
});
