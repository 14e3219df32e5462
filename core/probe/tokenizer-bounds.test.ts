import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { Tokenizer } from '@huggingface/tokenizers';
import { BoundedJsonError } from '../util/bounded-json.ts';
import type { Check, Finding } from '../check/types.ts';
import { behaviorStoppedOutcome, behaviorTimeoutOutcome, tokenizerBudgetOutcome } from './budget-outcome.ts';
import { loadBehaviorSide } from './model-side.ts';
import { parseModelConfig } from './model-folder.ts';
import { ProbeTokenizer } from './tokenizer.ts';
import { TokenizerBudgetError } from './tokenizer-engine.ts';
import { BEHAVIOR_CODES } from './behavior-codes.ts';

const fixture = (p: string) => new URL(`../../${p}`, import.meta.url);
const read = (p: string) => readFileSync(fixture(p), 'utf8');
const DEEP = read('test/fixtures/hostile/deep-tokenizer/tokenizer.json');

test('hostile/deep-tokenizer: tokenizer.json nested 10 000 deep is refused naming the file and the bound', async () => {
  await assert.rejects(
    ProbeTokenizer.fromJson(DEEP),
    (e: unknown) => e instanceof BoundedJsonError && e.message === 'tokenizer.json: nested deeper than 256 levels',
  );
  await assert.rejects(
    ProbeTokenizer.fromJson(DEEP, undefined, { file: 'sub/tokenizer.json' }),
    /^BoundedJsonError: sub\/tokenizer\.json: nested/,
  );
  const deepConfig = read('test/fixtures/hostile/deep-tokenizer/tokenizer_config.json');
  await assert.rejects(
    ProbeTokenizer.fromJson(read('public/demo/tiny-sentiment/tokenizer.json'), deepConfig),
    /^BoundedJsonError: tokenizer_config\.json: nested deeper than 256 levels$/,
  );
  assert.throws(
    () => parseModelConfig(read('test/fixtures/hostile/deep-tokenizer/config.json')),
    /^BoundedJsonError: config\.json: nested deeper than 256 levels$/,
  );
});

test('loading the deep folder for the behavioral run: the first bad file named, nothing overflows', async () => {
  const dir = 'test/fixtures/hostile/deep-tokenizer';
  const paths = ['config.json', 'tokenizer.json', 'tokenizer_config.json', 'onnx/model.onnx', 'model.safetensors'];
  await assert.rejects(
    loadBehaviorSide({
      paths,
      text: async (p) => read(`${dir}/${p}`),
      source: async () => {
        throw new Error('not opened');
      },
    }),
    (e: unknown) => e instanceof BoundedJsonError && e.message === 'config.json: nested deeper than 256 levels',
  );
});

test('the in-process engine answers as the library does (the oracle for every engine)', async () => {
  const text = read('public/demo/sentiment-base/tokenizer.json');
  const t = await ProbeTokenizer.fromJson(text);
  const lib = new Tokenizer(JSON.parse(text), {});
  for (const s of ['terrific rather phone ending', 'an elegant overall staff staff quite ending is', 'unknownword x']) {
    // Ids the library leaves undefined (unknown words) are the model's unk token, never dropped.
    const unk = lib.token_to_id('[UNK]');
    assert.deepEqual(
      t.encode(s),
      lib.encode(s, { add_special_tokens: true }).ids.map((id) => id ?? unk),
    );
  }
  assert.equal(t.vocabSize, Math.max(...lib.get_vocab(true).values()) + 1);
  assert.equal(t.idToToken(5), lib.id_to_token(5));
  assert.equal(
    t.decode([5, 6]),
    lib.decode([5, 6], { skip_special_tokens: false, clean_up_tokenization_spaces: false }),
  );
});

test('a budget that ran out is the behavior check in error and MG-BEH-006 naming the tokenizer', () => {
  const error = new TokenizerBudgetError('tokenizer.json', 20_000, 'encoding "terrific"', 'models/ft');
  assert.equal(
    error.message,
    'models/ft/tokenizer.json: the tokenizer ran past its 20 s time budget while encoding "terrific" and was stopped',
  );
  const outcome = tokenizerBudgetOutcome(error);
  assert.deepEqual(outcome.check, {
    id: 'behavior',
    status: 'error',
    summary: 'The behavioral comparison was stopped: models/ft/tokenizer.json ran past its 20 s tokenizer budget.',
  } satisfies Check);
  const [f] = outcome.findings as [Finding];
  assert.equal(f.code, 'MG-BEH-006');
  assert.equal(f.severity, BEHAVIOR_CODES['MG-BEH-006'].severity);
  assert.equal(f.file, 'tokenizer.json');
  assert.deepEqual(f.evidence, { folder: 'models/ft', budgetMs: 20_000, step: 'encoding "terrific"' });
  // The CLI wraps load errors in usage errors: the outcome is found through `cause`.
  const wrapped = Object.assign(new Error('models/ft: …', { cause: error }), { usage: true });
  assert.deepEqual(behaviorStoppedOutcome(wrapped), outcome);
  assert.equal(behaviorStoppedOutcome(new Error('something else')), undefined);
});

test('a file past a bound stops the behavioral comparison as an error with MG-PROV-020, not a usage error', () => {
  const bound = new BoundedJsonError('config.json', 'depth', 'nested deeper than 256 levels');
  const wrapped = Object.assign(new Error('models/ft/config.json: nested deeper than 256 levels', { cause: bound }), {
    usage: true,
  });
  const outcome = behaviorStoppedOutcome(wrapped);
  assert.equal(outcome?.check.status, 'error');
  assert.equal(outcome?.findings[0]?.code, 'MG-PROV-020');
  assert.equal(
    outcome?.findings[0]?.detail,
    'models/ft/config.json: nested deeper than 256 levels, so the behavioral comparison did not run.',
  );
});

test('the browser’s whole-run deadline is MG-BEH-007 with the behavior check in error', () => {
  const outcome = behaviorTimeoutOutcome(15 * 60 * 1000);
  assert.equal(outcome.check.status, 'error');
  assert.equal(outcome.findings[0]?.code, 'MG-BEH-007');
  assert.match(outcome.findings[0]?.detail ?? '', /15-minute budget/);
  // lib/behavior-compare.ts rejects with an error carrying it: the pipeline's error handler finds it there.
  const cancelled = Object.assign(new Error('The behavioral comparison ran past its 15-minute budget'), { outcome });
  assert.equal(behaviorStoppedOutcome(cancelled), outcome);
});
