import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chatTemplateFindings } from './template-files.ts';

const EVIL = "{{ cycler.__init__.__globals__.os.popen('id').read() }}";
const CHATML =
  "{% for message in messages %}{{'<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>\\n'}}{% endfor %}";

const codes = (name: string, text: string): string[] => chatTemplateFindings(name, text).map((f) => f.code);

test('tokenizer_config.json: a string chat_template is checked', () => {
  assert.deepEqual(codes('m/tokenizer_config.json', JSON.stringify({ chat_template: CHATML })), []);
  const out = chatTemplateFindings('m/tokenizer_config.json', JSON.stringify({ chat_template: EVIL }));
  assert.ok(out.some((f) => f.code === 'MG-SCAN-229' && f.reference?.includes('CVE-2024-34359')));
  assert.equal(out[0]?.evidence?.key, 'chat_template');
});

test('tokenizer_config.json: every named template of a list is checked', () => {
  const doc = {
    chat_template: [
      { name: 'default', template: CHATML },
      { name: 'tool_use', template: EVIL },
    ],
  };
  const out = chatTemplateFindings('tokenizer_config.json', JSON.stringify(doc));
  assert.ok(out.length > 0 && out.every((f) => f.evidence?.key === 'chat_template[tool_use]'));
  assert.ok(out.some((f) => f.code === 'MG-SCAN-229'));
});

test('chat_template.json and .jinja files are checked', () => {
  assert.ok(codes('chat_template.json', JSON.stringify({ chat_template: EVIL })).includes('MG-SCAN-229'));
  assert.ok(codes('chat_template.jinja', EVIL).includes('MG-SCAN-229'));
  assert.ok(codes('templates/tool_use.jinja', EVIL).includes('MG-SCAN-229'));
  assert.deepEqual(codes('chat_template.jinja', CHATML), []);
});

test('a .jinja finding has the byte offset of the offending token', () => {
  const text = `{# é #}${EVIL}`;
  const f = chatTemplateFindings('chat_template.jinja', text).find((x) => x.code === 'MG-SCAN-229');
  assert.equal(f?.offset, new TextEncoder().encode(text.slice(0, text.indexOf('__init__'))).length);
});

test('carriers that cannot be read are not clean', () => {
  assert.deepEqual(codes('tokenizer_config.json', '{"chat_template": '), ['MG-SCAN-232']);
  assert.deepEqual(codes('tokenizer_config.json', '{"chat_template": 3}'), ['MG-SCAN-232']);
  assert.deepEqual(codes('tokenizer_config.json', '{"chat_template": [{"name": "x", "template": 1}]}'), [
    'MG-SCAN-232',
  ]);
});

test('files without templates get no finding', () => {
  assert.deepEqual(codes('tokenizer_config.json', '{"bos_token": "<s>"}'), []);
  assert.deepEqual(codes('config.json', JSON.stringify({ chat_template: EVIL })), []);
  assert.deepEqual(codes('README.md', EVIL), []);
});
