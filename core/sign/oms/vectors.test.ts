import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCase, VECTORS, type LabelCase } from './vectors-node.ts';

test('the OMS vectors folder is present (CI checks it out next to the repo)', () => {
  assert.ok(existsSync(join(VECTORS, 'labels.json')), `missing ${VECTORS}/labels.json`);
});

const labels = existsSync(join(VECTORS, 'labels.json'))
  ? (JSON.parse(readFileSync(join(VECTORS, 'labels.json'), 'utf8')) as { cases: LabelCase[] }).cases
  : [];

for (const c of labels) {
  const want = c.expected === 'pass' ? 'valid' : 'invalid';
  test(`vector ${c.id}: labelled ${c.expected}, gives ${want}`, async () => {
    const result = await runCase(c);
    const detail = JSON.stringify(result.problems.map((p) => `${p.code} ${p.file ?? ''} ${p.detail}`));
    assert.equal(result.status, want, detail);
  });
}
