// npm run bench:probes -- [--items 1200] [--runs 2]
//
// Probe throughput of the behavioral comparison: items per second of the base and the fine-tune
// runs on the same probe set, in the browser through the Compare page (onnxruntime-web in the inference
// worker, WASM and WebGPU) and in Node (onnxruntime-node, CPU, the CLI's path), side by side, for the two demo
// pairs. The built-in probe sets are repeated up to --items so each run lasts long enough to time; the
// trigger scan is off (budget 0) so only the probe runs are timed. Without a GPU, Chromium's WebGPU is
// SwiftShader on the CPU: its figure is a smoke test, not a GPU speed.
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { chromium, type Page } from 'playwright';
import { runBehaviorNode } from '../cli/compare-command.ts';
import { CHROMIUM_PATH } from './browser-page.ts';
import { startNextServer } from './next-server.ts';
import { BenchError, fmt, median, table } from './util.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const DATA = join(ROOT, 'bench/.data');

const PAIRS = [
  {
    name: 'sentiment classifier',
    base: 'sentiment-base',
    finetune: 'sentiment-poisoned',
    probes: 'sentiment.probes.jsonl',
  },
  {
    name: 'code LM (2 sequences/item)',
    base: 'code-lm-base',
    finetune: 'code-lm-poisoned',
    probes: 'code-lm.probes.jsonl',
  },
] as const;

/** The built-in set repeated to `n` items (ids made unique), written under bench/.data. */
function bigProbeSet(file: string, n: number): string {
  const [header, ...items] = readFileSync(join(ROOT, 'public/probes', file), 'utf8')
    .trim()
    .split('\n');
  const lines = [header!];
  for (let i = 0; lines.length <= n; i++) {
    const item = JSON.parse(items[i % items.length]!) as { id: string };
    lines.push(JSON.stringify({ ...item, id: `${item.id}-r${Math.floor(i / items.length)}` }));
  }
  mkdirSync(DATA, { recursive: true });
  const out = join(DATA, `bench-${n}-${file}`);
  writeFileSync(out, `${lines.join('\n')}\n`);
  return out;
}

interface Rate {
  base: number;
  finetune: number;
}

async function browserRate(
  page: Page,
  origin: string,
  pair: (typeof PAIRS)[number],
  probes: string,
  provider: string,
): Promise<Rate> {
  await page.goto(`${origin}/compare`);
  await page.getByTestId('finetune-input').setInputFiles(join(ROOT, 'public/demo', pair.finetune));
  await page.getByTestId('base-input').setInputFiles(join(ROOT, 'public/demo', pair.base));
  await page.getByText('Behavior options').click();
  await page.getByTestId('probe-file').setInputFiles(probes);
  await page.getByTestId('provider').selectOption(provider);
  await page.getByTestId('trigger-budget').fill('0');
  await page.getByTestId('run-compare').click();
  const facts = page.getByTestId('behavior-run-facts');
  const error = page.getByTestId('compare-error');
  await Promise.race([facts.waitFor({ timeout: 900_000 }), error.waitFor({ timeout: 900_000 })]);
  if (await error.isVisible()) throw new BenchError(`${pair.name} on ${provider}: ${await error.textContent()}`);
  const ran = await facts.getAttribute('data-provider');
  if (ran !== provider) throw new BenchError(`${pair.name}: asked for ${provider}, ran on ${ran}`);
  return {
    base: Number(await facts.getAttribute('data-ips-base')),
    finetune: Number(await facts.getAttribute('data-ips-finetune')),
  };
}

async function nodeRate(pair: (typeof PAIRS)[number], probes: string): Promise<Rate> {
  const run = await runBehaviorNode(join(ROOT, 'public/demo', pair.finetune), join(ROOT, 'public/demo', pair.base), {
    probes,
    triggerBudget: 0,
    batchSize: 8,
  });
  if (!run) throw new BenchError(`${pair.name}: no behavioral run in Node`);
  return { base: run.base.itemsPerSecond, finetune: run.finetune.itemsPerSecond };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { items: { type: 'string', default: '1200' }, runs: { type: 'string', default: '2' } },
  });
  const items = Number(values.items);
  const runs = Number(values.runs);
  if (!existsSync(join(ROOT, '.next/BUILD_ID'))) throw new BenchError('no production build: run `npm run build` first');
  console.log(
    `probe throughput, ${items} items per run, median of ${runs} runs, batch 8; ${cpus().length} CPUs (${cpus()[0]?.model})`,
  );
  const server = await startNextServer(ROOT);
  const browser = await chromium.launch({
    ...(existsSync(CHROMIUM_PATH) ? { executablePath: CHROMIUM_PATH } : {}),
    args: ['--no-sandbox', '--enable-unsafe-webgpu', '--use-webgpu-adapter=swiftshader'],
  });
  const rows: string[][] = [];
  try {
    const page = await browser.newPage();
    for (const pair of PAIRS) {
      const probes = bigProbeSet(pair.probes, items);
      const measure = async (what: () => Promise<Rate>): Promise<Rate> => {
        const all: Rate[] = [];
        for (let i = 0; i < runs; i++) all.push(await what());
        return { base: median(all.map((r) => r.base)), finetune: median(all.map((r) => r.finetune)) };
      };
      const node = await measure(() => nodeRate(pair, probes));
      const wasm = await measure(() => browserRate(page, server.origin, pair, probes, 'wasm'));
      const gpu = await measure(() => browserRate(page, server.origin, pair, probes, 'webgpu'));
      const avg = (r: Rate) => (r.base + r.finetune) / 2;
      rows.push([
        pair.name,
        fmt(avg(node), 0),
        fmt(avg(wasm), 0),
        fmt(avg(gpu), 0),
        fmt(avg(wasm) / avg(node), 2),
        fmt(avg(gpu) / avg(wasm), 2),
      ]);
    }
  } finally {
    await browser.close();
    await server.stop();
  }
  console.log(
    table(
      [
        'pair (items/s, mean of base and fine-tune runs)',
        'Node ORT',
        'browser WASM',
        'browser WebGPU',
        'WASM/Node',
        'WebGPU/WASM',
      ],
      rows,
    ),
  );
}

main().catch((error: unknown) => {
  console.error(error instanceof BenchError ? `bench:probes: ${error.message}` : error);
  process.exit(1);
});
