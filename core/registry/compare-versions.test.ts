import { test } from 'node:test';
import assert from 'node:assert/strict';
import { REPORT_SCHEMA_ID, ReportSchema } from '../report/schema.ts';
import { compareVersions, otherVersions } from './compare-versions.ts';
import { RegistryEntrySchema, type RegistryEntry } from './schema.ts';

const hex = (c: string) => c.repeat(64);

function entry(id: string, name: string, version: string, savedAt: string, files: RegistryEntry['files']) {
  return RegistryEntrySchema.parse({
    schemaVersion: 1,
    id,
    name,
    version,
    savedAt,
    files,
    report: ReportSchema.parse({
      schema: REPORT_SCHEMA_ID,
      createdAt: savedAt,
      tool: { name: 'modelgate', version: '0.1.0' },
      environment: { runtime: 'node' },
      subject: { name, files },
      verdict: 'pass',
      checks: [],
      findings: [],
    }),
  });
}

const v1 = entry('a', 'm', '1.0', '2026-11-01T00:00:00.000Z', [
  { path: 'config.json', size: 2, sha256: hex('a') },
  { path: 'model.bin', size: 9, sha256: hex('b') },
  { path: 'old.txt', size: 1, sha256: hex('c') },
]);
const v2 = entry('b', 'm', '2.0', '2026-11-02T00:00:00.000Z', [
  { path: 'config.json', size: 2, sha256: hex('a') },
  { path: 'model.bin', size: 9, sha256: hex('d') },
  { path: 'new.txt', size: 1, sha256: hex('e') },
]);

test('two versions are compared from the one saved first to the one saved later, in either order', () => {
  for (const diff of [compareVersions(v1, v2), compareVersions(v2, v1)]) {
    assert.equal(diff.from.version, '1.0');
    assert.equal(diff.to.version, '2.0');
    assert.deepEqual(diff.comparison.changed, ['model.bin']);
    assert.deepEqual(diff.comparison.added, ['new.txt']);
    assert.deepEqual(diff.comparison.removed, ['old.txt']);
    assert.equal(diff.comparison.unchanged, 1);
  }
});

test('entries of two different models are not versions of one: refused', () => {
  const other = entry('c', 'other', '1.0', '2026-11-03T00:00:00.000Z', []);
  assert.throws(() => compareVersions(v1, other), /different models/);
});

test('the other versions of a model, newest first, leave out the entry itself and other names', () => {
  const v3 = entry('d', 'm', '3.0', '2026-11-03T00:00:00.000Z', []);
  const other = entry('c', 'other', '1.0', '2026-11-04T00:00:00.000Z', []);
  assert.deepEqual(
    otherVersions(v1, [v1, v2, other, v3]).map((e) => e.version),
    ['3.0', '2.0'],
  );
});
