import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { FINDING_CODES } from './finding-codes.ts';

test('README.md documents every finding code with its severity', () => {
  const readme = readFileSync(fileURLToPath(new URL('../../README.md', import.meta.url)), 'utf8');
  for (const [code, { severity }] of Object.entries(FINDING_CODES)) {
    assert.match(readme, new RegExp(`^\\| ${code} \\| ${severity} \\| .+ \\|$`, 'm'), `${code} missing from README`);
  }
  const documented = [...readme.matchAll(/^\| (MG-[A-Z]+-\d{3}) \|/gm)].map((m) => m[1]);
  assert.deepEqual(documented.sort(), Object.keys(FINDING_CODES).sort(), 'README lists a code the catalog lacks');
});
