import { test } from 'node:test';
import assert from 'node:assert/strict';
import { revealText, revealedPlainText } from './reveal-text.ts';

test('a right-to-left override in a file name is made visible and named', () => {
  const r = revealText('config\u202Enosj.json');
  assert.equal(r.marked, true);
  assert.equal(revealedPlainText('config\u202Enosj.json'), 'config⟨U+202E⟩nosj.json');
  const piece = r.pieces.find((p) => p.kind === 'hidden');
  assert.deepEqual(piece && piece.kind === 'hidden' && piece.label, 'RIGHT-TO-LEFT OVERRIDE');
});

test('every bidi control, zero-width and control character is revealed', () => {
  const hiddenChars = [
    0x202a, 0x202b, 0x202c, 0x202d, 0x202e, 0x2066, 0x2067, 0x2068, 0x2069, 0x200e, 0x200f, 0x061c, 0x200b, 0x200c,
    0x200d, 0x2060, 0xfeff, 0x1b, 0x0a, 0x0d, 0x09, 0x00, 0x7f, 0xa0, 0x2028, 0x3000, 0xe000,
  ];
  for (const cp of hiddenChars) {
    const r = revealText(`a${String.fromCodePoint(cp)}b`);
    assert.equal(r.marked, true, `U+${cp.toString(16)}`);
    assert.equal(r.pieces.length, 3, `U+${cp.toString(16)}`);
  }
});

test('ordinary names, inner spaces and non-Latin scripts stay plain text', () => {
  for (const name of ['model.safetensors', 'onnx/model.onnx', 'my model v2.bin', 'модель.bin', '模型.bin', 'é.txt']) {
    const r = revealText(name);
    assert.equal(r.marked, false, name);
    assert.deepEqual(r.pieces, [{ kind: 'text', text: name }]);
  }
});

test('spaces at the ends of a name become visible, inner ones do not', () => {
  assert.equal(revealedPlainText(' a b '), '⟨U+0020⟩a b⟨U+0020⟩');
  assert.equal(revealedPlainText('   '), '⟨U+0020⟩⟨U+0020⟩⟨U+0020⟩');
});

test('a name mixing look-alike scripts (Latin with Cyrillic) is flagged', () => {
  assert.deepEqual(revealText('gpt2-оfficial').mixedScripts, ['Latin', 'Cyrillic']);
  assert.deepEqual(revealText('gpt2-official').mixedScripts, []);
  assert.deepEqual(revealText('модель').mixedScripts, []);
});

test('fullwidth and mathematical letters that fold to plain ones are flagged', () => {
  assert.deepEqual(revealText('Ｍｅｔａ-Llama').mixedScripts, ['Latin', 'fullwidth or mathematical']);
  assert.deepEqual(revealText('𝐌𝐞𝐭𝐚').mixedScripts, ['fullwidth or mathematical']);
});
