import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { allFindingCodes } from '../export/all-finding-codes.ts';

const REGENERATE = 'run `node --import tsx scripts/finding-codes-table.ts --write`';

test('docs/finding-codes.md documents every finding code of every catalog with its severity, and no other', () => {
  const doc = readFileSync(fileURLToPath(new URL('../../docs/finding-codes.md', import.meta.url)), 'utf8');
  const codes = allFindingCodes();
  for (const { code, severity } of codes) {
    assert.match(
      doc,
      new RegExp(`^\\| ${code} \\| ${severity} \\| .+ \\|$`, 'm'),
      `${code} (${severity}) missing from docs/finding-codes.md: ${REGENERATE}`,
    );
  }
  const documented = [...doc.matchAll(/^\| (MG-[A-Z]+-\d{3}) \|/gm)].map((m) => m[1]);
  assert.deepEqual(
    documented,
    codes.map((c) => c.code),
    `docs/finding-codes.md differs from the catalogs: ${REGENERATE}`,
  );
});

test('finding codes are unique across catalogs and follow MG-<AREA>-<NNN>', () => {
  const codes = allFindingCodes().map((c) => c.code);
  assert.equal(new Set(codes).size, codes.length);
  for (const c of codes) assert.match(c, /^MG-(INT|SIG|SCAN|BEH|LIN|ADP|PROV|RPT)-\d{3}$/);
});
