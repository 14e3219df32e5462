// npm run bench:scan -- [--runs N] [--big MiB] [--build] [--adversarial]
//
// --adversarial runs only the adversarial section (bench/adversarial.ts): hostile inputs, each scanned in
// its own child process, with time, peak RSS and outcome; without the flag it runs after the throughput.
//
// Scanner throughput: files/s and MB/s over a set of real model files plus one multi-GB
// PyTorch checkpoint, in Node (the CLI's path) and in the portal's scan worker (Chromium), side by side.
// MB/s counts the files' full sizes; "read" is what the scanner actually read, which shows that only the
// pickle parts of the big checkpoint are touched, never its tensor storage.
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { cpus } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { fileSource } from '../core/io/byte-source-node.ts';
import type { ByteSource } from '../core/io/byte-source.ts';
import { scanFile } from '../core/scan/scan-file.ts';
import { readFormatLabels } from '../core/scan/format-corpus-node.ts';
import { launchBrowser, openVerifyPage } from './browser-page.ts';
import { startNextServer } from './next-server.ts';
import { runAdversarial } from './adversarial.ts';
import { writeTorchZip } from './torch-zip-writer.ts';
import { BenchError, MiB, fmt, median, runCommand, table } from './util.ts';

/** Best of several timings: the shortest. */
const fastest = (seconds: readonly number[]) => Math.min(...seconds);

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const DATA = join(ROOT, 'bench/.data');

function files(bigPath: string): string[] {
  const demo = join(ROOT, 'public/demo/tiny-sentiment');
  return [
    ...readdirSync(demo, { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile())
      .map((e) => join(e.parentPath, e.name)),
    ...benignCorpusFiles(),
    ...onePerFormat(),
    bigPath,
  ];
}

/** The published-technique corpus's files labelled benign and nothing else. */
function benignCorpusFiles(): string[] {
  const corpus = join(ROOT, 'test/fixtures/scan');
  const { files } = JSON.parse(readFileSync(join(corpus, 'labels.json'), 'utf8')) as {
    files: { path: string; expect: string | string[] }[];
  };
  return files.filter((f) => f.expect === 'benign').map((f) => join(corpus, f.path));
}

/**
 * One benign file of each format of the model-format corpus (made by the format's own library where it can
 * be installed). Headerless tensor data is left out: it is benign only beside the file that describes it.
 * The browser run picks files by name, so each name is taken once.
 */
function onePerFormat(): string[] {
  const corpus = join(ROOT, 'test/fixtures/formats');
  const seenFormats = new Set<string>();
  const seenNames = new Set<string>(benignCorpusFiles().map((p) => basename(p)));
  const picked: string[] = [];
  for (const label of readFormatLabels(corpus)) {
    const name = basename(label.path);
    if (label.expect !== 'benign' || label.format === 'tensor-data') continue;
    if (seenFormats.has(label.format) || seenNames.has(name)) continue;
    seenFormats.add(label.format);
    seenNames.add(name);
    picked.push(join(corpus, label.path));
  }
  return picked;
}

/** Counts the bytes a scanner pulls through a ByteSource. */
function counting(source: ByteSource, counter: { bytes: number }): ByteSource {
  return {
    name: source.name,
    size: source.size,
    read: async (offset, length) => {
      const out = await source.read(offset, length);
      counter.bytes += out.byteLength;
      return out;
    },
    async *stream() {
      for await (const chunk of source.stream()) {
        counter.bytes += chunk.byteLength;
        yield chunk;
      }
    },
  };
}

async function nodeRun(paths: string[]): Promise<{ seconds: number; read: number; verdicts: string[] }> {
  const counter = { bytes: 0 };
  const verdicts: string[] = [];
  const t0 = performance.now();
  for (const p of paths) {
    const outcome = await scanFile(counting(await fileSource(p, basename(p)), counter));
    verdicts.push(`${basename(p)}:${outcome.verdict}`);
  }
  return { seconds: (performance.now() - t0) / 1000, read: counter.bytes, verdicts };
}

async function browserRuns(paths: string[], runs: number): Promise<number[]> {
  const server = await startNextServer(ROOT);
  const session = await launchBrowser();
  try {
    const seconds: number[] = [];
    for (let i = 0; i < runs; i++) {
      await openVerifyPage(session, server.origin);
      await session.page.locator('[data-testid=file-input]').setInputFiles(paths);
      const summary = session.page.locator('[data-testid=hash-summary]');
      await summary.waitFor({ state: 'attached', timeout: 600_000 });
      const verdicts = await session.page
        .locator('[data-testid=file-scan]')
        .evaluateAll((els) => els.map((e) => e.getAttribute('data-verdict')));
      if (verdicts.length !== paths.length || verdicts.some((v) => v !== 'benign'))
        throw new BenchError(`the browser did not call every benign file benign: ${verdicts.join(', ')}`);
      seconds.push(Number(await summary.getAttribute('data-scan-seconds')));
    }
    return seconds;
  } finally {
    await session.close();
    await server.stop();
  }
}

async function main() {
  const { values } = parseArgs({
    options: {
      runs: { type: 'string', default: '3' },
      big: { type: 'string', default: '3072' },
      build: { type: 'boolean', default: false },
      adversarial: { type: 'boolean', default: false },
    },
  });
  if (values.adversarial) {
    await runAdversarial(ROOT);
    return;
  }
  const runs = Number(values.runs);
  const bigBytes = Number(values.big) * MiB;
  const bigPath = join(DATA, `checkpoint-${values.big}MiB.pt`);
  if (!existsSync(bigPath) || statSync(bigPath).size < bigBytes) {
    console.log(`writing ${bigPath} (a torch.save-style zip with one ${values.big} MiB storage)…`);
    mkdirSync(DATA, { recursive: true });
    await writeTorchZip(bigPath, bigBytes);
  }
  if (values.build || !existsSync(join(ROOT, '.next/BUILD_ID'))) {
    const r = await runCommand('npm', ['run', '-s', 'build'], { timeoutMs: 600_000 });
    if (r.code !== 0) throw new BenchError(`npm run build failed:\n${r.stderr}`);
  }
  const paths = files(bigPath);
  const total = paths.reduce((n, p) => n + statSync(p).size, 0);
  console.log(`${paths.length} files, ${fmt(total / 1e6, 0)} MB in all (one checkpoint of ${values.big} MiB)`);
  console.log(`machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}\n`);

  const node: number[] = [];
  let read = 0;
  for (let i = 0; i < runs; i++) {
    const r = await nodeRun(paths);
    const wrong = r.verdicts.filter((v) => !v.endsWith(':benign'));
    if (wrong.length) throw new BenchError(`Node scan did not call every benign file benign: ${wrong.join(', ')}`);
    node.push(r.seconds);
    read = r.read;
  }
  const browser = await browserRuns(paths, runs);
  const row = (name: string, s: number[]) => [
    name,
    fmt(paths.length / fastest(s), 1),
    fmt(total / 1e6 / fastest(s), 0),
    fmt(total / 1e6 / median(s), 0),
    fmt(fastest(s), 2),
  ];
  console.log(
    table(
      ['path', 'files/s (best)', 'MB/s (best)', 'MB/s (median)', 'seconds (best)'],
      [row('node (CLI: scanFile over fileSource)', node), row('browser scan worker (beside hashing)', browser)],
    ),
  );
  console.log(`\nbytes the scanner read in Node: ${fmt(read / 1e6, 2)} MB of ${fmt(total / 1e6, 0)} MB`);
  console.log(`reads only what it must: ${fmt(read / 1e6 / (total / 1e9), 2)} MB read per GB scanned`);
  console.log(`ratio browser / node (seconds, best): ${fmt(fastest(browser) / fastest(node), 2)}`);
  console.log('The browser figure runs while the hash pool reads every byte of the same files on the same 2 cores.');
  await runAdversarial(ROOT);
}

main().catch((error) => {
  console.error(error instanceof BenchError ? `bench:scan: ${error.message}` : error);
  process.exitCode = 1;
});
