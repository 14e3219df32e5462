import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { checkChatTemplate, MAX_TEMPLATE_CHARS, type TemplateIssue } from './chat-template-check.ts';

/** Labelled by the real jinja2 (scripts/differential/gen_templates.py). */
interface Case {
  template: string;
  kind: 'real' | 'variant' | 'payload';
  intent: 'benign' | 'malicious';
  reaches_underscore: boolean;
  ran: boolean;
  sandbox_blocked: boolean;
  renders: boolean;
  note: string;
}

const CASES: Case[] = readFileSync(new URL('../../test/fixtures/differential/templates.jsonl', import.meta.url), 'utf8')
  .split('\n')
  .filter((l) => l.trim() !== '')
  .map((l) => JSON.parse(l) as Case);

const levels = (t: string): TemplateIssue['level'][] => checkChatTemplate(t).map((i) => i.level);
const isMalicious = (t: string): boolean => levels(t).includes('malicious');
const show = (c: Case): string =>
  `${c.note}\n${c.template.slice(0, 400)}\n${JSON.stringify(checkChatTemplate(c.template))}`;

test('the differential corpus is large and labelled by jinja2', () => {
  assert.ok(CASES.length >= 500, `${CASES.length} cases`);
  assert.ok(CASES.filter((c) => c.ran).length >= 50, 'too few payloads ran under jinja2');
  assert.ok(CASES.filter((c) => c.sandbox_blocked).length >= 50);
  assert.ok(CASES.filter((c) => c.kind === 'real').length >= 15);
});

test('every template whose payload ran under jinja2 is malicious', () => {
  for (const c of CASES.filter((c) => c.ran)) assert.ok(isMalicious(c.template), show(c));
});

test('every template that reaches an attribute starting with _ is malicious', () => {
  for (const c of CASES.filter((c) => c.sandbox_blocked || c.reaches_underscore))
    assert.ok(isMalicious(c.template), show(c));
});

test('published chat templates have no issue at all', () => {
  for (const c of CASES.filter((c) => c.kind === 'real')) assert.deepEqual(checkChatTemplate(c.template), [], c.note);
});

test('benign variations are never malicious', () => {
  for (const c of CASES.filter((c) => c.intent === 'benign')) {
    assert.ok(c.renders || c.kind === 'real', `the oracle could not render ${c.note}`);
    assert.ok(!isMalicious(c.template), show(c));
  }
});

/** [rule, template, the name the check must resolve (when it folds one)] */
const MALICIOUS: [string, string, string?][] = [
  ['dunder attribute', '{{ x.__class__ }}'],
  ['private attribute', '{{ x._private }}'],
  ['dunder item', "{{ x['__class__'] }}", '__class__'],
  ['attr filter', "{{ x|attr('__class__') }}", '__class__'],
  ['attr filter with a keyword', "{{ x|attr(name='_priv' ~ 'ate') }}", '_private'],
  ['attr filter on a name assembled in a loop', '{% for c in y %}{% set n = n ~ c %}{% endfor %}{{ x|attr(n) }}'],
  ['item assembled from an unknown piece', "{{ x[y ~ 'class__'] }}"],
  ['concatenation with ~', "{{ x['__cla' ~ 'ss__'] }}", '__class__'],
  ['concatenation with +', "{{ x['__cla' + 'ss__'] }}", '__class__'],
  ['repetition', "{{ x|attr('_' * 2 ~ 'class' ~ '_' * 2) }}", '__class__'],
  ['printf filter', "{{ x|attr('%c%c'|format(95, 95) ~ 'class__') }}", '__class__'],
  ['printf operator', "{{ x|attr(('%c' % 95) * 2 ~ 'class__') }}", '__class__'],
  ['hex escape', "{{ x|attr('\\x5f\\x5fclass\\x5f\\x5f') }}", '__class__'],
  ['unicode escape', "{{ x|attr('\\u005f\\u005fclass\\u005f\\u005f') }}", '__class__'],
  ['octal escape', "{{ x|attr('\\137\\137class\\137\\137') }}", '__class__'],
  ['named escape', "{{ x|attr('\\N{LOW LINE}\\N{LOW LINE}class\\N{LOW LINE}\\N{LOW LINE}') }}", '__class__'],
  ['join filter', "{{ x|attr(['_', '_', 'cla', 'ss', '_', '_']|join) }}", '__class__'],
  ['reverse filter', "{{ x|attr('__ssalc__'|reverse) }}", '__class__'],
  ['replace filter', "{{ x|attr('XXclassXX'|replace('X', '_')) }}", '__class__'],
  ['lower filter', "{{ x|attr('__CLASS__'|lower) }}", '__class__'],
  ['str.join', "{{ x|attr(''.join(['__cla', 'ss__'])) }}", '__class__'],
  ['str.format', "{{ x|attr('{}{}class{}{}'.format('_', '_', '_', '_')) }}", '__class__'],
  ['slice', "{{ x|attr('__class__zz'[:9]) }}", '__class__'],
  ['first of a list', "{{ x|attr(['__class__']|first) }}", '__class__'],
  ['default of an undefined name', "{{ x|attr(nothing|default('__class__')) }}"],
  ['set variable', "{% set a = '__cla' %}{% set b = a ~ 'ss__' %}{{ x[b] }}", '__class__'],
  [
    'variable set after its use in a loop',
    "{% for m in messages %}{{ x[b] }}{% set b = '_' * 2 ~ 'class__' %}{% endfor %}",
    '__class__',
  ],
  ['with block', "{% with a = '__cl' ~ 'ass__' %}{{ x|attr(a) }}{% endwith %}", '__class__'],
  ['set block', '{% set n %}__class__{% endset %}{{ x|attr(n) }}', '__class__'],
  ['macro output', '{% macro m() %}__class__{% endmacro %}{{ x|attr(m()) }}', '__class__'],
  ['macro argument', "{% macro m(n) %}{{ x|attr(n) }}{% endmacro %}{{ m('_' * 2 ~ 'class' ~ '_' * 2) }}", '__class__'],
  ['loop variable over constants', "{% for n in ['__cla' ~ 'ss__'] %}{{ x[n] }}{% endfor %}", '__class__'],
  [
    'namespace accumulator',
    "{% set ns = namespace(s='') %}{% for c in [95, 95] %}{% set ns.s = ns.s ~ '%c'|format(c) %}{% endfor %}{{ x|attr(ns.s ~ 'class' ~ ns.s) }}",
  ],
  [
    'caller body',
    '{% macro m() %}{{ x|attr(caller()) }}{% endmacro %}{% call m() %}__class__{% endcall %}',
    '__class__',
  ],
  ['member of a gadget', '{{ cycler.next }}'],
  ['gadget aliased through a variable', '{% set c = lipsum %}{{ c.x }}'],
  ['gadget in a list', '{% for g in [joiner] %}{{ g.y }}{% endfor %}'],
  ['self context', '{{ self._TemplateReference__context }}'],
  ['Flask request', '{{ request.application }}'],
  ['os.popen', "{{ os.popen('id') }}"],
  ['dereference of os', '{{ os.environ }}'],
  ['variables assigned in reverse order', "{{ x[c] }}{% set c = b %}{% set b = '_priv' ~ 'ate' %}", '_private'],
  ['call of getattr', "{{ getattr(x, 'y') }}"],
  ['popen reached from data', "{{ x.os.popen('id') }}"],
  ['str.format field', "{{ '{0.__class__}'.format(x) }}"],
  ['str.format private field', "{{ '{0._private}'.format(x) }}", '_private'],
  ['map attr', "{{ x|map('attr', '__class__')|list }}", '__class__'],
  ['map attribute path', "{{ x|map(attribute='a.__class__')|list }}"],
  ['selectattr', "{{ x|selectattr('__class__')|list }}", '__class__'],
  ['sort attribute', "{{ x|sort(attribute='__class__') }}", '__class__'],
  ['dict keyword', '{{ dict(__class__=1)|list|first }}'],
  ['braces inside strings', "{{ '}}' ~ x.__class__ ~ '{%' }}"],
  ['whitespace control', '{%- set y = x.__class__ -%}'],
  ['empty tuple', '{{ ().__class__.__base__.__subclasses__() }}'],
  ['one-element tuple', "{{ ('a',).__class__ }}"],
  ['recursive loop', '{% for m in messages recursive %}{{ m.__class__ }}{% endfor %}'],
  ['include argument', '{% include x.__class__ %}'],
  ['do statement', '{% do x.__class__ %}'],
  ['filter block', "{% filter attr('__class__') %}x{% endfilter %}", '__class__'],
  ['repetition past the fold cap', "{{ x|attr('_' * 10**9) }}"],
  ['unparsable template with a dunder', '{{ x, y }}{{ x.__class__ }}'],
  ['test argument', "{{ x is sameas(y|attr('__class__')) }}", '__class__'],
  ['test argument without parentheses', "{{ x is sameas y['__class__'] }}", '__class__'],
];

for (const [rule, t, name] of MALICIOUS)
  test(`malicious: ${rule}`, () => {
    const out = checkChatTemplate(t);
    assert.ok(
      out.some((i) => i.level === 'malicious' && i.what.includes(name ?? '')),
      JSON.stringify(out),
    );
  });

const CLEAN: [string, string][] = [
  ['integer index', '{{ messages[0] }}'],
  ['loop index', '{{ messages[loop.index0] }}'],
  ['index arithmetic', '{{ messages[loop.index0 - 1] }}{{ messages[(messages|length - 1) - loop.index0] }}'],
  ['string key', "{{ message['role'] }}{{ tool['function']['name'] }}"],
  [
    'loop variable key on data',
    '{% for k in tool.parameters.properties %}{{ tool.parameters.properties[k] }}{% endfor %}',
  ],
  ['dict literal keyed by data', "{% set r = {'user': 'U'} %}{{ r[message['role']] }}"],
  ['namespace', '{% set ns = namespace(a=1) %}{% set ns.a = ns.a + 1 %}{{ ns.a }}'],
  ['range', '{% for i in range(messages|length) %}{{ messages[i] }}{% endfor %}'],
  ['plain variable named like a gadget', '{% if system %}{{ system }}{% endif %}'],
  ['string methods', "{{ message.content.split('</think>')[-1].lstrip('\\n') }}"],
  ['slices', '{{ messages[1:] }}{{ messages[::-1] }}'],
  ['selectattr on data', "{{ messages|selectattr('role', 'equalto', 'user')|list }}"],
  ['raw block text', '{% raw %}{{ x.__class__ }}{% endraw %}'],
  ['comment text', '{# {{ x.__class__ }} #}'],
  ['dunder in data text', 'def __init__(self): {{ bos_token }}'],
  [
    'tests with and without arguments',
    "{{ x is divisibleby 3 }}{{ x is divisibleby(3) and y is not none }}{{ 'a' if x is defined else 'b' }}",
  ],
  ['underscore separator', "{{ name|replace('-', '_') }}{{ 'a' ~ '_' ~ 'b' }}"],
];

for (const [rule, t] of CLEAN) test(`clean: ${rule}`, () => assert.deepEqual(checkChatTemplate(t), []));

test('calling a gadget is suspicious, not malicious', () => {
  assert.deepEqual(levels('{{ lipsum(1) }}'), ['suspicious']);
  assert.deepEqual(levels("{% set c = cycler('a', 'b') %}{{ c.next() }}"), ['suspicious']);
});

test('a data-chosen key on a gadget result is at most suspicious', () => {
  const out = checkChatTemplate('{% set j = joiner() %}{% for k in messages %}{{ j[k] }}{% endfor %}');
  assert.ok(out.every((i) => i.level === 'suspicious'));
  assert.ok(
    out.some((i) => i.what.includes('named at render time')),
    JSON.stringify(out),
  );
});

test('an attribute named by render data is suspicious', () => {
  assert.deepEqual(levels('{% for m in messages %}{{ x|attr(m.content) }}{% endfor %}'), ['suspicious']);
});

test('templates that load other templates are suspicious', () => {
  assert.deepEqual(levels("{% include 'other.jinja' %}"), ['suspicious']);
  assert.deepEqual(levels("{% from 'x' import y %}"), ['suspicious']);
});

test('what cannot be checked is unverified, never clean', () => {
  assert.deepEqual(levels('x'.repeat(MAX_TEMPLATE_CHARS + 1)), ['unverified']);
  assert.deepEqual(levels('{{ x, y }}'), ['unverified']);
  assert.deepEqual(levels('{{ x '), ['unverified']);
  assert.deepEqual(levels("{{ '\\N{SNOWMAN}' }}"), ['unverified']);
});

test('deep nesting is bounded and unverified', () => {
  const chain = `{{ ${Array.from({ length: 2000 }, () => "'a'").join(' ~ ')} }}`;
  assert.deepEqual(levels(chain), ['unverified']);
  const parens = `{{ ${'('.repeat(20000)}x${')'.repeat(20000)} }}`;
  assert.ok(levels(parens).includes('unverified'));
});

test('a large template is walked within budget', () => {
  const real = CASES.find((c) => c.kind === 'real' && c.note.startsWith('qwen3'))?.template ?? '';
  const big = real.repeat(Math.floor(MAX_TEMPLATE_CHARS / real.length / 2));
  const started = Date.now();
  const out = checkChatTemplate(big);
  assert.ok(
    out.every((i) => i.level === 'unverified'),
    JSON.stringify(out),
  );
  assert.ok(Date.now() - started < 20_000);
});

test('findings point at the offending token', () => {
  const t = "{{ messages[0] }}{{ x['__class__'] }}";
  const hit = checkChatTemplate(t).find((i) => i.level === 'malicious');
  assert.equal(hit?.offset, t.indexOf("'__class__'"));
});
