import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assembleReport } from '../verify/assemble-report.ts';
import type { HashOutcome } from '../hash/hash-outcome.ts';
import type { FileScan } from './scan-check.ts';
import { hfBlobEvents, withFolderEvents } from './folder-findings.ts';
import type { FolderEvent } from '../io/folder-event.ts';

const SHA = 'a'.repeat(64);
const benign = (path: string): FileScan => ({ path, outcome: { format: 'pickle', verdict: 'benign', findings: [] } });
const hashed = (path: string, sha256 = SHA): HashOutcome => ({ path, size: 4, sha256 });

async function report(events: FolderEvent[], paths = ['model.bin']) {
  const folder = withFolderEvents(
    paths.map((p) => hashed(p)),
    paths.map(benign),
    events,
  );
  return assembleReport({
    name: 'm',
    outcomes: folder.outcomes,
    ...(folder.scans ? { scans: folder.scans } : {}),
    folderFindings: folder.findings,
    environment: { runtime: 'node' },
  });
}

const link = (path: string, scope: 'inside' | 'outside' | 'repo-cache', directory = false): FolderEvent => ({
  kind: 'link',
  path,
  target: `../x/${path}`,
  scope,
  directory,
});

test('a link leaving the folder makes the file suspicious and the verdict review, naming link and target', async () => {
  const r = await report([link('model.bin', 'outside')]);
  assert.equal(r.verdict, 'review');
  assert.equal(r.subject.files[0]?.scan?.verdict, 'suspicious');
  const f = r.findings.find((x) => x.code === 'MG-SCAN-911');
  assert.equal(f?.file, 'model.bin');
  assert.match(f?.detail ?? '', /model\.bin is a symbolic link to \.\.\/x\/model\.bin .*outside the model folder/);
  assert.equal(f?.evidence?.leavesFolder, true);
});

test('a link inside the folder, or within the Hugging Face repository cache, is said but does not change the verdict', async () => {
  for (const [scope, code, severity] of [
    ['inside', 'MG-SCAN-910', 'low'],
    ['repo-cache', 'MG-SCAN-912', 'info'],
  ] as const) {
    const r = await report([link('model.bin', scope)]);
    assert.equal(r.verdict, 'pass', scope);
    assert.equal(r.subject.files[0]?.scan?.verdict, 'benign');
    const f = r.findings.find((x) => x.code === code);
    assert.equal(f?.severity, severity);
  }
});

test('files read through a folder link that leaves the model are suspicious; the link is a report finding', async () => {
  const r = await report([link('shards', 'outside', true)], ['shards/a.bin', 'config.json']);
  const verdicts = Object.fromEntries(r.subject.files.map((f) => [f.path, f.scan?.verdict]));
  assert.deepEqual(verdicts, { 'config.json': 'benign', 'shards/a.bin': 'suspicious' });
  assert.equal(r.findings.find((f) => f.code === 'MG-SCAN-911')?.file, 'shards');
  assert.equal(r.verdict, 'review');
});

test('refused and unreadable entries become files that could not be fingerprinted or scanned', async () => {
  const r = await report([
    { kind: 'special', path: 'pipe.bin', type: 'named pipe (FIFO)' },
    { kind: 'unreadable', path: 'gone.bin', error: "ENOENT: no such file or directory, lstat 'gone.bin'" },
    { kind: 'dangling', path: 'dangling.bin', target: 'nothere', error: 'ENOENT' },
  ]);
  assert.equal(r.verdict, 'review');
  assert.equal(r.checks.find((c) => c.id === 'scan')?.status, 'review');
  assert.equal(r.checks.find((c) => c.id === 'integrity')?.status, 'error');
  for (const [path, code] of [
    ['pipe.bin', 'MG-SCAN-917'],
    ['gone.bin', 'MG-SCAN-918'],
    ['dangling.bin', 'MG-SCAN-915'],
  ]) {
    assert.equal(r.subject.files.find((f) => f.path === path)?.scan?.verdict, 'unverified', path);
    assert.ok(
      r.findings.some((f) => f.code === code && f.file === path),
      code,
    );
    assert.ok(
      r.findings.some((f) => f.code === 'MG-INT-001' && f.file === path),
      `${path} MG-INT-001`,
    );
  }
  assert.match(r.findings.find((f) => f.code === 'MG-SCAN-918')?.detail ?? '', /ENOENT/);
});

test('without scans (the hash command) every folder event is still a finding', () => {
  const folder = withFolderEvents([hashed('a')], undefined, [
    link('a', 'outside'),
    { kind: 'special', path: 'p', type: 'socket' },
  ]);
  assert.deepEqual(
    folder.findings.map((f) => f.code),
    ['MG-SCAN-911', 'MG-SCAN-917'],
  );
  assert.ok(folder.outcomes.some((o) => o.path === 'p' && 'error' in o));
});

test('Hugging Face cache blobs: the name must equal the SHA-256 (LFS) or the git blob SHA-1 (small files)', () => {
  const sha1 = 'b'.repeat(40);
  const outcomes: HashOutcome[] = [
    hashed('ok.bin', SHA),
    hashed('bad.bin', 'c'.repeat(64)),
    { path: 'small.txt', size: 4, sha256: SHA, gitSha1: sha1 },
    { path: 'changed.txt', size: 4, sha256: SHA, gitSha1: 'd'.repeat(40) },
    hashed('odd.bin'),
  ];
  const events = hfBlobEvents(
    [
      { modelPath: 'ok.bin', hfBlob: SHA },
      { modelPath: 'bad.bin', hfBlob: SHA },
      { modelPath: 'small.txt', hfBlob: sha1 },
      { modelPath: 'changed.txt', hfBlob: sha1 },
      { modelPath: 'odd.bin', hfBlob: 'not-a-digest' },
      { modelPath: 'plain.bin' },
    ],
    outcomes,
  );
  assert.deepEqual(
    events.map((e) => `${e.kind} ${e.path}`),
    ['blob-mismatch bad.bin', 'blob-mismatch changed.txt', 'blob-unchecked odd.bin'],
  );
});

test('a blob mismatch makes the file suspicious and the verdict review', async () => {
  const r = await report([
    { kind: 'blob-mismatch', path: 'model.bin', blob: SHA, algorithm: 'SHA-256', actual: 'c'.repeat(64) },
  ]);
  assert.equal(r.verdict, 'review');
  assert.equal(r.findings.find((f) => f.code === 'MG-SCAN-913')?.severity, 'high');
  assert.equal(r.subject.files[0]?.scan?.verdict, 'suspicious');
});

test('an empty file listed by the browser is said (low) without changing the verdict', async () => {
  const r = await report([{ kind: 'empty', path: 'model.bin' }]);
  assert.equal(r.verdict, 'pass');
  assert.equal(r.findings.find((f) => f.code === 'MG-SCAN-919')?.file, 'model.bin');
});
