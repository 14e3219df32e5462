// npm run bench:weights -- [--mb 500] [--build]
// npm run bench:weights -- --scale   (opt-in: only the full diff of the two ~1 GB Qwen2-0.5B-shaped checkpoints)
//
// Reducer throughput of the weight diff: GB/s of the WebGPU and CPU reducers in the portal's
// weights worker (Chromium) and of reduceOnCpu in Node, on the same seeded ~500 MB pair of f32 tensors
// (two arrays of mb/2 each). This times the reduction alone; reading the pair from safetensors files is the
// diff engine's part; the second table is that full diff (diffModels over listTensors on a generated pair of
// ~mb MB safetensors files in bench/.data/, the fine-tune = base + small noise): in Node on file reads, and in
// the weights worker on picked Files, WebGPU and CPU reducers. Without a GPU, Chromium's WebGPU is SwiftShader on the CPU: its figure is a smoke
// test there, not a GPU speed.
//
// --scale times only the full diff on bench/.data/qwen2-0.5b-{base,finetune}/model.safetensors (bfloat16, made by
// scripts/gen_scale_checkpoint.py): in Node (diffModels) and in the weights worker on WebGPU and CPU reducers.
import { existsSync, statSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright';
import { reduceOnCpu } from '../core/weights/pair-stats.ts';
import type { SelfTestResult } from '../workers/weights.worker.ts';
import { diffModels } from '../core/weights/diff.ts';
import { listTensors } from '../core/weights/tensors.ts';
import { fileSource } from '../core/io/byte-source-node.ts';
import { ensureSafetensorsPair } from './safetensors-writer.ts';
import { ensureQ8Gguf } from './gguf-writer.ts';
import { compareWeights } from '../core/weights/compare-weights.ts';
import { syntheticPair } from '../core/weights/synthetic-pair.ts';
import { CHROMIUM_PATH } from './browser-page.ts';
import { startNextServer } from './next-server.ts';
import { BenchError, fmt, runCommand, table } from './util.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

async function browserRun(origin: string, elements: number): Promise<SelfTestResult> {
  const browser = await chromium.launch({
    ...(existsSync(CHROMIUM_PATH) ? { executablePath: CHROMIUM_PATH } : {}),
    args: ['--no-sandbox', '--enable-unsafe-webgpu', '--use-webgpu-adapter=swiftshader'],
  });
  try {
    const page = await browser.newPage();
    await page.goto(`${origin}/`);
    // The worker's Comlink API, called with Comlink's own wire message (the page has no bundler): an APPLY
    // answered by a message of the same id, RAW with the result or HANDLER with what the method threw.
    const reply = await page.evaluate(
      (n) =>
        new Promise<{ result?: SelfTestResult; error?: string }>((resolve) => {
          const worker = new Worker('/workers/weights.worker.js', { type: 'module' });
          const id = 'bench-self-test';
          worker.onerror = (event) => resolve({ error: `worker failed: ${event.message}` });
          worker.onmessage = (event: MessageEvent<{ id?: string; type?: string; value?: unknown }>) => {
            if (event.data?.id !== id) return;
            worker.terminate();
            if (event.data.type === 'RAW') resolve({ result: event.data.value as SelfTestResult });
            else resolve({ error: `selfTest threw: ${JSON.stringify(event.data.value)}` });
          };
          worker.postMessage({ id, type: 'APPLY', path: ['selfTest'], argumentList: [{ type: 'RAW', value: n }] });
        }),
      elements,
    );
    if (!reply.result) throw new BenchError(`the weights worker failed: ${reply.error}`);
    return reply.result;
  } finally {
    await browser.close();
  }
}

interface CompareRun {
  engine: string;
  adapter?: string;
  seconds: number;
  elements: number;
}

/**
 * The full diff in the weights worker, on the two generated files picked as Files, on each reducer. The
 * fine-tune is named by its extension: `model.safetensors`, or `model.gguf` for a GGUF file.
 */
async function browserCompare(origin: string, base: string, finetune: string): Promise<CompareRun[]> {
  const finetuneName = finetune.endsWith('.gguf') ? 'model.gguf' : 'model.safetensors';
  const browser = await chromium.launch({
    ...(existsSync(CHROMIUM_PATH) ? { executablePath: CHROMIUM_PATH } : {}),
    args: ['--no-sandbox', '--enable-unsafe-webgpu', '--use-webgpu-adapter=swiftshader'],
  });
  try {
    const page = await browser.newPage();
    await page.goto(`${origin}/`);
    await page.evaluate(() => {
      for (const id of ['bench-base', 'bench-ft']) {
        const input = document.createElement('input');
        input.type = 'file';
        input.id = id;
        document.body.append(input);
      }
    });
    await page.setInputFiles('#bench-base', base);
    await page.setInputFiles('#bench-ft', finetune);
    const runs: CompareRun[] = [];
    for (const useGpu of [true, false]) {
      const reply = await page.evaluate(
        ([gpu, ftName]) =>
          new Promise<{ result?: CompareRun; error?: string }>((resolve) => {
            // No named inner functions: tsx's __name helper does not exist in the page.
            const files = [
              ['bench-base', 'model.safetensors'],
              ['bench-ft', ftName],
            ].map(([id, path]) => [{ path, file: (document.getElementById(id!) as HTMLInputElement).files![0]! }]);
            const worker = new Worker('/workers/weights.worker.js', { type: 'module' });
            const id = 'bench-compare';
            worker.onerror = (event) => resolve({ error: `worker failed: ${event.message}` });
            // The Comlink API's `compare`, as in browserRun: an APPLY message with RAW arguments.
            worker.onmessage = (event: MessageEvent<{ id?: string; type?: string; value?: unknown }>) => {
              if (event.data?.id !== id) return;
              worker.terminate();
              if (event.data.type === 'RAW') resolve({ result: event.data.value as CompareRun });
              else resolve({ error: `compare threw: ${JSON.stringify(event.data.value)}` });
            };
            worker.postMessage({
              id,
              type: 'APPLY',
              path: ['compare'],
              argumentList: [files[0], files[1], gpu].map((value) => ({ type: 'RAW', value })),
            });
          }),
        [useGpu, finetuneName] as const,
      );
      if (!reply.result) throw new BenchError(`the weights worker's compare failed: ${reply.error}`);
      runs.push(reply.result);
    }
    return runs;
  } finally {
    await browser.close();
  }
}

/** --scale: the full diff of the two Qwen2-0.5B-shaped checkpoints, in Node and in the weights worker. */
async function scaleMain(): Promise<void> {
  const [base, finetune] = ['qwen2-0.5b-base', 'qwen2-0.5b-finetune'].map((d) =>
    join(ROOT, 'bench/.data', d, 'model.safetensors'),
  ) as [string, string];
  for (const file of [base, finetune])
    if (!existsSync(file))
      throw new BenchError(
        `--scale needs ${file}: make it with \`python scripts/gen_scale_checkpoint.py\` (any Python with torch and transformers)`,
      );
  const pairBytes = statSync(base).size + statSync(finetune).size;
  console.log(
    `scale: full diff of bench/.data/qwen2-0.5b-{base,finetune}/model.safetensors (bfloat16), ${fmt(pairBytes / 1e9, 2)} GB in all; machine: ${cpus().length} × ${cpus()[0]?.model}\n`,
  );
  const listing = async (path: string) => listTensors([await fileSource(path, 'model.safetensors')]);
  const rssBefore = process.memoryUsage().rss;
  let rssPeak = rssBefore;
  const sampler = setInterval(() => (rssPeak = Math.max(rssPeak, process.memoryUsage().rss)), 20);
  const n0 = performance.now();
  const nodeDiff = await diffModels(await listing(base), await listing(finetune));
  const nodeS = (performance.now() - n0) / 1000;
  clearInterval(sampler);
  const server = await startNextServer(ROOT);
  let runs: CompareRun[];
  try {
    runs = await browserCompare(server.origin, base, finetune);
  } finally {
    await server.stop();
  }
  const rows: [string, number, number][] = [
    ...runs.map((r): [string, number, number] => [
      `browser worker compare, ${r.engine === 'webgpu' ? `WebGPU (${r.adapter ?? '?'})` : 'CPU'}`,
      r.seconds,
      r.elements,
    ]),
    ['node diffModels, CPU', nodeS, nodeDiff.elements],
  ];
  console.log(
    table(
      ['path', 'GB/s (file bytes)', 'seconds', 'elements'],
      rows.map(([name, s, n]) => [name, fmt(pairBytes / s / 1e9, 2), fmt(s, 2), String(n)]),
    ),
  );
  console.log(
    `\n${nodeDiff.tensors.length} tensors; Node peak resident memory during the diff: ${fmt((rssPeak - rssBefore) / 2 ** 20, 0)} MiB above the ${fmt(rssBefore / 2 ** 20, 0)} MiB before it`,
  );
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      mb: { type: 'string', default: '500' },
      build: { type: 'boolean', default: false },
      scale: { type: 'boolean', default: false },
    },
  });
  if (values.scale) {
    if (!existsSync(join(ROOT, '.next/BUILD_ID')))
      throw new BenchError('no production build: run `npm run build` first');
    return scaleMain();
  }
  const elements = Math.floor((Number(values.mb) * 1e6) / 8);
  const bytes = elements * 8;
  if (values.build || !existsSync(join(ROOT, '.next/BUILD_ID'))) {
    const r = await runCommand('npm', ['run', '-s', 'build'], { timeoutMs: 600_000 });
    if (r.code !== 0) throw new BenchError(`npm run build failed:\n${r.stderr}`);
  }
  console.log(
    `pair: 2 × ${elements} f32 = ${fmt(bytes / 1e6, 0)} MB; machine: ${cpus().length} × ${cpus()[0]?.model}\n`,
  );

  const { base, ft } = syntheticPair(elements, 5);
  const t0 = performance.now();
  await reduceOnCpu(base, ft, 1e-3);
  const nodeS = (performance.now() - t0) / 1000;

  const server = await startNextServer(ROOT);
  let browser: SelfTestResult;
  try {
    browser = await browserRun(server.origin, elements);
  } finally {
    await server.stop();
  }
  const gbps = (ms: number | null) => (ms === null ? '—' : fmt(bytes / (ms / 1000) / 1e9, 2));
  const secs = (ms: number | null) => (ms === null ? '—' : fmt(ms / 1000, 2));
  console.log(
    table(
      ['path', 'GB/s', 'seconds'],
      [
        [`browser worker, WebGPU (${browser.adapter ?? 'no adapter'})`, gbps(browser.ms.gpu), secs(browser.ms.gpu)],
        ['browser worker, CPU (reduceOnCpu)', gbps(browser.ms.cpu), secs(browser.ms.cpu)],
        ['node, CPU (reduceOnCpu)', gbps(nodeS * 1000), fmt(nodeS, 2)],
      ],
    ),
  );
  console.log(`\nGPU vs CPU in the browser: max relative difference ${browser.maxRelDiff.toExponential(2)}`);

  // Full diff on files: listing + streamed reads + reduction, per
  const pair = await ensureSafetensorsPair(join(ROOT, 'bench/.data'), Number(values.mb), console.log);
  const listing = async (path: string) => listTensors([await fileSource(path, 'model.safetensors')]);
  // Memory must stay bounded: sample the resident set while Node diffs the pair.
  const rssBefore = process.memoryUsage().rss;
  let rssPeak = rssBefore;
  const sampler = setInterval(() => (rssPeak = Math.max(rssPeak, process.memoryUsage().rss)), 20);
  const n0 = performance.now();
  const nodeDiff = await diffModels(await listing(pair.base), await listing(pair.finetune));
  const nodeDiffS = (performance.now() - n0) / 1000;
  clearInterval(sampler);
  rssPeak = Math.max(rssPeak, process.memoryUsage().rss);
  const server2 = await startNextServer(ROOT);
  let runs: CompareRun[];
  try {
    runs = await browserCompare(server2.origin, pair.base, pair.finetune);
  } finally {
    await server2.stop();
  }
  const pairBytes = pair.bytes * 2;
  const rate = (s: number) => pairBytes / s / 1e9;
  const rows: [string, number, number][] = [
    ...runs.map((r): [string, number, number] => [
      `browser worker compare, ${r.engine === 'webgpu' ? `WebGPU (${r.adapter ?? '?'})` : 'CPU'}`,
      r.seconds,
      r.elements,
    ]),
    ['node diffModels, CPU', nodeDiffS, nodeDiff.elements],
  ];
  const nodeRate = rate(nodeDiffS);
  console.log(
    `\nfull diff of 2 × ${fmt(pair.bytes / 1e6, 0)} MB safetensors (${nodeDiff.tensors.length} tensors, bench/.data/):\n`,
  );
  console.log(
    table(
      ['path', 'GB/s', 'seconds', 'elements', '× node'],
      rows.map(([name, s, n]) => [name, fmt(rate(s), 2), fmt(s, 2), String(n), fmt(rate(s) / nodeRate, 2)]),
    ),
  );
  console.log(
    `
Node peak resident memory during the diff: ${fmt((rssPeak - rssBefore) / 2 ** 20, 0)} MiB above the ${fmt(rssBefore / 2 ** 20, 0)} MiB before it, for ${fmt(pairBytes / 2 ** 20, 0)} MiB of weights`,
  );
  await ggufCase(pair, { node: nodeDiffS, browser: runs });
}

/**
 * The base against its own Q8_0 GGUF (bench/gguf-writer.ts): the dequantizing, grid-testing path of the diff,
 * timed beside the safetensors pair of the same elements (the baseline of the same run).
 */
async function ggufCase(
  pair: { base: string; bytes: number },
  baseline: { node: number; browser: CompareRun[] },
): Promise<void> {
  const gguf = join(dirname(pair.base), '..', `base-${fmt(pair.bytes / 1e6, 0)}mb-q8_0`, 'model.gguf');
  const ggufBytes = await ensureQ8Gguf(pair.base, gguf, console.log);
  const sources = async (path: string, name: string) => [await fileSource(path, name)];
  const n0 = performance.now();
  const node = await compareWeights(await sources(pair.base, 'model.safetensors'), await sources(gguf, 'model.gguf'));
  const nodeS = (performance.now() - n0) / 1000;
  const server = await startNextServer(ROOT);
  let runs: CompareRun[];
  try {
    runs = await browserCompare(server.origin, pair.base, gguf);
  } finally {
    await server.stop();
  }
  const same = (r: CompareRun) => baseline.browser.find((b) => b.engine === r.engine);
  const rows: [string, number, number | undefined][] = [
    ...runs.map((r): [string, number, number | undefined] => [
      `browser worker compare, ${r.engine === 'webgpu' ? `WebGPU (${r.adapter ?? '?'})` : 'CPU'}`,
      r.seconds,
      same(r)?.seconds,
    ]),
    ['node compareWeights, CPU', nodeS, baseline.node],
  ];
  console.log(
    `\nGGUF: the base (${fmt(pair.bytes / 1e6, 0)} MB f32) against its Q8_0 GGUF (${fmt(ggufBytes / 1e6, 0)} MB): lineage ${node.lineage.verdict}, ${node.elements} elements\n`,
  );
  console.log(
    table(
      ['path', 'seconds', 'safetensors pair, seconds', '× safetensors'],
      rows.map(([name, s, b]) => [
        name,
        fmt(s, 2),
        b === undefined ? '—' : fmt(b, 2),
        b === undefined ? '—' : fmt(s / b, 2),
      ]),
    ),
  );
}

main().catch((error) => {
  console.error(error instanceof BenchError ? `bench:weights: ${error.message}` : error);
  process.exitCode = 1;
});
