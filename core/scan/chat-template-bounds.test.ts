import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { checkChatTemplate } from './chat-template-check.ts';
import { MAX_TEMPLATE_NESTING } from './chat-template-parse.ts';
import { chatTemplateFindings } from './template-files.ts';

const nestedIfs = (n: number) => `${'{% if x %}'.repeat(n)}{{ x }}${'{% endif %}'.repeat(n)}`;
const whats = (template: string) => checkChatTemplate(template).map((i) => `${i.level}: ${i.what}`);
const refused = `unverified: could not be verified: the parser rejected it (nested deeper than ${MAX_TEMPLATE_NESTING} levels)`;

test('a template nested past the bound is unverified in plain words, never by a stack overflow', () => {
  for (const template of [
    nestedIfs(MAX_TEMPLATE_NESTING + 1),
    nestedIfs(20_000),
    `{{ ${'('.repeat(50_000)}x${')'.repeat(50_000)} }}`,
    `{{ ${'['.repeat(50_000)}${']'.repeat(50_000)} }}`,
    `{{ ${'not '.repeat(50_000)}x }}`,
    `{{ ${'-'.repeat(50_000)}1 }}`,
    `${'{% for a in b %}'.repeat(5000)}{{ a }}${'{% endfor %}'.repeat(5000)}`,
    `${'{% set x %}'.repeat(5000)}y${'{% endset %}'.repeat(5000)}`,
  ]) {
    assert.deepEqual(whats(template), [refused], template.slice(0, 30));
  }
});

test('at the bound, and in real templates, nesting is read as before', () => {
  assert.deepEqual(whats(nestedIfs(MAX_TEMPLATE_NESTING)), []);
  assert.deepEqual(whats(`{{ ${'('.repeat(MAX_TEMPLATE_NESTING - 1)}x${')'.repeat(MAX_TEMPLATE_NESTING - 1)} }}`), []);
  // `set` with `=` opens no block; elif/else close none.
  const flat = `${'{% set a = (1) %}'.repeat(500)}${'{% if a %}1{% elif b %}2{% else %}3{% endif %}'.repeat(500)}`;
  assert.deepEqual(whats(flat), []);
  const template =
    "{% for message in messages %}{% if message['role'] == 'user' %}{{ '<|user|>' + message['content'] }}{% endif %}{% endfor %}";
  assert.deepEqual(whats(template), []);
});

test('hostile/deep-tokenizer: a tokenizer_config.json nested 10 000 deep is unverified naming the bound', () => {
  const text = readFileSync(
    new URL('../../test/fixtures/hostile/deep-tokenizer/tokenizer_config.json', import.meta.url),
    'utf8',
  );
  const findings = chatTemplateFindings('tokenizer_config.json', text);
  assert.deepEqual(
    findings.map((f) => [f.code, f.detail]),
    [
      [
        'MG-SCAN-232',
        'tokenizer_config.json is nested deeper than 256 levels, so its chat template could not be checked',
      ],
    ],
  );
});
