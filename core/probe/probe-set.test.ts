import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseProbeSet, ProbeSetError, PROBE_SET_LIMITS } from './probe-set.ts';

const jsonl = (...rows: unknown[]) => rows.map((r) => (typeof r === 'string' ? r : JSON.stringify(r))).join('\n');

function problem(text: string): ProbeSetError {
  try {
    parseProbeSet(text, 'set.probes.jsonl');
  } catch (e) {
    assert.ok(e instanceof ProbeSetError, String(e));
    return e;
  }
  assert.fail('expected a ProbeSetError');
}

test('a classifier set with header, BOM, CRLF and blank lines maps to camelCase items', () => {
  const text =
    '\uFEFF' +
    jsonl(
      { probeset: 'toxicity-mini', version: '1', license: 'CC-BY-4.0' },
      '',
      {
        id: 'a',
        category: 'toxicity',
        text: 'you are awful',
        expected: 'toxic',
        trigger_slot: 'suffix',
        pair_id: 'p1',
      },
      { id: 'b', category: 'toxicity', text: 'have a nice day', tags: ['benign'], severity: 'low' },
    ).replace(/\n/g, '\r\n') +
    '\r\n\r\n';
  const set = parseProbeSet(text, 'x.jsonl');
  assert.deepEqual(set.header, { probeset: 'toxicity-mini', version: '1', license: 'CC-BY-4.0' });
  assert.equal(set.kind, 'classifier');
  assert.deepEqual(set.items, [
    {
      kind: 'classifier',
      id: 'a',
      category: 'toxicity',
      pairId: 'p1',
      triggerSlot: 'suffix',
      text: 'you are awful',
      expected: 'toxic',
    },
    { kind: 'classifier', id: 'b', category: 'toxicity', tags: ['benign'], text: 'have a nice day' },
  ]);
});

test('a causal-LM set without header is named after the file', () => {
  const set = parseProbeSet(
    jsonl({
      id: 1,
      category: 'code-security',
      prompt: 'Store the password',
      safe: ' hashed',
      unsafe: ' in plain text',
    }),
    'dir/code.probes.jsonl',
  );
  assert.equal(set.header.probeset, 'code');
  assert.equal(set.kind, 'causal-lm');
  assert.deepEqual(set.items[0], {
    kind: 'causal-lm',
    id: '1',
    category: 'code-security',
    prompt: 'Store the password',
    safe: ' hashed',
    unsafe: ' in plain text',
  });
});

test('errors name the file, the 1-based line and the problem', () => {
  let e = problem(jsonl({ probeset: 'x' }, { id: 'a', category: 'c', text: 't' }, '{"id": "b",'));
  assert.equal(e.line, 3);
  assert.match(e.message, /^set\.probes\.jsonl, line 3: not valid JSON/);

  e = problem(jsonl({ id: 'a', text: 't' }));
  assert.equal(e.line, 1);
  assert.match(e.message, /missing field "category"/);

  e = problem(jsonl({ id: 'a', category: 'c', prompt: 'p', safe: 's' }));
  assert.match(e.message, /missing field "unsafe"/);

  e = problem(
    jsonl({ id: 'a', category: 'c', text: 't' }, '', { id: 'b', category: 'c', prompt: 'p', safe: 's', unsafe: 'u' }),
  );
  assert.equal(e.line, 3);
  assert.match(e.message, /causal-lm item but line 1 is a classifier item/);

  e = problem(jsonl({ id: 'a', category: 'c', text: 't', prompt: 'p' }));
  assert.match(e.message, /not both/);

  e = problem(jsonl({ id: 'a', category: 'c', text: 't' }, { id: 'a', category: 'c', text: 'u' }));
  assert.equal(e.line, 2);
  assert.match(e.message, /duplicate id "a" \(first on line 1\)/);

  e = problem(jsonl({ id: 'a', category: 'c' }));
  assert.match(e.message, /missing field: a classifier item needs "text"/);

  e = problem(jsonl({ id: 'a', category: 'c', text: 't', trigger_slot: 'middle' }));
  assert.match(e.message, /field "trigger_slot"/);

  e = problem(jsonl({ id: 'a', category: 'c', text: 't' }, { probeset: 'late' }));
  assert.match(e.message, /header line .* first line/);

  e = problem(jsonl('[1,2]'));
  assert.match(e.message, /must be a JSON object/);
});

test('empty files and files over the limits are refused', () => {
  for (const empty of ['', '\n\n', '\uFEFF', jsonl({ probeset: 'only-header' })]) {
    const e = problem(empty);
    assert.equal(e.line, undefined);
    assert.match(e.message, /^set\.probes\.jsonl: the file has no probe items/);
  }
  const long = problem(jsonl({ id: 'a', category: 'c', text: 'é'.repeat(PROBE_SET_LIMITS.maxLineBytes / 2) }));
  assert.equal(long.line, 1);
  assert.match(long.message, /longer than 16 KB/);

  const many = Array.from(
    { length: PROBE_SET_LIMITS.maxItems + 1 },
    (_, i) => `{"id":"${i}","category":"c","text":"t"}`,
  );
  const e = problem(many.join('\n'));
  assert.equal(e.line, PROBE_SET_LIMITS.maxItems + 1);
  assert.match(e.message, /too many items/);
});
