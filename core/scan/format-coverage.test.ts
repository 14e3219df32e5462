import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { HANDLERS } from './handlers.ts';
import { BUILT_IN_ROUTES, FORMAT_COVERAGE } from './format-coverage.ts';
import { withCoverageTable } from './format-coverage-doc.ts';

const registered = new Set(HANDLERS.map((h) => h.format));
const routes = new Set<string>([...registered, ...BUILT_IN_ROUTES]);

test('every format in the scanner registry has a row in the coverage table', () => {
  const covered = new Set(FORMAT_COVERAGE.flatMap((r) => r.handlers));
  assert.deepEqual(
    [...registered].filter((f) => !covered.has(f)),
    [],
  );
});

test('every row names registry entries that exist', () => {
  for (const row of FORMAT_COVERAGE) {
    for (const id of row.handlers) assert.ok(routes.has(id), `${row.format}: ${id} is not in the registry`);
  }
});

test('no format the broadest open scanner reads is missing from ModelGate', () => {
  const missing = FORMAT_COVERAGE.filter((r) => r.modelaudit !== null && r.handlers.length === 0);
  assert.deepEqual(
    missing.map((r) => r.format),
    [],
  );
});

test('docs/formats.md shows the table as the code has it', () => {
  const doc = readFileSync(fileURLToPath(new URL('../../docs/formats.md', import.meta.url)), 'utf8');
  assert.equal(doc, withCoverageTable(doc), 'run: node --import tsx scripts/format-coverage-table.ts --write');
});
