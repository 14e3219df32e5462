import { test } from 'node:test';
import assert from 'node:assert/strict';
import { REPORT_SCHEMA_ID, ReportSchema, type Report } from '../report/schema.ts';
import { compareWithEntry } from './compare-entry.ts';
import { mergeImport } from './merge-import.ts';
import { behaviorDrift } from './behavior-drift.ts';
import { makeExport, parseExport, RegistryFormatError, upgradeEntry } from './upgrade.ts';
import { RegistryEntrySchema, type BehaviorBaseline, type RegistryEntry } from './schema.ts';
import type { ModelRun } from '../probe/types.ts';

const hex = (c: string) => c.repeat(64);

function report(files: { path: string; size: number; sha256?: string }[]): Report {
  return ReportSchema.parse({
    schema: REPORT_SCHEMA_ID,
    createdAt: '2026-11-26T10:00:00.000Z',
    tool: { name: 'modelgate', version: '0.1.0' },
    environment: { runtime: 'node' },
    subject: { name: 'm', files },
    verdict: 'pass',
    checks: [],
    findings: [],
  });
}

const FILES = [
  { path: 'config.json', size: 10, sha256: hex('a') },
  { path: 'model.safetensors', size: 100, sha256: hex('b') },
  { path: 'README.md', size: 5, sha256: hex('c') },
];

function entry(patch: Partial<RegistryEntry> = {}): RegistryEntry {
  return RegistryEntrySchema.parse({
    schemaVersion: 1,
    id: 'e1',
    name: 'm',
    version: '1.0',
    savedAt: '2026-11-26T10:00:01.000Z',
    files: FILES,
    report: report(FILES),
    ...patch,
  });
}

test('compareWithEntry: identical files give one info finding', () => {
  const c = compareWithEntry(entry(), report(FILES).subject.files);
  assert.deepEqual(
    c.findings.map((f) => f.code),
    ['MG-INT-100'],
  );
  assert.equal(c.unchanged, 3);
  assert.equal(c.against.version, '1.0');
});

test('compareWithEntry: a changed digest is high, added and removed files are medium', () => {
  const now = [
    { path: 'config.json', size: 10, sha256: hex('a') },
    { path: 'model.safetensors', size: 100, sha256: hex('d') },
    { path: 'extra.bin', size: 1, sha256: hex('e') },
  ];
  const c = compareWithEntry(entry(), report(now).subject.files);
  assert.deepEqual(c.changed, ['model.safetensors']);
  assert.deepEqual(c.added, ['extra.bin']);
  assert.deepEqual(c.removed, ['README.md']);
  const byCode = new Map(c.findings.map((f) => [f.code, f]));
  assert.equal(byCode.get('MG-INT-101')?.severity, 'high');
  assert.equal(byCode.get('MG-INT-101')?.file, 'model.safetensors');
  assert.equal(byCode.get('MG-INT-102')?.file, 'README.md');
  assert.equal(byCode.get('MG-INT-103')?.file, 'extra.bin');
  assert.equal(byCode.has('MG-INT-100'), false);
  for (const f of c.findings) ReportSchema.shape.findings.element.parse(f);
});

test('compareWithEntry: a file without a digest on one side cannot be compared unless its size differs', () => {
  const now = [{ path: 'config.json', size: 10 }, { path: 'model.safetensors', size: 99 }, FILES[2]!];
  const codes = compareWithEntry(entry(), report(now).subject.files).findings.map((f) => `${f.code} ${f.file}`);
  assert.deepEqual(codes, ['MG-INT-104 config.json', 'MG-INT-101 model.safetensors']);
});

test('mergeImport: added, identical and conflicts by id or by name and version; nothing is overwritten', () => {
  const stored = [entry(), entry({ id: 'e2', version: '2.0' })];
  const changed = entry({ files: [FILES[0]!] });
  const sameNameVersion = entry({ id: 'e9', version: '2.0', savedAt: '2026-11-27T00:00:00.000Z' });
  const fresh = entry({ id: 'e3', version: '3.0' });
  const r = mergeImport(stored, [stored[0]!, changed, sameNameVersion, fresh, fresh]);
  assert.deepEqual(
    r.added.map((e) => e.id),
    ['e3'],
  );
  assert.deepEqual(
    r.identical.map((e) => e.id),
    ['e1'],
  );
  assert.deepEqual(
    r.conflicts.map((c) => [c.existing.id, c.imported.id, c.reason]),
    [
      ['e1', 'e1', 'same-id'],
      ['e2', 'e9', 'same-name-version'],
    ],
  );
});

test('mergeImport refuses an entry that clashes with two saved entries, or with an unreadable record', () => {
  const stored = [entry(), entry({ id: 'e2', version: '2.0' })];
  // id of e1, name and version of e2: one keep-or-replace choice could not resolve both clashes.
  const both = entry({ id: 'e1', version: '2.0', savedAt: '2026-11-28T00:00:00.000Z' });
  const overUnreadable = entry({ id: 'e7', version: '7.0' });
  const r = mergeImport(stored, [both, overUnreadable], new Set(['e7']));
  assert.deepEqual(r.added, []);
  assert.deepEqual(r.conflicts, []);
  assert.deepEqual(
    r.refused.map((x) => x.imported.id),
    ['e1', 'e7'],
  );
  assert.match(r.refused[0]!.reason, /name and version/);
  assert.match(r.refused[1]!.reason, /could not be read/);
});

test('mergeImport: key order does not make entries differ', () => {
  const e = entry();
  const reordered = JSON.parse(JSON.stringify(Object.fromEntries(Object.entries(e).reverse()))) as RegistryEntry;
  assert.equal(mergeImport([e], [reordered]).identical.length, 1);
});

test('export round trip: parseExport(makeExport(entries)) gives the same entries', () => {
  const entries = [entry(), entry({ id: 'e2', version: '2.0' })];
  const parsed = parseExport(JSON.stringify(makeExport(entries)));
  assert.deepEqual(parsed.entries, entries);
  assert.equal(mergeImport(entries, parsed.entries).identical.length, 2);
});

test('a v0 export (no schemaVersion, no behaviorBaseline) is upgraded to v1', () => {
  const { schemaVersion: _drop, ...v0 } = entry();
  const parsed = parseExport(JSON.stringify({ format: 'modelgate.registry', version: 0, entries: [v0] }));
  assert.equal(parsed.version, 1);
  assert.deepEqual(parsed.entries[0], entry());
  assert.deepEqual(upgradeEntry(v0), entry());
});

test('bad exports are refused with a plain message', () => {
  assert.throws(() => parseExport('not json'), RegistryFormatError);
  assert.throws(() => parseExport('{"format":"other","version":1,"entries":[]}'), /not a ModelGate registry/);
  assert.throws(() => parseExport('{"format":"modelgate.registry","version":7,"entries":[]}'), /newer/);
  const bad = { ...entry(), files: [{ path: 'x', size: -1 }] };
  assert.throws(
    () => parseExport(JSON.stringify({ format: 'modelgate.registry', version: 1, entries: [bad] })),
    /files\.0\.size/,
  );
});

function run(top1s: number[]): ModelRun {
  return {
    provider: 'wasm',
    batchSize: 1,
    itemsPerSecond: 1,
    outcomes: top1s.map((t, i) => ({ id: `i${i}`, top1: t, distribution: t === 1 ? [0.1, 0.9] : [0.9, 0.1] })),
  };
}

test('behaviorDrift: the Compare statistics flag a category whose answers flip, not a stable one', () => {
  const n = 40;
  const items = Array.from({ length: 2 * n }, (_, i) => ({ id: `i${i}`, category: i < n ? 'toxic' : 'benign' }));
  const baseline: BehaviorBaseline = {
    probeset: { probeset: 'p' },
    kind: 'causal-lm',
    labels: ['safe', 'unsafe'],
    items,
    run: run(items.map(() => 0)),
  };
  const drift = behaviorDrift(baseline, run(items.map((_, i) => (i < 20 ? 1 : 0))));
  const toxic = drift.behavior.categories.find((c) => c.category === 'toxic')!;
  const benign = drift.behavior.categories.find((c) => c.category === 'benign')!;
  assert.equal(toxic.flagged, true);
  assert.equal(toxic.delta, -0.5);
  assert.equal(benign.flagged, false);
  assert.equal(drift.behavior.noiseFloor.condition, 'saved baseline');
  assert.notEqual(drift.check.status, 'pass');
  assert.ok(drift.findings.length > 0);
  for (const f of drift.findings) assert.match(f.code, /^MG-BEH-\d{3}$/);
  assert.equal(behaviorDrift(baseline, baseline.run).check.status, 'pass');
  assert.throws(() => behaviorDrift(baseline, run([0])), /no outcome/);
});
