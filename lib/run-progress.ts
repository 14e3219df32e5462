import { formatBytes, formatRate, plural } from '@/components/format';

/**
 * The numbers of a verification run that the progress bar and the closing summary are made of. Hashing and
 * the malware scan run side by side, so the run is over only when both are: every estimate covers both.
 */
export interface RunCounts {
  filesTotal: number;
  /** Files whose SHA-256 is complete. */
  filesHashed: number;
  /** Files the malware scan has finished (or given up on). */
  filesScanned: number;
  bytesTotal: number;
  bytesHashed: number;
  /** Seconds since the run started. */
  elapsed: number;
}

/** A rate measured over less than this is mostly start-up noise (worker start, first chunk), not a speed. */
export const MIN_RATE_SECONDS = 0.5;

/** Bytes per second, or null where a rate would mislead: nothing read, too short to measure, or cancelled. */
export function meaningfulRate(bytes: number, seconds: number, cancelled = false): number | null {
  if (cancelled || bytes <= 0 || !(seconds >= MIN_RATE_SECONDS)) return null;
  return bytes / seconds;
}

/**
 * Seconds until both hashing and the scan are done, or null while there is nothing to extrapolate from.
 * Each side is extrapolated from its own progress (hashing by bytes, the scan by files, since it reads
 * headers, not whole files) and the slower one is the answer: a run whose hashing is done but whose scan
 * is at 100 of 3,000 files is far from over.
 */
export function secondsLeft(c: RunCounts): number | null {
  const hashDone = c.bytesHashed >= c.bytesTotal && c.filesHashed >= c.filesTotal;
  const scanDone = c.filesScanned >= c.filesTotal;
  if (hashDone && scanDone) return 0;
  const hashRate = meaningfulRate(c.bytesHashed, c.elapsed);
  const hashLeft = hashDone ? 0 : hashRate === null ? null : (c.bytesTotal - c.bytesHashed) / hashRate;
  const scanLeft = scanDone
    ? 0
    : c.filesScanned === 0 || !(c.elapsed >= MIN_RATE_SECONDS)
      ? null
      : ((c.filesTotal - c.filesScanned) * c.elapsed) / c.filesScanned;
  if (hashLeft === null || scanLeft === null) return null;
  return Math.max(hashLeft, scanLeft);
}

/** What the progress line says about the time left; never "0 s" while a part of the run is still going. */
export function timeLeftText(c: RunCounts, formatSeconds: (s: number) => string): string {
  const left = secondsLeft(c);
  const hashDone = c.filesHashed >= c.filesTotal;
  if (hashDone && c.filesScanned < c.filesTotal) {
    const scanning = `scanning, ${c.filesScanned.toLocaleString('en')} of ${plural(c.filesTotal, 'file')}`;
    return left === null || left < 1 ? scanning : `${scanning}, about ${formatSeconds(left)} left`;
  }
  return left === null ? 'estimating the time left' : `about ${formatSeconds(left)} left`;
}

export interface RunEnd extends RunCounts {
  cancelled: boolean;
  /** Wall time of hashing and of the scan. */
  hashSeconds: number;
  scanSeconds: number;
}

/** The closing line of a run: what was fingerprinted and scanned, or, when cancelled, how far it got. */
export function runSummary(r: RunEnd): string {
  if (r.cancelled) {
    return (
      `Cancelled after fingerprinting ${r.filesHashed.toLocaleString('en')} of ${plural(r.filesTotal, 'file')} ` +
      `(${formatBytes(r.bytesHashed)} of ${formatBytes(r.bytesTotal)}); the report lists what was not checked.`
    );
  }
  const rate = meaningfulRate(r.bytesHashed, r.hashSeconds);
  return (
    `Fingerprinted ${plural(r.filesHashed, 'file')} (${formatBytes(r.bytesHashed)}) in ${r.hashSeconds.toFixed(2)} s` +
    `${rate === null ? '' : ` (${formatRate(rate)})`}; scanned ${plural(r.filesScanned, 'file')} in ` +
    `${r.scanSeconds.toFixed(2)} s.`
  );
}
