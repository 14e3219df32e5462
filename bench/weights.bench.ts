// npm run bench:weights -- [--mb 500] [--build]
//
// Reducer throughput of the weight diff (issue #5 §7): GB/s of the WebGPU and CPU reducers in the portal's
// weights worker (Chromium) and of reduceOnCpu in Node, on the same seeded ~500 MB pair of f32 tensors
// (two arrays of mb/2 each). This times the reduction alone; reading the pair from safetensors files is the
// diff engine's part. Without a GPU, Chromium's WebGPU is SwiftShader on the CPU: its figure is a smoke
// test there, not a GPU speed (research/browser-perf.md §3).
import { existsSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright';
import { reduceOnCpu } from '../core/weights/pair-stats.ts';
import { syntheticPair } from '../core/weights/synthetic-pair.ts';
import { CHROMIUM_PATH } from './browser-page.ts';
import { startNextServer } from './next-server.ts';
import { BenchError, fmt, runCommand, table } from './util.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

interface SelfTest {
  elements: number;
  adapter?: string;
  maxRelDiff: number;
  ms: { cpu: number; gpu: number | null };
}

async function browserRun(origin: string, elements: number): Promise<SelfTest> {
  const browser = await chromium.launch({
    ...(existsSync(CHROMIUM_PATH) ? { executablePath: CHROMIUM_PATH } : {}),
    args: ['--no-sandbox', '--enable-unsafe-webgpu', '--use-webgpu-adapter=swiftshader'],
  });
  try {
    const page = await browser.newPage();
    await page.goto(`${origin}/`);
    const reply = await page.evaluate(
      (n) =>
        new Promise<{ result?: SelfTest; error?: string }>((resolve) => {
          const worker = new Worker('/workers/weights.worker.js', { type: 'module' });
          worker.onerror = (event) => resolve({ error: `worker failed: ${event.message}` });
          worker.onmessage = (event: MessageEvent<{ type?: string; result?: SelfTest; error?: string }>) => {
            if (event.data?.type !== 'modelgate:selfTest') return;
            worker.terminate();
            resolve(event.data);
          };
          worker.postMessage({ type: 'modelgate:selfTest', elements: n });
        }),
      elements,
    );
    if (!reply.result) throw new BenchError(`the weights worker failed: ${reply.error}`);
    return reply.result;
  } finally {
    await browser.close();
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { mb: { type: 'string', default: '500' }, build: { type: 'boolean', default: false } },
  });
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
  let browser: SelfTest;
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
}

main().catch((error) => {
  console.error(error instanceof BenchError ? `bench:weights: ${error.message}` : error);
  process.exitCode = 1;
});
