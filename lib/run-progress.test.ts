// node --import tsx --test lib/run-progress.test.ts
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { meaningfulRate, runSummary, secondsLeft, timeLeftText, type RunCounts } from './run-progress.ts';
import { formatDuration, plural } from '@/components/format';

const GiB = 1024 ** 3;
const counts = (patch: Partial<RunCounts>): RunCounts => ({
  filesTotal: 3000,
  filesHashed: 0,
  filesScanned: 0,
  bytesTotal: 3000,
  bytesHashed: 0,
  elapsed: 10,
  ...patch,
});

test('plural: one file, any other number of files, and an irregular plural', () => {
  assert.equal(plural(1, 'file'), '1 file');
  assert.equal(plural(0, 'file'), '0 files');
  assert.equal(plural(2, 'file'), '2 files');
  assert.equal(plural(3000, 'file'), '3,000 files');
  assert.equal(plural(1, 'entry', 'entries'), '1 entry');
  assert.equal(plural(5, 'entry', 'entries'), '5 entries');
});

test('a rate is shown only when it measures something', () => {
  assert.equal(meaningfulRate(2_000_000, 2), 1_000_000);
  assert.equal(meaningfulRate(0, 2), null, 'nothing read');
  assert.equal(meaningfulRate(2_000_000, 0.4), null, 'too short to measure');
  assert.equal(meaningfulRate(2_000_000, 0.5), 4_000_000, 'half a second is enough');
  assert.equal(meaningfulRate(2_000_000, 2, true), null, 'cancelled');
});

test('hashing done but the scan at 1,000 of 3,000 files: the time left comes from the scan, not 0 s', () => {
  const c = counts({ filesHashed: 3000, bytesHashed: 3000, filesScanned: 1000, elapsed: 10 });
  assert.equal(secondsLeft(c), 20);
  assert.equal(timeLeftText(c, formatDuration), 'scanning, 1,000 of 3,000 files, about 20 s left');
});

test('the scan has not finished a file yet once hashing is done: says scanning, never 0 s', () => {
  const c = counts({ filesHashed: 3000, bytesHashed: 3000, filesScanned: 0 });
  assert.equal(secondsLeft(c), null);
  assert.equal(timeLeftText(c, formatDuration), 'scanning, 0 of 3,000 files');
});

test('while both run, the slower side sets the time left', () => {
  // Hashing: half the bytes in 10 s → 10 s left. Scan: 2,500 of 3,000 files in 10 s → 2 s left.
  const c = counts({ filesHashed: 1500, bytesHashed: 1500, filesScanned: 2500 });
  assert.equal(secondsLeft(c), 10);
  assert.equal(timeLeftText(c, formatDuration), 'about 10 s left');
  // The scan behind: 300 of 3,000 in 10 s → 90 s left.
  assert.equal(secondsLeft({ ...c, filesScanned: 300 }), 90);
});

test('with nothing to extrapolate from, the estimate is unknown', () => {
  assert.equal(secondsLeft(counts({ elapsed: 0.1, bytesHashed: 10, filesScanned: 5 })), null);
  assert.equal(timeLeftText(counts({}), formatDuration), 'estimating the time left');
  assert.equal(secondsLeft(counts({ filesHashed: 3000, bytesHashed: 3000, filesScanned: 3000 })), 0);
});

test('a cancelled run says how far it got and claims no rate', () => {
  const line = runSummary({
    ...counts({ filesTotal: 40, filesHashed: 12, bytesTotal: 3 * GiB, bytesHashed: 1.2 * GiB, filesScanned: 40 }),
    cancelled: true,
    hashSeconds: 5,
    scanSeconds: 5,
  });
  assert.equal(
    line,
    'Cancelled after fingerprinting 12 of 40 files (1.20 GiB of 3.00 GiB); the report lists what was not checked.',
  );
  assert.doesNotMatch(line, /MB\/s/);
});

test('a finished run shows its rate only when meaningful, with plural forms', () => {
  const end = {
    ...counts({ filesTotal: 1, filesHashed: 1, filesScanned: 1, bytesTotal: 4_000_000, bytesHashed: 4_000_000 }),
    cancelled: false,
    hashSeconds: 2,
    scanSeconds: 1,
  };
  assert.equal(runSummary(end), 'Fingerprinted 1 file (3.81 MiB) in 2.00 s (2.0 MB/s); scanned 1 file in 1.00 s.');
  assert.equal(
    runSummary({ ...end, hashSeconds: 0.2 }),
    'Fingerprinted 1 file (3.81 MiB) in 0.20 s; scanned 1 file in 1.00 s.',
  );
  assert.doesNotMatch(runSummary({ ...end, bytesHashed: 0, bytesTotal: 0 }), /MB\/s/);
});
