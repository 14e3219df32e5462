import { test } from 'node:test';
import assert from 'node:assert/strict';
import { importPromptfoo, parseCsv } from './import-promptfoo.ts';
import { ProbeSetError } from './probe-set.ts';

test('the CSV parser follows RFC 4180 (quotes, escaped quotes, embedded commas and newlines, CRLF)', () => {
  const { rows, lines } = parseCsv('a,b,c\r\n"x, y","say ""hi""","two\nlines"\r\n\r\nlast,,\n');
  assert.deepEqual(rows, [
    ['a', 'b', 'c'],
    ['x, y', 'say "hi"', 'two\nlines'],
    ['last', '', ''],
  ]);
  assert.deepEqual(lines, [1, 2, 5]);
  assert.throws(() => parseCsv('a\n"open', 'f.csv'), ProbeSetError);
});

test('promptfoo CSV: vars, __expected (bare or equals:), category and description', () => {
  const csv = [
    'input,context,__expected,__metadata:category,__description',
    'I hate you,chat,toxic,toxicity,insult',
    '"Nice, thanks",chat,equals: non-toxic,toxicity,',
    'whatever,chat,contains: foo,,',
  ].join('\n');
  const set = importPromptfoo(csv, 'tests.csv');
  assert.equal(set.kind, 'classifier');
  assert.deepEqual(set.header, { probeset: 'tests', source: 'promptfoo' });
  assert.deepEqual(set.items, [
    { kind: 'classifier', id: 'promptfoo-1', category: 'toxicity', text: 'I hate you', expected: 'toxic' },
    { kind: 'classifier', id: 'promptfoo-2', category: 'toxicity', text: 'Nice, thanks', expected: 'non-toxic' },
    { kind: 'classifier', id: 'promptfoo-3', category: 'uncategorized', text: 'whatever' },
  ]);
});

test('promptfoo JSONL: text precedence, equals assertion, metadata category; LM items from prompt/safe/unsafe', () => {
  const jsonl = [
    {
      vars: { question: 'q1', text: 'the text' },
      assert: [{ type: 'equals', value: 'positive' }],
      metadata: { category: 'sentiment' },
    },
    { vars: { question: 'only var' }, assert: [{ type: 'contains', value: 'x' }] },
  ]
    .map((r) => JSON.stringify(r))
    .join('\n');
  const set = importPromptfoo(jsonl, 'tests.jsonl');
  assert.deepEqual(
    set.items.map((i) => (i.kind === 'classifier' ? [i.text, i.expected, i.category] : [])),
    [
      ['the text', 'positive', 'sentiment'],
      ['only var', undefined, 'uncategorized'],
    ],
  );
  const lm = importPromptfoo(
    JSON.stringify([{ vars: { prompt: 'p', safe: ' s', unsafe: ' u' }, metadata: { category: 'code-security' } }]),
    'lm.json',
  );
  assert.equal(lm.kind, 'causal-lm');
  assert.deepEqual(lm.items[0], {
    kind: 'causal-lm',
    id: 'promptfoo-1',
    category: 'code-security',
    prompt: 'p',
    safe: ' s',
    unsafe: ' u',
  });
});

test('promptfoo errors name the line', () => {
  assert.throws(
    () => importPromptfoo('{"vars":{"text":"a"}}\n{"novars":1}', 't.jsonl'),
    (e: unknown) => e instanceof ProbeSetError && e.line === 2 && /needs a "vars" object/.test(e.message),
  );
  assert.throws(
    () => importPromptfoo('input\n', 't.csv'),
    (e: unknown) => e instanceof ProbeSetError && /no probe items/.test(e.message),
  );
});
