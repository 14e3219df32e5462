import { test } from 'node:test';
import assert from 'node:assert/strict';
import { memorySource } from '../io/byte-source.ts';
import { scanFile } from './scan-file.ts';

const enc = new TextEncoder();
const ESCAPE = "{{ cycler.__init__.__globals__.os.popen('id').read() }}";
const CHATML =
  "{% for message in messages %}{{ '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>\\n' }}{% endfor %}";

function scanText(name: string, text: string) {
  return scanFile(memorySource(name, enc.encode(text)));
}

test('a tokenizer_config.json whose chat template escapes the sandbox is malicious', async () => {
  const o = await scanText('tokenizer_config.json', JSON.stringify({ chat_template: ESCAPE }));
  assert.equal(o.verdict, 'malicious');
});

test('a chat_template.jinja file is checked as a template', async () => {
  assert.equal((await scanText('chat_template.jinja', ESCAPE)).verdict, 'malicious');
  assert.equal((await scanText('chat_template.jinja', CHATML)).verdict, 'benign');
});

test('an ordinary chat template in tokenizer_config.json stays benign text', async () => {
  const o = await scanText('tokenizer_config.json', JSON.stringify({ chat_template: CHATML, model_max_length: 512 }));
  assert.equal(o.verdict, 'benign', o.findings.map((f) => f.detail).join('\n'));
});

test('the same template text in a file no loader renders is not checked as one', async () => {
  assert.equal((await scanText('notes.md', ESCAPE)).verdict, 'benign');
});

test('an empty file is never clean text: could not verify, with a finding naming it', async () => {
  for (const name of ['config.json', 'pytorch_model.bin', 'README.md']) {
    const outcome = await scanFile(memorySource(name, new Uint8Array(0)));
    assert.equal(outcome.verdict, 'unverified', name);
    assert.deepEqual(
      outcome.findings.map((f) => [f.code, f.severity]),
      [['MG-SCAN-905', 'medium']],
      name,
    );
  }
  // One byte of text is still text: the rule is about emptiness, not about short files.
  assert.equal((await scanFile(memorySource('a.txt', new Uint8Array([0x61])))).verdict, 'benign');
});
