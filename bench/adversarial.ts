// Adversarial inputs for `npm run bench:scan` (run alone with `-- --adversarial`): each case runs in its own
// child process under /usr/bin/time, so the peak RSS reported is that scan's alone. Inputs are generated
// under bench/.data/adversarial/ on first use. A case over LIMIT_SECONDS or LIMIT_MB is flagged.
import { existsSync, statSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { createDeflateRaw, createGzip } from 'node:zlib';
import { crc32Table } from './crc32.ts';
import { BenchError, MiB, fmt, runCommand, table, writeAtomically } from './util.ts';

const LIMIT_SECONDS = 5;
const LIMIT_MB = 300;
const TIMEOUT_MS = 60_000;

interface CaseResult {
  name: string;
  seconds: number;
  peakMB: number;
  outcome: string;
}

/** Deflates `total` zero bytes in 1 MiB steps (never holding them), raw or gzip-framed. */
async function deflateZeros(total: number, gzip: boolean): Promise<Uint8Array> {
  const stream = gzip ? createGzip({ level: 9 }) : createDeflateRaw({ level: 9 });
  const parts: Buffer[] = [];
  stream.on('data', (d: Buffer) => parts.push(d));
  const done = new Promise<void>((resolve, reject) => stream.on('end', resolve).on('error', reject));
  const zeros = Buffer.alloc(MiB);
  for (let written = 0; written < total; written += MiB) {
    if (!stream.write(zeros.subarray(0, Math.min(MiB, total - written)))) {
      await new Promise((resolve) => stream.once('drain', resolve));
    }
  }
  stream.end();
  await done;
  return Buffer.concat(parts);
}

function zerosCrc(total: number): number {
  const zeros = new Uint8Array(MiB);
  let crc = 0;
  for (let done = 0; done < total; done += MiB) crc = crc32Table(zeros.subarray(0, Math.min(MiB, total - done)), crc);
  return crc;
}

/** A ZIP of `count` deflated members of `size` zero bytes each (the same compressed data every time). */
async function writeZeroZip(path: string, count: number, size: number): Promise<void> {
  const data = await deflateZeros(size, false);
  const crc = zerosCrc(size);
  const central: Buffer[] = [];
  let offset = 0;
  await writeAtomically(path, async (append) => {
    for (let i = 0; i < count; i++) {
      const name = Buffer.from(`zeros-${i}.bin`);
      const local = Buffer.alloc(30);
      local.writeUInt32LE(0x04034b50, 0);
      local.writeUInt16LE(20, 4);
      local.writeUInt16LE(8, 8);
      local.writeUInt32LE(crc, 14);
      local.writeUInt32LE(data.byteLength, 18);
      local.writeUInt32LE(size, 22);
      local.writeUInt16LE(name.byteLength, 26);
      const cd = Buffer.alloc(46);
      cd.writeUInt32LE(0x02014b50, 0);
      cd.writeUInt16LE(20, 4);
      cd.writeUInt16LE(20, 6);
      cd.writeUInt16LE(8, 10);
      cd.writeUInt32LE(crc, 16);
      cd.writeUInt32LE(data.byteLength, 20);
      cd.writeUInt32LE(size, 24);
      cd.writeUInt16LE(name.byteLength, 28);
      cd.writeUInt32LE(offset, 42);
      central.push(cd, name);
      for (const part of [local, name, data]) await append(part);
      offset += local.byteLength + name.byteLength + data.byteLength;
    }
    const cdBytes = Buffer.concat(central);
    const end = Buffer.alloc(22);
    end.writeUInt32LE(0x06054b50, 0);
    end.writeUInt16LE(count, 8);
    end.writeUInt16LE(count, 10);
    end.writeUInt32LE(cdBytes.byteLength, 12);
    end.writeUInt32LE(offset, 16);
    await append(cdBytes);
    await append(end);
  });
}

/**
 * A pickle of shared structure: a tuple of `width` ints memoized once, then `depth` nested lists each
 * holding `fanout` memo references (BINGET) to the level below. Each reference is 2 bytes in the file but
 * the whole level below when walked as a tree: fanout^depth × width values if a scanner expands it.
 */
function sharedPickle(width: number, fanout: number, depth: number): Uint8Array {
  const bytes: number[] = [0x80, 0x02, 0x28]; // PROTO 2, MARK
  for (let i = 0; i < width; i++) bytes.push(0x4a, i & 0xff, (i >> 8) & 0xff, (i >> 16) & 0xff, 0); // BININT
  bytes.push(0x74, 0x71, 0); // TUPLE, BINPUT 0
  for (let level = 1; level <= depth; level++) {
    bytes.push(0x28); // MARK
    for (let i = 0; i < fanout; i++) bytes.push(0x68, level - 1); // BINGET level-1
    bytes.push(0x6c, 0x71, level); // LIST, BINPUT level
  }
  bytes.push(0x2e); // STOP
  return Uint8Array.from(bytes);
}

async function ensure(path: string, make: () => Promise<void>, log: (s: string) => void): Promise<void> {
  if (existsSync(path)) return;
  log(`writing ${path}…`);
  await make();
}

/** Runs `command` under /usr/bin/time -v and reads the child's peak RSS from its report. */
async function measured(name: string, command: string[], describe: (stdout: string) => string): Promise<CaseResult> {
  try {
    const r = await runCommand('/usr/bin/time', ['-v', ...command], { timeoutMs: TIMEOUT_MS });
    const rss = /Maximum resident set size \(kbytes\): (\d+)/.exec(r.stderr);
    const outcome = r.code === 0 || r.stdout ? describe(r.stdout) : `exit ${r.code}: ${r.stderr.split('\n')[0]}`;
    return { name, seconds: r.seconds, peakMB: rss ? Number(rss[1]) / 1024 : Number.NaN, outcome };
  } catch (error) {
    if (!(error instanceof BenchError)) throw error;
    return { name, seconds: TIMEOUT_MS / 1000, peakMB: Number.NaN, outcome: `killed: ${error.message}` };
  }
}

function scanOutcome(stdout: string): string {
  const line = stdout.trim().split('\n').at(-1) ?? '';
  try {
    const o = JSON.parse(line) as { verdict: string; codes: string[] };
    return `${o.verdict} [${o.codes.join(', ')}]`;
  } catch {
    return `unparsed output: ${line.slice(0, 120)}`;
  }
}

function cliOutcome(stdout: string): string {
  const verdicts = [...stdout.matchAll(/"verdict":\s*"(\w+)"/g)].map((m) => m[1]);
  const codes = [...new Set([...stdout.matchAll(/"code":\s*"([\w-]+)"/g)].map((m) => m[1]))];
  if (!verdicts.length && !codes.length) return `no JSON verdict: ${stdout.trim().slice(0, 120)}`;
  return `verdicts [${verdicts.join(', ')}] codes [${codes.join(', ')}]`;
}

export async function runAdversarial(root: string, log: (s: string) => void = console.log): Promise<CaseResult[]> {
  const dir = join(root, 'bench/.data/adversarial');
  await mkdir(dir, { recursive: true });
  const pickle = join(dir, 'shared-structure.pkl');
  const zip = join(dir, 'zeros-8x511MiB.zip');
  const gz = join(dir, 'zeros-1GiB.gz');
  const fifoDir = join(dir, 'fifo-folder');
  await ensure(pickle, () => writeAtomically(pickle, (append) => append(sharedPickle(200_000, 1_000_000, 7))), log);
  await ensure(zip, () => writeZeroZip(zip, 8, 511 * MiB), log);
  await ensure(
    gz,
    async () => writeAtomically(gz, async (append) => append(await deflateZeros(1024 * MiB, true))),
    log,
  );
  await rm(fifoDir, { recursive: true, force: true });
  await mkdir(fifoDir, { recursive: true });
  const made = await runCommand('mkfifo', [join(fifoDir, 'model.bin')]);
  if (made.code !== 0) throw new BenchError(`mkfifo failed: ${made.stderr}`);
  const child = ['node', '--import', 'tsx', join(root, 'bench/adversarial-scan.ts')];
  const sizeMB = (p: string) => fmt(statSync(p).size / 1e6, 1);
  const empty = join(dir, 'empty.bin');
  await ensure(empty, () => writeAtomically(empty, (append) => append(new Uint8Array(0))), log);
  const results = [
    await measured('baseline: startup + an empty file', [...child, empty], scanOutcome),
    await measured(`pickle, shared structure (${sizeMB(pickle)} MB)`, [...child, pickle], scanOutcome),
    await measured(`zip, 8 × 511 MiB of zeros (${sizeMB(zip)} MB)`, [...child, zip], scanOutcome),
    await measured(`gzip, 1 GiB of zeros (${sizeMB(gz)} MB)`, [...child, gz], scanOutcome),
    await measured(
      'folder holding a FIFO (CLI scan --json)',
      ['node', join(root, 'cli/bin.mjs'), 'scan', fifoDir, '--json'],
      cliOutcome,
    ),
  ];
  await rm(fifoDir, { recursive: true, force: true });
  printAdversarial(results);
  return results;
}

function printAdversarial(results: readonly CaseResult[]): void {
  const over = (r: CaseResult) => r.seconds > LIMIT_SECONDS || !(r.peakMB <= LIMIT_MB);
  console.log(`\nadversarial inputs (each in its own process; limits ${LIMIT_SECONDS} s, ${LIMIT_MB} MB peak RSS)`);
  console.log(
    table(
      ['case', 'seconds', 'peak RSS MB', 'outcome', 'flag'],
      results.map((r) => [r.name, fmt(r.seconds, 2), fmt(r.peakMB, 0), r.outcome, over(r) ? 'OVER LIMIT' : 'ok']),
      { leftAlign: [3, 4] },
    ),
  );
}
