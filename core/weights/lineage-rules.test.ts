import { test } from 'node:test';
import assert from 'node:assert/strict';
import { memorySource } from '../io/byte-source.ts';
import { diffModels, type ModelDiff, type TensorDiff } from './diff.ts';
import { tensorReplaced } from './layer-evidence.ts';
import { lineageCheck } from './lineage-check.ts';
import { LineageSchema } from './lineage-schema.ts';
import { buildLineage, lineageVerdict } from './lineage.ts';
import { listTensors } from './tensors.ts';

/**
 * One test (at least) per lineage rule, on ModelDiff values built by hand: each exercises a rule, not a
 * threshold fitted to a fixture, and fails when the rule is removed or inverted.
 */

interface Figures {
  cosine?: number;
  relChange?: number;
  rmsBase?: number;
  rmsChange?: number;
}

/** A tensor diff with the given figures; defaults are those of a tuned weight matrix. */
function tensor(name: string, shape: number[], f: Figures = {}): TensorDiff {
  const rmsBase = f.rmsBase ?? 0.03;
  const relChange = f.relChange ?? (f.rmsChange !== undefined ? f.rmsChange / rmsBase : 0.05);
  return {
    name,
    shape,
    count: shape.reduce((a, b) => a * b, 1),
    relChange,
    cosine: f.cosine ?? 0.99,
    maxAbsChange: relChange * rmsBase * 4,
    changedShare: relChange > 0 ? 1 : 0,
    rmsBase,
    rmsChange: f.rmsChange ?? relChange * rmsBase,
  };
}

function model(tensors: TensorDiff[], rest: Partial<ModelDiff> = {}): ModelDiff {
  return {
    tensors,
    onlyInBase: [],
    onlyInFinetune: [],
    shapeMismatches: [],
    notCompared: [],
    elements: tensors.reduce((n, t) => n + t.count, 0),
    ...rest,
  };
}

const H = 64;
/** A small encoder: embeddings, two blocks of a dense layer and a LayerNorm, a classifier head. */
function encoder(change: (name: string, shape: number[]) => Figures = () => ({})): TensorDiff[] {
  const shapes: [string, number[]][] = [
    ['embeddings.word_embeddings.weight', [500, H]],
    ['encoder.layer.0.dense.weight', [H, H]],
    ['encoder.layer.0.dense.bias', [H]],
    ['encoder.layer.0.LayerNorm.weight', [H]],
    ['encoder.layer.0.LayerNorm.bias', [H]],
    ['encoder.layer.1.dense.weight', [H, H]],
    ['encoder.layer.1.dense.bias', [H]],
    ['encoder.layer.1.LayerNorm.weight', [H]],
    ['encoder.layer.1.LayerNorm.bias', [H]],
    ['classifier.weight', [2, H]],
    ['classifier.bias', [2]],
  ];
  return shapes.map(([name, shape]) => {
    const norm = name.includes('LayerNorm.weight');
    const defaults: Figures = norm ? { rmsBase: 1, rmsChange: 0.01, cosine: 0.9999 } : {};
    return tensor(name, shape, { ...defaults, ...change(name, shape) });
  });
}

// --- identical: every tensor within rounding ---

test('identical: every tensor within rounding (F16 2.4e-4, BF16 1.8e-3)', () => {
  for (const rel of [2.4e-4, 1.8e-3]) {
    assert.equal(lineageVerdict(model(encoder(() => ({ relChange: rel, cosine: 1 })))).verdict, 'identical', `${rel}`);
  }
});

test('identical needs every tensor: one tensor tuned (relChange 0.02) makes it derived', () => {
  const diff = model(
    encoder((name) => ({ relChange: name.startsWith('encoder.layer.1.dense') ? 0.02 : 0, cosine: 1 })),
  );
  assert.equal(lineageVerdict(diff).verdict, 'derived');
});

test('a fine-tune whose smallest change is 0.01 is derived, not identical', () => {
  assert.equal(lineageVerdict(model(encoder(() => ({ relChange: 0.01 })))).verdict, 'derived');
});

// --- matrices: cosine bound ---

test('a matrix is kept at cosine 0.6 and replaced at cosine 0.4 (bound 0.5)', () => {
  assert.equal(tensorReplaced(tensor('l.weight', [H, H], { cosine: 0.6 }), 0.03), false);
  assert.equal(tensorReplaced(tensor('l.weight', [H, H], { cosine: 0.4 }), 0.03), true);
  assert.equal(tensorReplaced(tensor('l.weight', [H, H], { cosine: NaN }), 0.03), true);
});

test('a middle block re-initialised (cosine 0.05) is partially derived, naming that block only', () => {
  const diff = model(
    encoder((name) => (name.startsWith('encoder.layer.1.dense') ? { cosine: 0.05, relChange: 1.4 } : {})),
  );
  const result = lineageVerdict(diff);
  assert.equal(result.verdict, 'partially-derived');
  assert.deepEqual(result.changedLayers, ['encoder.layer.1.dense']);
});

test('a full fine-tune with every matrix at cosine ≥ 0.9 is derived', () => {
  const diff = model(encoder((_, shape) => (shape.length === 2 ? { cosine: 0.9, relChange: 0.45 } : {})));
  assert.equal(lineageVerdict(diff).verdict, 'derived');
});

// --- small tensors: absolute move against the layer's scale ---

test('a LayerNorm bias of near-zero values that flips sign by a tiny move is kept', () => {
  // Base values ~1e-3, change ~2e-3: cosine −0.4, but the move is 0.2 % of the LayerNorm weight's scale.
  const bias = tensor('encoder.layer.0.LayerNorm.bias', [H], { cosine: -0.4, rmsBase: 1e-3, rmsChange: 2e-3 });
  assert.equal(tensorReplaced(bias, 1), false);
  const diff = model(
    encoder((name) => (name.endsWith('LayerNorm.bias') ? { cosine: -0.4, rmsBase: 1e-3, rmsChange: 2e-3 } : {})),
  );
  assert.equal(lineageVerdict(diff).verdict, 'derived');
});

test('a bias alone in its layer, near zero, flipped by a tiny move, is kept (measured against the model scale)', () => {
  const lone = tensor('final_logits_bias', [1, 500], { cosine: -0.6, rmsBase: 1e-3, rmsChange: 2e-3 });
  const result = lineageVerdict(model([...encoder(), lone]));
  assert.equal(result.verdict, 'derived');
  assert.deepEqual(result.changedLayers, []);
});

test('a small tensor that moved further than its layer scale is replaced', () => {
  const moved = tensor('encoder.layer.0.LayerNorm.weight', [H], { cosine: 0.9, rmsBase: 1, rmsChange: 1.5 });
  assert.equal(tensorReplaced(moved, 1), true);
  const lone = tensor('norm.weight', [H], { cosine: 0.9, rmsBase: 1, rmsChange: 1.5 });
  const result = lineageVerdict(model([...encoder(), lone]));
  assert.equal(result.verdict, 'partially-derived');
  assert.deepEqual(result.changedLayers, ['norm']);
});

// --- layers by parameter-weighted evidence ---

test('a layer is replaced by the majority of its parameters, not by one small member', () => {
  const mix = [
    tensor('encoder.mix.weight', [H, H], { cosine: 0.99 }),
    tensor('encoder.mix.gate', [2, 4], { cosine: 0.1, relChange: 1.3 }),
  ];
  assert.equal(lineageVerdict(model([...encoder(), ...mix])).verdict, 'derived');
  const flipped = [mix[0]!, { ...mix[1]!, shape: [H, 2 * H], count: 2 * H * H }];
  assert.deepEqual(lineageVerdict(model([...encoder(), ...flipped])).changedLayers, ['encoder.mix']);
});

// --- unrelated: replaced share of parameters ---

test('unrelated when replaced layers hold ≥ 90 % of parameters, partial below', () => {
  const other = (keep: (name: string) => boolean) =>
    encoder((name) => (keep(name) ? {} : { cosine: 0.02, relChange: 1.4, rmsChange: 0.045 }));
  // Everything replaced.
  assert.equal(lineageVerdict(model(other(() => false))).verdict, 'unrelated');
  // Embeddings (500×64 = 32 000 of 40 706 parameters, 79 %) replaced, the rest kept: partial.
  const embeddingsOnly = lineageVerdict(model(other((n) => !n.startsWith('embeddings'))));
  assert.equal(embeddingsOnly.verdict, 'partially-derived');
  assert.ok(embeddingsOnly.replacedShare > 0.75 && embeddingsOnly.replacedShare < 0.9);
  // Exactly 90 %: unrelated (the bound is inclusive).
  const ninety = model([tensor('a.weight', [90, 10], { cosine: 0 }), tensor('b.weight', [10, 10])]);
  assert.equal(lineageVerdict(ninety).verdict, 'unrelated');
  const below = model([tensor('a.weight', [89, 10], { cosine: 0 }), tensor('b.weight', [11, 10])]);
  assert.equal(lineageVerdict(below).verdict, 'partially-derived');
});

test('nothing in common is unrelated', () => {
  assert.equal(
    lineageVerdict(model([], { onlyInBase: ['a.weight'], onlyInFinetune: ['b.weight'] })).verdict,
    'unrelated',
  );
});

// --- structure: tensors only in one model or of another shape, outside the head ---

test('a body tensor only in the base, only in the fine-tune or of another shape: partially derived', () => {
  const cases: Partial<ModelDiff>[] = [
    { onlyInBase: ['encoder.layer.2.dense.weight'] },
    { onlyInFinetune: ['encoder.layer.2.dense.weight'] },
    { shapeMismatches: [{ name: 'encoder.layer.2.dense.weight', base: [H, H], finetune: [H, 2 * H] }] },
  ];
  for (const rest of cases) {
    const result = lineageVerdict(model(encoder(), rest));
    assert.equal(result.verdict, 'partially-derived', JSON.stringify(rest));
    assert.deepEqual(result.changedLayers, ['encoder.layer.2.dense']);
  }
});

// --- new head: re-initialised in place, resized, added ---

test('a head re-initialised in place (cosine ≈ 0) is derived, new head recorded', () => {
  const diff = model(encoder((name) => (name.startsWith('classifier') ? { cosine: 0.01, relChange: 1.4 } : {})));
  const result = lineageVerdict(diff);
  assert.equal(result.verdict, 'derived');
  assert.deepEqual(result.newHead, ['classifier']);
  const lineage = buildLineage(diff);
  assert.match(lineage.summary, /^Derived \(new head: classifier\)/);
  assert.deepEqual(lineage.newHead, ['classifier']);
  assert.ok(LineageSchema.safeParse(lineage).success);
  assert.equal(lineageCheck(lineage).check.status, 'pass');
});

test('a head with a new label count (shape mismatch), added, or nested (classifier.out_proj) is a new head', () => {
  const body = encoder().filter((t) => !t.name.startsWith('classifier'));
  const cases: [Partial<ModelDiff>, string][] = [
    [
      {
        shapeMismatches: [
          { name: 'classifier.weight', base: [2, H], finetune: [5, H] },
          { name: 'classifier.bias', base: [2], finetune: [5] },
        ],
      },
      'classifier',
    ],
    [{ onlyInFinetune: ['score.weight'] }, 'score'],
    [{ onlyInFinetune: ['classifier.out_proj.weight', 'classifier.out_proj.bias'] }, 'classifier.out_proj'],
    [{ onlyInBase: ['lm_head.weight'] }, 'lm_head'],
  ];
  for (const [rest, head] of cases) {
    const diff = model(body, rest);
    const result = lineageVerdict(diff);
    assert.equal(result.verdict, 'derived', head);
    assert.deepEqual(result.newHead, [head]);
    // Tensors of the new head are said in the summary, not as "tensors only in one model" (MG-LIN-003).
    assert.deepEqual(lineageCheck(buildLineage(diff)).findings, []);
  }
});

test('a replaced middle block next to a new head is still partially derived', () => {
  const diff = model(
    encoder((name) =>
      name.startsWith('classifier') || name.startsWith('encoder.layer.0.dense') ? { cosine: 0.02, relChange: 1.4 } : {},
    ),
  );
  const result = lineageVerdict(diff);
  assert.equal(result.verdict, 'partially-derived');
  assert.deepEqual(result.changedLayers, ['encoder.layer.0.dense']);
  assert.deepEqual(result.newHead, ['classifier']);
});

// --- added tokens: appended rows of token matrices ---

test('rows appended to a token matrix are added tokens: derived', () => {
  const diff = model(encoder(), {
    appendedRows: [{ name: 'embeddings.word_embeddings.weight', baseRows: 500, finetuneRows: 503 }],
  });
  const result = lineageVerdict(diff);
  assert.equal(result.verdict, 'derived');
  assert.equal(result.addedTokens, 3);
  assert.match(buildLineage(diff).summary, /^Derived \(3 added tokens\)/);
});

/** A safetensors file of F32 tensors, in memory. */
function safetensors(name: string, tensors: Record<string, { shape: number[]; data: number[] }>) {
  const header: Record<string, unknown> = {};
  let offset = 0;
  for (const [key, t] of Object.entries(tensors)) {
    header[key] = { dtype: 'F32', shape: t.shape, data_offsets: [offset, offset + t.data.length * 4] };
    offset += t.data.length * 4;
  }
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - (json.length % 8)) % 8);
  const bytes = new Uint8Array(8 + json.length + offset);
  new DataView(bytes.buffer).setBigUint64(0, BigInt(json.length), true);
  bytes.set(new TextEncoder().encode(json), 8);
  bytes.set(new Uint8Array(new Float32Array(Object.values(tensors).flatMap((t) => t.data)).buffer), 8 + json.length);
  return memorySource(name, bytes);
}

const ramp = (n: number, scale: number, phase = 0) =>
  Array.from({ length: n }, (_, i) => scale * Math.sin(i * 1.7 + phase));

test('vocabulary extension on files: the base rows are compared, the appended rows counted', async () => {
  const rows = 20;
  const width = 8;
  const base = { shape: [rows, width], data: ramp(rows * width, 0.05) };
  const dense = { shape: [width, width], data: ramp(width * width, 0.05, 1) };
  const tuned = base.data.map((v, i) => v + 1e-3 * Math.cos(i));
  const extended = { shape: [rows + 4, width], data: [...tuned, ...ramp(4 * width, 0.05, 2)] };
  const baseFiles = await listTensors([
    safetensors('model.safetensors', { 'model.embed_tokens.weight': base, 'model.dense.weight': dense }),
  ]);
  const ftFiles = await listTensors([
    safetensors('model.safetensors', { 'model.embed_tokens.weight': extended, 'model.dense.weight': dense }),
  ]);
  const diff = await diffModels(baseFiles, ftFiles);
  assert.deepEqual(diff.shapeMismatches, []);
  assert.deepEqual(diff.appendedRows, [{ name: 'model.embed_tokens.weight', baseRows: rows, finetuneRows: rows + 4 }]);
  const embed = diff.tensors.find((t) => t.name === 'model.embed_tokens.weight')!;
  assert.deepEqual(embed.shape, [rows, width]);
  assert.ok(embed.cosine > 0.99 && embed.relChange < 0.05, `${embed.cosine} ${embed.relChange}`);
  const lineage = buildLineage(diff);
  assert.equal(lineage.verdict, 'derived');
  assert.equal(lineage.addedTokens, 4);
  assert.ok(LineageSchema.safeParse(lineage).success);
  // The same rows rewritten (another model's embeddings with more tokens) are not derived.
  const rewritten = {
    shape: [rows + 4, width],
    data: Array.from({ length: (rows + 4) * width }, (_, i) => 0.05 * Math.cos(i * 0.37)),
  };
  const other = await listTensors([
    safetensors('model.safetensors', { 'model.embed_tokens.weight': rewritten, 'model.dense.weight': dense }),
  ]);
  const rewrittenResult = lineageVerdict(await diffModels(baseFiles, other));
  assert.equal(rewrittenResult.verdict, 'partially-derived');
  assert.deepEqual(rewrittenResult.changedLayers, ['model.embed_tokens']);
});

test('a position embedding with more rows is a shape difference, not added tokens', async () => {
  const pos = { shape: [4, 2], data: ramp(8, 0.1) };
  const longer = { shape: [6, 2], data: ramp(12, 0.1) };
  const diff = await diffModels(
    await listTensors([
      safetensors('model.safetensors', { 'embeddings.position_embeddings.weight': pos, 'x.weight': pos }),
    ]),
    await listTensors([
      safetensors('model.safetensors', { 'embeddings.position_embeddings.weight': longer, 'x.weight': pos }),
    ]),
  );
  assert.equal(diff.shapeMismatches.length, 1);
  assert.equal(lineageVerdict(diff).verdict, 'partially-derived');
});

test('a token matrix under a name no rule knows still has its moved rows ranked, by its vocabulary-sized rows', async () => {
  const rows = 20;
  const width = 8;
  const table = { shape: [rows, width], data: ramp(rows * width, 0.05) };
  const dense = { shape: [width, width], data: ramp(width * width, 0.05, 1) };
  // Row 7 moved far more than any other: what a planted trigger's row looks like.
  const moved = table.data.map((v, i) => (Math.floor(i / width) === 7 ? v + 0.5 : v + 1e-4 * Math.cos(i)));
  const name = 'model.vocab_table.weight';
  const diff = await diffModels(
    await listTensors([safetensors('model.safetensors', { [name]: table, 'model.dense.weight': dense })]),
    await listTensors([
      safetensors('model.safetensors', { [name]: { ...table, data: moved }, 'model.dense.weight': dense }),
    ]),
    { topRows: 3 },
  );
  assert.equal(diff.tensors.find((t) => t.name === name)?.topRows?.[0]?.row, 7);
  assert.equal(diff.tensors.find((t) => t.name === 'model.dense.weight')?.topRows, undefined);
});
