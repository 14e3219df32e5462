// Small helpers for the benchmarks: arguments, statistics, tables, data files, child processes.
import { spawn } from 'node:child_process';
import { randomFill } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { dirname } from 'node:path';
import { promisify } from 'node:util';

const randomFillAsync = promisify(randomFill) as <T extends NodeJS.ArrayBufferView>(buffer: T) => Promise<T>;

export const MiB = 1 << 20;

/** MB/s with MB = 10^6 bytes, as everywhere in the portal (components/format.ts). */
export const mbps = (bytes: number, seconds: number): number => bytes / seconds / 1e6;

export class BenchError extends Error {
  override name = 'BenchError';
}

// ---------------------------------------------------------------- statistics

export function best(values: readonly number[]): number {
  return Math.max(...values);
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  if (sorted.length === 0) return Number.NaN;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

// ---------------------------------------------------------------- tables

/** A plain-text table; columns from `rightAlignFrom` on are right-aligned, except those listed in `leftAlign`. */
export function table(
  header: readonly string[],
  rows: readonly (readonly string[])[],
  { rightAlignFrom = 1, leftAlign = [] as readonly number[] } = {},
): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const right = (i: number) => i >= rightAlignFrom && !leftAlign.includes(i);
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => (right(i) ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

export const fmt = (n: number, digits = 1): string => (Number.isFinite(n) ? n.toFixed(digits) : '—');

// ---------------------------------------------------------------- timing

/** Rejects after `ms` with a clear message; the timer never keeps the process alive. */
export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new BenchError(`${what} timed out after ${Math.round(ms / 1000)} s`)), ms);
    timer.unref();
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

// ---------------------------------------------------------------- child processes

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  seconds: number;
}

/** Runs a command to completion (no shell), killing it if it runs past `timeoutMs`. */
export function runCommand(
  command: string,
  args: readonly string[],
  {
    timeoutMs = 600_000,
    cwd,
    env,
    inherit = false,
  }: { timeoutMs?: number; cwd?: string; env?: NodeJS.ProcessEnv; inherit?: boolean } = {},
): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(command, args, { cwd, env, stdio: inherit ? 'inherit' : ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout?.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr?.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(new BenchError(`could not run ${command}: ${error.message}`));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const seconds = (performance.now() - started) / 1000;
      if (timedOut)
        reject(new BenchError(`${command} ${args.join(' ')} timed out after ${Math.round(timeoutMs / 1000)} s`));
      else resolve({ code, signal, stdout, stderr, seconds });
    });
  });
}

/** A TCP port that was free a moment ago on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => (port ? resolve(port) : reject(new BenchError('no free port'))));
    });
  });
}

// ---------------------------------------------------------------- data files

/**
 * Writes `path` through a temporary name and renames it when `write` is done, so an interrupted run never
 * leaves a short file behind. `write` gets an appender that loops over short writes.
 */
export async function writeAtomically(
  path: string,
  write: (append: (bytes: Uint8Array) => Promise<void>) => Promise<void>,
): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const tmp = `${path}.tmp-${process.pid}`;
  const handle = await open(tmp, 'w');
  let pos = 0;
  const append = async (bytes: Uint8Array) => {
    // A short write is possible in principle; loop until these bytes are out.
    for (let off = 0; off < bytes.byteLength;) {
      const { bytesWritten } = await handle.write(bytes, off, bytes.byteLength - off, pos + off);
      off += bytesWritten;
    }
    pos += bytes.byteLength;
  };
  try {
    await write(append);
  } catch (error) {
    await handle.close().catch(() => undefined);
    await rm(tmp, { force: true });
    throw error;
  }
  await handle.close();
  await rename(tmp, path);
}

/** A file of `bytes` pseudo-random bytes at `path`, generated once and reused while its size matches. */
export async function ensureRandomFile(
  path: string,
  bytes: number,
  log: (s: string) => void,
): Promise<'cached' | 'generated'> {
  if (existsSync(path) && statSync(path).size === bytes) return 'cached';
  const started = performance.now();
  const block = Buffer.allocUnsafe(Math.min(bytes, 64 * MiB));
  await writeAtomically(path, async (append) => {
    for (let written = 0; written < bytes;) {
      const n = Math.min(block.byteLength, bytes - written);
      await randomFillAsync(block);
      await append(block.subarray(0, n));
      written += n;
    }
  });
  log(`generated ${path} (${bytes / MiB} MiB) in ${fmt((performance.now() - started) / 1000, 1)} s`);
  return 'generated';
}
