import { test } from 'node:test';
import assert from 'node:assert/strict';
import { safeFileStem } from './download-blob.ts';
import { reportFileNames } from './download-report.ts';
import { bomFileName } from './download-bom.ts';

test('a plain model name is kept as it is', () => {
  assert.equal(safeFileStem('bert-base_uncased.v2'), 'bert-base_uncased.v2');
});

test('path separators, spaces and non-ASCII characters become underscores', () => {
  assert.equal(safeFileStem('../../etc/passwd'), 'etc_passwd');
  assert.equal(safeFileStem('C:\\Users\\me'), 'C_Users_me');
  assert.equal(safeFileStem('my model'), 'my_model');
  // A bidi override would make "evil\u202Egpj.exe" read as "evilexe.jpg"; a Cyrillic а looks like a Latin a.
  assert.equal(safeFileStem('evil\u202Egpj.exe'), 'evil_gpj.exe');
  assert.equal(safeFileStem('p\u0430ypal'), 'p_ypal');
});

test('no leading dot (a hidden file) and no trailing dot (Windows drops it)', () => {
  assert.equal(safeFileStem('.bashrc'), 'bashrc');
  assert.equal(safeFileStem('model...'), 'model');
});

test('a name with nothing usable falls back to "model"', () => {
  assert.equal(safeFileStem(''), 'model');
  assert.equal(safeFileStem('..'), 'model');
  assert.equal(safeFileStem('模型'), 'model');
});

test('a very long name is cut to 100 characters', () => {
  assert.equal(safeFileStem('a'.repeat(5000)), 'a'.repeat(100));
});

test('a Windows device name is never the whole stem', () => {
  assert.equal(safeFileStem('NUL'), 'model-NUL');
  assert.equal(safeFileStem('com1.v2'), 'model-com1.v2');
  assert.equal(safeFileStem('console'), 'console');
});

test('the report, SARIF and BOM downloads are named after the sanitised model name', () => {
  assert.deepEqual(reportFileNames('org/my model'), {
    json: 'org_my_model.modelgate.json',
    sarif: 'org_my_model.sarif',
  });
  assert.equal(bomFileName('org/my model'), 'org_my_model.cdx.json');
  assert.deepEqual(reportFileNames('/'), { json: 'model.modelgate.json', sarif: 'model.sarif' });
});
