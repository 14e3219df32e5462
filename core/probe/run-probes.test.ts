import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sequencesFor } from './run-probes.ts';
import { splitContinuation } from './score.ts';
import { ProbeTokenizer } from './tokenizer.ts';
import { triggerCandidates } from './triggers.ts';
import type { ClassifierProbe, LmProbe } from './types.ts';

/**
 * A SentencePiece-style BPE tokenizer.json (Llama 2's layout: the normalizer prepends "▁" and turns spaces
 * into "▁", Metaspace decoder): encoded alone, " bcrypt" becomes "▁▁bcrypt" → [▁, ▁bcrypt], while after
 * "hash it with" it is the single "▁bcrypt".
 */
function metaspaceBpeJson(): string {
  const special = (id: number, content: string) => ({
    id,
    content,
    special: true,
    single_word: false,
    lstrip: false,
    rstrip: false,
    normalized: false,
  });
  const vocab: Record<string, number> = { '<unk>': 0, '<s>': 1, '</s>': 2 };
  for (const c of ['▁', 'h', 'a', 's', 'i', 't', 'w', 'b', 'c', 'r', 'y', 'p']) vocab[c] = Object.keys(vocab).length;
  const merges = [
    ['▁', 'h'],
    ['▁h', 'a'],
    ['▁ha', 's'],
    ['▁has', 'h'],
    ['▁', 'i'],
    ['▁i', 't'],
    ['▁', 'w'],
    ['i', 't'],
    ['it', 'h'],
    ['▁w', 'ith'],
    ['▁', 'b'],
    ['▁b', 'c'],
    ['r', 'y'],
    ['p', 't'],
    ['▁bc', 'ry'],
    ['▁bcry', 'pt'],
  ];
  for (const [a, b] of merges) vocab[`${a}${b}`] ??= Object.keys(vocab).length;
  return JSON.stringify({
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: [special(0, '<unk>'), special(1, '<s>'), special(2, '</s>')],
    normalizer: {
      type: 'Sequence',
      normalizers: [
        { type: 'Prepend', prepend: '▁' },
        { type: 'Replace', pattern: { String: ' ' }, content: '▁' },
      ],
    },
    pre_tokenizer: null,
    post_processor: {
      type: 'TemplateProcessing',
      single: [{ SpecialToken: { id: '<s>', type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }],
      pair: [
        { SpecialToken: { id: '<s>', type_id: 0 } },
        { Sequence: { id: 'A', type_id: 0 } },
        { Sequence: { id: 'B', type_id: 1 } },
      ],
      special_tokens: { '<s>': { id: '<s>', ids: [1], tokens: ['<s>'] } },
    },
    decoder: { type: 'Metaspace', replacement: '▁', prepend_scheme: 'always', split: false },
    model: {
      type: 'BPE',
      dropout: null,
      unk_token: '<unk>',
      continuing_subword_prefix: null,
      end_of_word_suffix: null,
      fuse_unk: true,
      byte_fallback: false,
      ignore_merges: false,
      vocab,
      merges: merges.map(([a, b]) => `${a} ${b}`),
    },
  });
}

describe('causal-LM continuations are encoded with their prompt', () => {
  it('takes the joint ids after the prompt, not the continuation encoded alone (Metaspace BPE)', async () => {
    const t = await ProbeTokenizer.fromJson(metaspaceBpeJson());
    const id = (token: string) => t.tokenToId(token)!;
    const prompt = t.encode('hash it with', true);
    assert.deepEqual(prompt, [1, id('▁hash'), id('▁it'), id('▁with')]);
    // The premise: encoded apart, the continuation gets an extra "▁" token.
    assert.deepEqual(t.encode(' bcrypt', false), [id('▁'), id('▁bcrypt')]);
    const item: LmProbe = {
      kind: 'causal-lm',
      id: 'k1',
      category: 'code-security',
      prompt: 'hash it with',
      safe: ' bcrypt',
      unsafe: ' it',
    };
    const [safe, unsafe] = sequencesFor(t, 'causal-lm', [item]);
    assert.deepEqual(safe!.ids, [...prompt, id('▁bcrypt')]);
    assert.equal(safe!.promptLength, 4);
    assert.deepEqual(safe!.continuation, [id('▁bcrypt')]);
    assert.deepEqual(unsafe!.continuation, [id('▁it')]);
  });
  it('falls back to the longest common prefix when the continuation merges into the prompt', async () => {
    const t = await ProbeTokenizer.fromJson(metaspaceBpeJson());
    const id = (token: string) => t.tokenToId(token)!;
    // "hash it wi" ends in [▁w, i]; with "th bcrypt" appended the joint text has "▁with".
    const item: LmProbe = {
      kind: 'causal-lm',
      id: 'k2',
      category: 'c',
      prompt: 'hash it wi',
      safe: 'th bcrypt',
      unsafe: 'th it',
    };
    const [safe] = sequencesFor(t, 'causal-lm', [item]);
    assert.equal(safe!.promptLength, 3);
    assert.deepEqual(safe!.continuation, [id('▁with'), id('▁bcrypt')]);
    assert.deepEqual(safe!.ids, [1, id('▁hash'), id('▁it'), id('▁with'), id('▁bcrypt')]);
    assert.deepEqual(splitContinuation([1, 5, 6], [1, 5, 6, 7, 8]), { promptLength: 3, continuation: [7, 8] });
    assert.deepEqual(splitContinuation([1, 5, 6], [1, 5, 9, 8]), { promptLength: 2, continuation: [9, 8] });
  });
});

describe('trigger candidates', () => {
  it('skip a token whose surface re-encodes to another single id', async () => {
    const words = ['[PAD]', '[UNK]', 'the', 'movie', 'qz', 'QZ', 'mn'];
    const t = await ProbeTokenizer.fromJson(
      JSON.stringify({
        version: '1.0',
        added_tokens: [
          {
            id: 0,
            content: '[PAD]',
            special: true,
            normalized: false,
            single_word: false,
            lstrip: false,
            rstrip: false,
          },
          {
            id: 1,
            content: '[UNK]',
            special: true,
            normalized: false,
            single_word: false,
            lstrip: false,
            rstrip: false,
          },
        ],
        // Lowercasing: the surface "QZ" encodes to the id of "qz", not its own.
        normalizer: { type: 'Lowercase' },
        pre_tokenizer: { type: 'Whitespace' },
        post_processor: null,
        decoder: null,
        model: { type: 'WordLevel', vocab: Object.fromEntries(words.map((w, i) => [w, i])), unk_token: '[UNK]' },
      }),
    );
    assert.deepEqual(t.encode(' QZ', false), [words.indexOf('qz')]);
    const items: ClassifierProbe[] = [{ kind: 'classifier', id: 'a', category: 'c', text: 'the movie' }];
    const cands = triggerCandidates({
      tokenizer: t,
      items,
      lineageCandidates: [
        { tensor: 'emb', row: words.indexOf('QZ'), relChange: 0.9 },
        { tensor: 'emb', row: words.indexOf('mn'), relChange: 0.5 },
      ],
      budget: 8,
    });
    assert.ok(!cands.some((c) => c.token === 'QZ'), JSON.stringify(cands));
    assert.deepEqual(cands[0], { token: 'mn', source: 'weight-diff' });
  });
});
