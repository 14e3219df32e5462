import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_CONFIG_YAML_BYTES, readConfigYaml } from './config-yaml.ts';

const kinds = (text: string) => readConfigYaml(text).problems.map((p) => p.kind);

test('a config parses to its value, merge keys resolved as PyYAML does', () => {
  const r = readConfigYaml('base: &b {_target_: torch.nn.ReLU}\nmodel:\n  <<: *b\n  size: 4\n');
  assert.ok(r.ok);
  assert.deepEqual(r.value, { base: { _target_: 'torch.nn.ReLU' }, model: { _target_: 'torch.nn.ReLU', size: 4 } });
});

test('double-quoted escapes are read: "\\x5ftarget_" is the key _target_', () => {
  const r = readConfigYaml('"\\x5ftarget_": os.system\n');
  assert.ok(r.ok);
  assert.deepEqual(r.value, { _target_: 'os.system' });
});

test('a repeated key is a duplicate-key problem (OmegaConf raises, safe_load keeps the last)', () => {
  assert.deepEqual(kinds('a: 1\na: 2\n'), ['duplicate-key']);
});

test('a python tag is reported as such, on scalars and collections', () => {
  assert.deepEqual(kinds('x: !!python/object/apply:os.system ["id"]\n'), ['python-tag']);
  assert.deepEqual(kinds('x: !!python/name:os.system ""\n'), ['python-tag']);
});

test('another unknown tag is a syntax problem (a SafeLoader has no constructor for it)', () => {
  assert.deepEqual(kinds('x: !custom 1\n'), ['syntax']);
});

test('more than one document is refused', () => {
  assert.deepEqual(kinds('a: 1\n---\nb: 2\n'), ['multi-document']);
});

test('a syntax error is reported, not thrown', () => {
  assert.deepEqual(kinds('a: [1,\n'), ['syntax']);
});

test('an alias bomb stops at the alias limit', () => {
  let text = 'a: &a [x, x, x, x, x, x, x, x, x, x]\n';
  const names = 'abcdefghi';
  for (let i = 1; i < names.length; i++) {
    text += `${names[i]}: &${names[i]} [${Array(10)
      .fill(`*${names[i - 1]}`)
      .join(', ')}]\n`;
  }
  assert.deepEqual(kinds(text), ['limit']);
});

test('text over the size cap is not parsed', () => {
  assert.deepEqual(kinds(`a: "${'x'.repeat(MAX_CONFIG_YAML_BYTES)}"\n`), ['limit']);
});

test('deep nesting is a limit, whether it overflows the parser or the walk', () => {
  const flow = '['.repeat(5000) + ']'.repeat(5000);
  assert.ok(kinds(flow).every((k) => k === 'limit'));
  let block = '';
  for (let i = 0; i < 200; i++) block += `${' '.repeat(i)}k:\n`;
  assert.deepEqual(kinds(`${block}${' '.repeat(200)}v: 1\n`), ['limit']);
});
