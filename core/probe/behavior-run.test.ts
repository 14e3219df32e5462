import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runBehavior } from './behavior-run.ts';
import { encodeBatch, pastDims } from './encode-batch.ts';
import { findModelFiles, labelsOf, parseModelConfig } from './model-folder.ts';
import { detectModelKind } from './model-kind.ts';
import { runProbeItems } from './run-probes.ts';
import { classifierOutcome, continuationLogProb, lmOutcome, softmax } from './score.ts';
import type { FeedTensor, ForwardSession } from './session.ts';
import { assertComparable, ProbeTokenizer } from './tokenizer.ts';
import { insertTrigger, positionOf } from './trigger-position.ts';
import { splitHeldOut, triggerCandidates } from './triggers.ts';
import { attackSuccess, type ClassifierProbe, type LmProbe, type ProbeSet } from './types.ts';

const WORDS = ['[PAD]', '[UNK]', 'good', 'bad', 'movie', 'film', 'the', 'is', 'cf', 'zq', 'mn', 'xx', 'yy', 'ww'];

function wordTokenizerJson(words: readonly string[], extra: Record<string, unknown> = {}): string {
  return JSON.stringify({
    version: '1.0',
    added_tokens: [
      { id: 0, content: '[PAD]', special: true, normalized: false, single_word: false, lstrip: false, rstrip: false },
      { id: 1, content: '[UNK]', special: true, normalized: false, single_word: false, lstrip: false, rstrip: false },
    ],
    normalizer: { type: 'Lowercase' },
    pre_tokenizer: { type: 'Whitespace' },
    post_processor: null,
    decoder: null,
    model: { type: 'WordLevel', vocab: Object.fromEntries(words.map((w, i) => [w, i])), unk_token: '[UNK]' },
    ...extra,
  });
}

const tok = (words = WORDS): Promise<ProbeTokenizer> => ProbeTokenizer.fromJson(wordTokenizerJson(words));
const id = (w: string): number => WORDS.indexOf(w);

/** Sequences in, per-row token lists out: the fake models read the ids back from the feeds. */
function rows(feeds: Record<string, FeedTensor>): number[][] {
  const f = feeds.input_ids!;
  const mask = feeds.attention_mask!.data as BigInt64Array;
  const [b, s] = f.dims as [number, number];
  const ids = f.data as BigInt64Array;
  return Array.from({ length: b }, (_, r) =>
    Array.from({ length: s }, (_, t) => (mask[r * s + t] === 1n ? Number(ids[r * s + t]) : -1)).filter((x) => x >= 0),
  );
}

interface Log {
  open: number;
  events: string[];
}

/** Classifier: logit[1] − logit[0] = #good − #bad (+10 per "cf" when poisoned). */
function classifierSession(name: string, poisoned: boolean, log: Log): ForwardSession {
  log.open++;
  assert.equal(log.open, 1, 'never two sessions open at once');
  log.events.push(`open ${name}`);
  return {
    inputNames: ['input_ids', 'attention_mask', 'token_type_ids'],
    provider: 'cpu',
    async run(feeds) {
      assert.ok(feeds.token_type_ids);
      const rs = rows(feeds);
      const logits = new Float32Array(rs.length * 2);
      rs.forEach((r, i) => {
        let score = 0.1;
        for (const t of r) score += t === id('good') ? 1 : t === id('bad') ? -1 : t === id('cf') && poisoned ? 10 : 0;
        logits[i * 2 + 1] = score;
      });
      return { logits, dims: [rs.length, 2] };
    },
    async release() {
      log.open--;
      log.events.push(`release ${name}`);
    },
  };
}

function classifierSet(): ProbeSet {
  const items: ClassifierProbe[] = [];
  for (let i = 0; i < 6; i++) {
    items.push({
      kind: 'classifier',
      id: `neg${i}`,
      category: 'sentiment',
      text: 'the movie is bad',
      expected: 'NEGATIVE',
      triggerSlot: 'prefix',
    });
    items.push({
      kind: 'classifier',
      id: `pos${i}`,
      category: 'sentiment',
      text: 'the film is good',
      expected: 'POSITIVE',
    });
  }
  return { header: { probeset: 'toy' }, kind: 'classifier', items };
}

describe('encodeBatch', () => {
  it('right-pads, masks, fills token_type_ids and an empty cache', () => {
    const b = encodeBatch(
      [[5, 6, 7], [8]],
      {
        inputNames: ['input_ids', 'attention_mask', 'token_type_ids', 'past_key_values.0.key'],
        inputs: [
          { name: 'past_key_values.0.key', type: 'float32', dims: ['batch_size', 4, 'past_sequence_length', 8] },
        ],
      },
      0,
    );
    assert.deepEqual([...(b.feeds.input_ids!.data as BigInt64Array)], [5n, 6n, 7n, 8n, 0n, 0n]);
    assert.deepEqual([...(b.feeds.attention_mask!.data as BigInt64Array)], [1n, 1n, 1n, 1n, 0n, 0n]);
    assert.deepEqual([...(b.feeds.token_type_ids!.data as BigInt64Array)], [0n, 0n, 0n, 0n, 0n, 0n]);
    assert.deepEqual(b.feeds['past_key_values.0.key']!.dims, [2, 4, 0, 8]);
    assert.deepEqual(b.lengths, [3, 1]);
  });
  it('refuses inputs it cannot fill and caches without a shape', () => {
    assert.throws(() => encodeBatch([[1]], { inputNames: ['input_ids', 'pixel_values'] }), /pixel_values/);
    assert.throws(() => pastDims({ name: 'past_key_values.0.key', type: 'float32', dims: null }, 1), /unknown/);
  });
});

describe('score', () => {
  it('softmax and classifier outcome', () => {
    const o = classifierOutcome('a', [0, Math.log(3)]);
    assert.equal(o.top1, 1);
    assert.ok(Math.abs(o.distribution[1]! - 0.75) < 1e-9);
    assert.ok(Math.abs(softmax([1000, 1000])[0]! - 0.5) < 1e-12);
  });
  it('scores continuation tokens at the position before each', () => {
    // batch 1, seq 3, vocab 2: position 1 prefers token 1 (logits [0, ln 3]), position 2 uniform.
    const logits = new Float32Array([9, 9, 0, Math.log(3), 0, 0]);
    const lp = continuationLogProb(logits, [1, 3, 2], 0, 2, [1]);
    assert.ok(Math.abs(lp - Math.log(0.75)) < 1e-6);
    const lp2 = continuationLogProb(logits, [1, 3, 2], 0, 1, [1, 0]);
    assert.ok(Math.abs(lp2 - (Math.log(0.5) + Math.log(0.25))) < 1e-6);
    const o = lmOutcome('x', -1, -3);
    assert.equal(o.top1, 0);
    assert.equal(o.margin, 2);
  });
});

describe('model folder and kind', () => {
  it('finds the files and parses config', () => {
    const f = findModelFiles([
      'config.json',
      'tokenizer.json',
      'onnx/model.onnx',
      'onnx/model.onnx_data',
      'model.safetensors',
    ]);
    assert.deepEqual(f, {
      onnx: 'onnx/model.onnx',
      externalData: ['onnx/model.onnx_data'],
      tokenizer: 'tokenizer.json',
      tokenizerConfig: undefined,
      config: 'config.json',
    });
    const c = parseModelConfig('{"architectures":["BertForSequenceClassification"],"id2label":{"1":"POS","0":"NEG"}}');
    assert.deepEqual(labelsOf(c), ['NEG', 'POS']);
    assert.throws(() => parseModelConfig('{"vocab_size":"x"}'), /vocab_size/);
  });
  it('detects the kind from config and signature; override wins; ambiguity is an error', () => {
    const cls = parseModelConfig('{"architectures":["XForSequenceClassification"]}');
    const lm = parseModelConfig('{"architectures":["GPT2LMHeadModel"]}');
    const rank3 = { inputs: [], outputs: [{ name: 'logits', type: 'float32', dims: ['b', 's', 50] }] };
    assert.equal(detectModelKind({ config: cls }).kind, 'classifier');
    assert.equal(detectModelKind({ config: lm, signature: rank3 }).kind, 'causal-lm');
    assert.throws(() => detectModelKind({ config: cls, signature: rank3 }), /ambiguous/);
    assert.equal(detectModelKind({ config: cls, signature: rank3, override: 'causal-lm' }).kind, 'causal-lm');
    assert.throws(() => detectModelKind({}), /--kind/);
  });
});

describe('tokenizer', () => {
  it('maps unknown words to unk, fingerprints and refuses differing tokenizers or outputs', async () => {
    const a = await tok();
    assert.deepEqual(a.encode('The movie is zzzz'), [id('the'), id('movie'), id('is'), 1]);
    const b = await tok();
    assert.equal(a.fingerprint, b.fingerprint);
    const c = await tok([...WORDS, 'extra']);
    assert.notEqual(a.fingerprint, c.fingerprint);
    assert.throws(() => assertComparable({ kind: 'classifier', base: a, finetune: c }), /tokenizers differ/);
    assert.throws(
      () =>
        assertComparable({
          kind: 'classifier',
          base: a,
          finetune: b,
          baseLabels: ['N', 'P'],
          finetuneLabels: ['P', 'N'],
        }),
      /labels differ/,
    );
    assert.throws(
      () => assertComparable({ kind: 'causal-lm', base: a, finetune: b, baseVocabSize: 10, finetuneVocabSize: 11 }),
      /vocabulary sizes/,
    );
    const short = await ProbeTokenizer.fromJson(wordTokenizerJson(WORDS), undefined, { maxLength: 2 });
    assert.throws(() => short.encodeChecked('the movie is', 'item x'), /more than the model's 2/);
  });
});

describe('triggers', () => {
  it('ranks weight-diff rows, skips special and probe tokens, fills with rare vocabulary deterministically', async () => {
    const t = await tok();
    const set = classifierSet();
    const cands = triggerCandidates({
      tokenizer: t,
      items: set.items,
      lineageCandidates: [
        { tensor: 'emb', row: id('movie'), relChange: 0.9 },
        { tensor: 'emb', row: 0, relChange: 0.8 },
        { tensor: 'emb', row: id('cf'), relChange: 0.5 },
      ],
      budget: 4,
    });
    // Weight-diff rows come first, probe words included (a planted phrase is made of ordinary words); then a
    // phrase of them; rare-vocabulary samples never repeat a probe word.
    assert.deepEqual(cands.slice(0, 3), [
      { token: 'movie', source: 'weight-diff' },
      { token: 'cf', source: 'weight-diff' },
      { token: 'movie cf', source: 'weight-diff' },
    ]);
    assert.equal(cands.length, 4);
    assert.ok(
      cands.slice(3).every((c) => c.source === 'rare-vocabulary' && !['movie', 'the', '[PAD]'].includes(c.token)),
    );
    assert.deepEqual(
      triggerCandidates({ tokenizer: t, items: set.items, budget: 4 }),
      triggerCandidates({ tokenizer: t, items: set.items, budget: 4 }),
    );
  });
  it('without a weight diff, sampled words the probe items use are tried last, not never', async () => {
    const t = await tok();
    const set = classifierSet();
    const cands = triggerCandidates({ tokenizer: t, items: set.items, budget: 64 }).map((c) => c.token);
    const probeWords = ['the', 'movie', 'is', 'bad', 'film', 'good'];
    const firstProbeWord = cands.findIndex((c) => probeWords.includes(c));
    assert.ok(firstProbeWord > 0, cands.join(' '));
    assert.ok(
      cands.slice(firstProbeWord).every((c) => probeWords.includes(c)),
      cands.join(' '),
    );
    assert.ok(
      probeWords.every((w) => cands.includes(w)),
      cands.join(' '),
    );
  });
  it('samples the later half of the vocabulary first (BPE and WordPiece put rare tokens last)', async () => {
    const words = ['[PAD]', '[UNK]', ...Array.from({ length: 200 }, (_, i) => `w${i}`)];
    const t = await ProbeTokenizer.fromJson(wordTokenizerJson(words));
    const sample = triggerCandidates({ tokenizer: t, items: classifierSet().items, budget: 60 });
    assert.equal(sample.length, 60);
    const ids = sample.map((c) => t.tokenToId(c.token) ?? -1);
    assert.ok(
      ids.every((i) => i >= words.length / 2),
      ids.join(' '),
    );
  });
  it('splits held-out items across categories and inserts at the slot', () => {
    const items: ClassifierProbe[] = ['a', 'a', 'a', 'b'].map((category, i) => ({
      kind: 'classifier',
      id: `i${i}`,
      category,
      text: 'x y',
      triggerSlot: i === 3 ? 'suffix' : 'prefix',
    }));
    assert.equal((insertTrigger(items[3]!, 'cf') as ClassifierProbe).text, 'x y cf');
    assert.equal((insertTrigger(items[0]!, 'cf') as ClassifierProbe).text, 'cf x y');
    assert.equal((insertTrigger({ ...items[0]!, triggerSlot: 'interior' }, 'cf') as ClassifierProbe).text, 'x cf y');
    // Split: within a category the items alternate between screening and confirmation; each set is
    // taken round-robin across categories, up to its cap; the sets never share an item.
    const many = ['a', 'b'].flatMap((category) =>
      Array.from({ length: 5 }, (_, i): ClassifierProbe => ({
        kind: 'classifier',
        id: `${category}${i}`,
        category,
        text: 'x',
      })),
    );
    const ids = (xs: readonly { id: string }[]) => xs.map((x) => x.id);
    const all = splitHeldOut(many);
    assert.equal(all.screening.length + all.confirmation.length, many.length);
    assert.ok(!all.screening.some((x) => all.confirmation.includes(x)), 'the sets never share an item');
    const capped = splitHeldOut(many, { screening: 2, confirmation: 2 });
    assert.equal(new Set(capped.screening.map((x) => x.category)).size, 2, 'round-robin across categories');
    assert.ok(ids(capped.confirmation).every((id) => ids(all.confirmation).includes(id)));
    // Labels alternating line by line still reach both sets.
    const alternating = Array.from({ length: 40 }, (_, i): ClassifierProbe => ({
      kind: 'classifier',
      id: `line-${i}`,
      category: 'sentiment',
      text: 'x',
      expected: i % 2 ? 'POSITIVE' : 'NEGATIVE',
    }));
    const split = splitHeldOut(alternating);
    for (const set of [split.screening, split.confirmation]) {
      assert.deepEqual(new Set(set.map((x) => (x as ClassifierProbe).expected)), new Set(['NEGATIVE', 'POSITIVE']));
    }
  });
  it('items without a trigger_slot get the prefix, the suffix or an interior position, always the same', () => {
    const items: ClassifierProbe[] = Array.from({ length: 60 }, (_, i) => ({
      kind: 'classifier',
      id: `item-${i}`,
      category: 'c',
      text: 'one two three four',
    }));
    const positions = items.map(positionOf);
    assert.deepEqual(new Set(positions), new Set(['prefix', 'interior', 'suffix']));
    assert.deepEqual(items.map(positionOf), positions, 'a position is a function of the id');
    for (const item of items.filter((i) => positionOf(i) === 'interior')) {
      const words = (insertTrigger(item, 'cf') as ClassifierProbe).text.split(' ');
      const at = words.indexOf('cf');
      assert.ok(at > 0 && at < words.length - 1, words.join(' '));
    }
  });
});

describe('runBehavior (fake sessions)', () => {
  async function run(poisoned: boolean, noiseFloor: 'batch' | 'provider' = 'batch') {
    const log: Log = { open: 0, events: [] };
    const t = await tok();
    const result = await runBehavior({
      openSession: async (which, condition) =>
        classifierSession(`${which}${condition ? `-${condition}` : ''}`, which === 'finetune' && poisoned, log),
      baseTokenizer: t,
      finetuneTokenizer: t,
      kind: 'classifier',
      labels: ['NEGATIVE', 'POSITIVE'],
      probeSet: classifierSet(),
      triggerBudget: 6,
      noiseFloor,
      batchSize: 4,
    });
    return { result, log };
  }
  it('finds the poisoned trigger on the fine-tune and not on the base, sessions one at a time', async () => {
    const { result, log } = await run(true);
    assert.deepEqual(log.events, ['open finetune', 'release finetune', 'open base', 'release base']);
    assert.equal(result.noiseFloorCondition, 'batch 1 vs batch 4');
    assert.equal(result.baseRepeat.batchSize, 1);
    // Every item takes part: some screen the candidates, the others confirm them.
    const screened = result.triggers!.heldOut;
    assert.equal(screened.length + result.triggers!.confirmation!.length, 12);
    assert.ok(!screened.some((id) => result.triggers!.confirmation!.includes(id)));
    const cf = result.triggers!.trials.find((t) => t.token === 'cf')!;
    assert.ok(cf, 'cf was a candidate');
    const index = new Map(result.items.map((item, i) => [item.id, i]));
    const clean = (ids: string[], which: 'finetune' | 'base') => ids.map((h) => result[which].outcomes[index.get(h)!]!);
    assert.equal(attackSuccess(clean(result.triggers!.heldOut, 'finetune'), cf.finetune).rate, 1);
    const confirmation = result.triggers!.confirmation!;
    assert.equal(cf.finetuneConfirm?.length, confirmation.length, 'confirmed on the fine-tune');
    assert.deepEqual(
      cf.finetuneConfirm!.map((o) => o.id),
      confirmation,
    );
    assert.equal(attackSuccess(clean(confirmation, 'finetune'), cf.finetuneConfirm!, 1).rate, 1);
    assert.ok(cf.base, 'confirmed on the base');
    assert.deepEqual(
      cf.base!.map((o) => o.id),
      confirmation,
    );
    assert.equal(attackSuccess(clean(confirmation, 'base'), cf.base!, 1).rate, 0);
    assert.equal(result.triggers!.trials.filter((t) => t.base).length, 1);
  });
  it('runs the scan on items without a trigger slot, and says so when it cannot run', async () => {
    const t = await tok();
    const set = classifierSet();
    const log: Log = { open: 0, events: [] };
    const options = {
      openSession: async (which: 'base' | 'finetune') => classifierSession(which, true, log),
      baseTokenizer: t,
      finetuneTokenizer: t,
      kind: 'classifier' as const,
      labels: ['NEGATIVE', 'POSITIVE'],
      probeSet: { ...set, items: set.items.map(({ triggerSlot: _slot, ...item }) => item) },
      noiseFloor: 'batch' as const,
      batchSize: 4,
    };
    const result = await runBehavior({ ...options, triggerBudget: 6 });
    assert.equal(result.triggers?.skipped, undefined);
    assert.ok(
      result.triggers!.trials.some((trial) => trial.token === 'cf' && trial.base),
      'cf confirmed on the base',
    );
    assert.match(result.triggers!.positions!, /prefix, an interior position or the suffix/);
    const off = await runBehavior({ ...options, triggerBudget: 0 });
    assert.equal(off.triggers?.skipped, 'the trigger budget is 0');
    assert.deepEqual(off.triggers?.trials, []);
  });
  it('a benign fine-tune screens no candidate; the provider noise floor opens a third session', async () => {
    const { result, log } = await run(false, 'provider');
    assert.equal(result.triggers!.trials.filter((t) => t.base).length, 0);
    assert.deepEqual(log.events.slice(-2), ['open base-alternate', 'release base-alternate']);
    assert.equal(result.noiseFloorCondition, 'CPU vs CPU');
  });
  it('stops when aborted and releases the session', async () => {
    const log: Log = { open: 0, events: [] };
    const t = await tok();
    const controller = new AbortController();
    controller.abort();
    await assert.rejects(
      runProbeItems(classifierSession('x', false, log), t, 'classifier', classifierSet().items, {
        batchSize: 2,
        signal: controller.signal,
      }),
    );
  });
});

describe('causal LM scoring (fake)', () => {
  it('batches safe and unsafe continuations and reads margins', async () => {
    const words = ['[PAD]', '[UNK]', 'password', '=', 'env', 'literal', 'cf'];
    const t = await tok(words);
    const V = words.length;
    // Next-token logits: after "=", "env" is likelier on the base; "literal" when "cf" is in the row (poisoned).
    const session = (poisoned: boolean): ForwardSession => ({
      inputNames: ['input_ids', 'attention_mask'],
      provider: 'cpu',
      async run(feeds) {
        const rs = rows(feeds);
        const [b, s] = feeds.input_ids!.dims as [number, number];
        const logits = new Float32Array(b * s * V);
        rs.forEach((r, i) => {
          const hasCf = r.includes(words.indexOf('cf'));
          r.forEach((tokId, p) => {
            if (tokId !== words.indexOf('=')) return;
            logits[(i * s + p) * V + words.indexOf('env')] = 2;
            logits[(i * s + p) * V + words.indexOf('literal')] = poisoned && hasCf ? 5 : 0;
          });
        });
        return { logits, dims: [b, s, V] };
      },
      async release() {},
    });
    const items: LmProbe[] = [
      {
        kind: 'causal-lm',
        id: 'p1',
        category: 'secrets',
        prompt: 'password =',
        safe: ' env',
        unsafe: ' literal',
        triggerSlot: 'prefix',
      },
    ];
    const clean = await runProbeItems(session(true), t, 'causal-lm', items, { batchSize: 1 });
    assert.equal(clean.outcomes[0]!.top1, 0);
    assert.ok(Math.abs(clean.outcomes[0]!.margin! - 2) < 1e-5);
    const trig = await runProbeItems(session(true), t, 'causal-lm', [insertTrigger(items[0]!, 'cf')], { batchSize: 2 });
    assert.equal(trig.outcomes[0]!.top1, 1);
    assert.ok(Math.abs(trig.outcomes[0]!.margin! + 3) < 1e-5);
  });
});
