import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { allFindingCodes } from './all-finding-codes.ts';

test('README.md documents every finding code of every catalog with its severity, and no other', () => {
  const readme = readFileSync(fileURLToPath(new URL('../../README.md', import.meta.url)), 'utf8');
  const codes = allFindingCodes();
  for (const { code, severity } of codes) {
    assert.match(readme, new RegExp(`^\\| ${code} \\| ${severity} \\| .+ \\|$`, 'm'), `${code} missing from README`);
  }
  const documented = [...readme.matchAll(/^\| (MG-[A-Z]+-\d{3}) \|/gm)].map((m) => m[1]);
  assert.deepEqual(
    documented,
    codes.map((c) => c.code),
    'README table differs: run scripts/finding-codes-table.ts',
  );
});

test('finding codes are unique across catalogs and follow MG-<AREA>-<NNN>', () => {
  const codes = allFindingCodes().map((c) => c.code);
  assert.equal(new Set(codes).size, codes.length);
  for (const c of codes) assert.match(c, /^MG-(INT|SIG|SCAN|BEH|LIN|PROV|RPT)-\d{3}$/);
});
