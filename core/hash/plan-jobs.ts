/** Files at least this big go to a worker alone; smaller ones travel in batches. */
export const BATCH_FILE_LIMIT = 4 << 20;
/** A batch holds at most this many files… */
export const BATCH_MAX_FILES = 128;
/** …and at most this many bytes. */
export const BATCH_MAX_BYTES = 32 << 20;

/**
 * Splits files into worker jobs, largest first so long files start early and the pool ends together.
 * Small files are batched: a worker round trip costs more than hashing a config file, and a folder of
 * thousands of shards must not mean thousands of round trips.
 */
export function planHashJobs<T>(items: readonly T[], sizeOf: (item: T) => number): T[][] {
  const sorted = [...items].sort((a, b) => sizeOf(b) - sizeOf(a));
  const jobs: T[][] = [];
  let batch: T[] = [];
  let batchBytes = 0;
  for (const item of sorted) {
    const size = sizeOf(item);
    if (size >= BATCH_FILE_LIMIT) {
      jobs.push([item]);
      continue;
    }
    if (batch.length === BATCH_MAX_FILES || batchBytes + size > BATCH_MAX_BYTES) {
      jobs.push(batch);
      batch = [];
      batchBytes = 0;
    }
    batch.push(item);
    batchBytes += size;
  }
  if (batch.length > 0) jobs.push(batch);
  return jobs;
}
