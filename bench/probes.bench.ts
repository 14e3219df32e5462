// npm run bench:probes -- [--items 1200] [--runs 2]
// npm run bench:probes -- --scale [--items 16] [--providers wasm,webgpu]   (opt-in: the Qwen2-0.5B-shaped pair)
//
// Probe throughput of the behavioral comparison: items per second of the base and the fine-tune
// runs on the same probe set, in the browser through the Compare page (onnxruntime-web in the inference
// worker, WASM and WebGPU) and in Node (onnxruntime-node, CPU, the CLI's path), side by side, for the two demo
// pairs. The built-in probe sets are repeated up to --items so each run lasts long enough to time; the
// trigger scan is off (budget 0) so only the probe runs are timed. Without a GPU, Chromium's WebGPU is
// SwiftShader on the CPU: its figure is a smoke test, not a GPU speed.
//
// --scale runs only the Compare page on bench/.data/qwen2-0.5b-{finetune,base} (two ~1 GB bfloat16
// checkpoints with Qwen2-0.5B's shapes, made by scripts/gen_scale_checkpoint.py), once on WASM and once on
// WebGPU, each in a fresh browser, with --items (default 16) code-LM probe items, and reports items/s, the
// page's own weight-diff time and the peak resident memory of the Chromium processes (bench/proc-memory.ts:
// VmRSS summed over them every 250 ms, and the peak VmRSS of the renderer, where the inference worker runs,
// and of the GPU process). Progress (the page's own line) is printed as it changes. A run that fails (a WASM heap too small for the weights, a crashed renderer) is
// reported with its error, not retried: that failure is the finding.
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { chromium, type Page } from 'playwright';
import { runBehaviorNode } from '../cli/compare-command.ts';
import { CHROMIUM_PATH } from './browser-page.ts';
import { startNextServer } from './next-server.ts';
import { sampleChromiumMemory, type ChromiumMemory } from './proc-memory.ts';
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

/** Picks both folders and the probe file on the Compare page and starts a run with the trigger scan off. */
async function startComparison(
  page: Page,
  origin: string,
  finetune: string,
  base: string,
  probes: string,
  provider: string,
): Promise<void> {
  await page.goto(`${origin}/compare`);
  await page.getByTestId('finetune-input').setInputFiles(finetune);
  await page.getByTestId('base-input').setInputFiles(base);
  await page.getByText('Behavior options').click();
  await page.getByTestId('probe-file').setInputFiles(probes);
  await page.getByTestId('provider').selectOption(provider);
  await page.getByTestId('trigger-budget').fill('0');
  await page.getByTestId('run-compare').click();
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
  await startComparison(
    page,
    origin,
    join(ROOT, 'public/demo', pair.finetune),
    join(ROOT, 'public/demo', pair.base),
    probes,
    provider,
  );
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

const SCALE = { base: 'qwen2-0.5b-base', finetune: 'qwen2-0.5b-finetune' } as const;

interface ScaleRun {
  provider: string;
  rate?: Rate;
  /** The Compare page's weight diff (both ~1 GB checkpoints), as the page reports it. */
  weights?: string;
  error?: string;
  seconds: number;
  memory: ChromiumMemory;
}

/** The Compare page on the two 0.5B folders, in a fresh browser so that its memory peak is this run's. */
async function scaleRun(origin: string, probes: string, provider: string, timeoutMs: number): Promise<ScaleRun> {
  const browser = await chromium.launch({
    ...(existsSync(CHROMIUM_PATH) ? { executablePath: CHROMIUM_PATH } : {}),
    args: ['--no-sandbox', '--enable-unsafe-webgpu', '--use-webgpu-adapter=swiftshader'],
  });
  const sampler = sampleChromiumMemory();
  const t0 = performance.now();
  const run = async (): Promise<Omit<ScaleRun, 'memory' | 'seconds'>> => {
    const page = await browser.newPage();
    const crashed = new Promise<string>((resolve) => page.once('crash', () => resolve('the renderer crashed')));
    const logged: string[] = [];
    let folded = 0;
    const note = (line: string) => {
      const mem = sampler.now();
      console.log(
        `  ${provider} ${fmt((performance.now() - t0) / 1000, 0)} s, Chromium RSS ${fmt(mem.currentSumBytes / 2 ** 30, 2)} GiB: ${line}`,
      );
    };
    page.on('console', (m) => {
      if (m.type() !== 'error' && m.type() !== 'warning') return;
      const text = m.text();
      // onnxruntime-web warns once per initializer it cannot constant-fold: count those, print the rest.
      if (text.includes("can't constant fold")) {
        if (folded++ === 0) note(`console ${m.type()} (first of its kind): ${text.slice(0, 300)}`);
        return;
      }
      logged.push(text.slice(0, 500));
      note(`console ${m.type()}: ${text.slice(0, 500)}`);
    });
    page.on('pageerror', (e) => note(`page error: ${e.message}`));
    // After the inference worker ends, the page still hashes and scans both ~1 GB files before it shows the
    // result (about two minutes here): only a page that shows nothing for 15 minutes after that has failed.
    let inferClosed: (v: string) => void = () => undefined;
    const inferGone = new Promise<string>((resolve) => (inferClosed = resolve)).then(
      (v) => new Promise<string>((r) => setTimeout(() => r(v), 900_000).unref()),
    );
    page.on('worker', (w) =>
      w.on('close', () => {
        note(`worker closed: ${w.url()}`);
        if (w.url().includes('infer.worker')) inferClosed('worker-gone');
      }),
    );
    let shown = '';
    const poll = setInterval(() => {
      void page
        .getByTestId('compare-progress')
        .textContent({ timeout: 1000 })
        .then((text) => {
          const line = (text ?? '')
            .replace(/\s+/g, ' ')
            .replace(/Cancel$/, '')
            .trim();
          if (line && line !== shown) note((shown = line));
        })
        // No progress line: say what the page shows instead (once per change).
        .catch(() =>
          page
            .locator('main')
            .innerText({ timeout: 1000 })
            .then((text) => {
              const line = `page: ${text.replace(/\s+/g, ' ').slice(0, 600)}`;
              if (line !== shown) note((shown = line));
            }),
        )
        .catch(() => undefined);
    }, 5000);
    await startComparison(page, origin, join(DATA, SCALE.finetune), join(DATA, SCALE.base), probes, provider);
    const facts = page.getByTestId('behavior-run-facts');
    const error = page.getByTestId('compare-error');
    const skipped = page.getByTestId('behavior-skipped');
    const ended = await Promise.race([
      facts.waitFor({ timeout: timeoutMs }).then(() => 'facts'),
      error.waitFor({ timeout: timeoutMs }).then(() => 'error'),
      skipped.waitFor({ timeout: timeoutMs }).then(() => 'skipped'),
      crashed,
      inferGone,
    ]).catch((e: Error) => `timed out after ${timeoutMs / 1000} s (${e.message.split('\n')[0]})`);
    clearInterval(poll);
    const engine = page.getByTestId('compare-engine');
    const weights = (await engine.count()) ? ((await engine.textContent()) ?? undefined) : undefined;
    if (ended !== 'facts') {
      const detail =
        ended === 'error'
          ? await error.textContent()
          : ended === 'skipped'
            ? await skipped.textContent()
            : ended === 'worker-gone'
              ? `the inference worker ended and 15 minutes later the page showed no result and no error; the page ends: ${(await page.locator('main').innerText()).replace(/\s+/g, ' ').slice(-1500)}`
              : ended === 'no-run'
                ? `no behavioral run; ${(await page.getByTestId('check-list').innerText())
                    .split('\n')
                    .filter((l) => /behavio/i.test(l))
                    .join(
                      ' ',
                    )}; findings: ${(await page.getByTestId('findings').innerText()).replace(/\s+/g, ' ').slice(0, 2000)}`
                : ended;
      const console = `${folded ? ` [${folded} "can't constant fold" warnings]` : ''}${logged.length ? ` [console errors: ${logged.join(' | ')}]` : ''}`;
      return { provider, weights, error: `${detail}${console}` };
    }
    const ran = await facts.getAttribute('data-provider');
    const fallback = page.getByTestId('behavior-fallback');
    if (ran !== provider)
      return {
        provider,
        weights,
        error: `asked for ${provider}, ran on ${ran}${(await fallback.count()) ? `: ${await fallback.textContent()}` : ''}`,
      };
    return {
      provider,
      weights,
      rate: {
        base: Number(await facts.getAttribute('data-ips-base')),
        finetune: Number(await facts.getAttribute('data-ips-finetune')),
      },
    };
  };
  try {
    const result = await run();
    return { ...result, seconds: (performance.now() - t0) / 1000, memory: sampler.stop() };
  } finally {
    sampler.stop();
    await browser.close().catch(() => undefined);
  }
}

async function scaleMain(items: number, providers: readonly string[]): Promise<void> {
  for (const dir of Object.values(SCALE))
    if (!existsSync(join(DATA, dir, 'model.safetensors')))
      throw new BenchError(
        `--scale needs bench/.data/${dir}/: make both folders with \`python scripts/gen_scale_checkpoint.py\` (any Python with torch and transformers; ~2 GB on disk)`,
      );
  if (!existsSync(join(ROOT, '.next/BUILD_ID'))) throw new BenchError('no production build: run `npm run build` first');
  console.log(
    `scale: the Compare page on bench/.data/${SCALE.finetune} vs ${SCALE.base} (Qwen2-0.5B shapes, bfloat16), ${items} code-LM items, trigger budget 0, batch 8; ${cpus().length} CPUs (${cpus()[0]?.model})`,
  );
  const probes = bigProbeSet('code-lm.probes.jsonl', items);
  const server = await startNextServer(ROOT);
  const runs: ScaleRun[] = [];
  try {
    for (const provider of providers) {
      const r = await scaleRun(server.origin, probes, provider, 3_600_000);
      console.log(`${provider}: ${r.error ? `FAILED: ${r.error}` : 'ok'} (${fmt(r.seconds, 0)} s)`);
      runs.push(r);
    }
  } finally {
    await server.stop();
  }
  const gib = (b: number | undefined) => (b ? fmt(b / 2 ** 30, 2) : '—');
  console.log(
    table(
      [
        'provider',
        'items/s fine-tune',
        'items/s base',
        'peak RSS sum (GiB)',
        'renderer peak RSS (GiB)',
        'GPU process peak RSS (GiB)',
        'wall s',
      ],
      runs.map((r) => [
        r.provider,
        r.rate ? fmt(r.rate.finetune, 3) : 'failed',
        r.rate ? fmt(r.rate.base, 3) : 'failed',
        gib(r.memory.peakSumBytes),
        gib(r.memory.peakByType.renderer),
        gib(r.memory.peakByType['gpu-process']),
        fmt(r.seconds, 0),
      ]),
    ),
  );
  for (const r of runs) {
    if (r.weights) console.log(`${r.provider}: weights: ${r.weights.replace(/\s+/g, ' ').trim()}`);
    if (r.error) console.log(`${r.provider}: error: ${r.error}`);
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      items: { type: 'string' },
      runs: { type: 'string', default: '2' },
      scale: { type: 'boolean', default: false },
      /** --scale only: which browser providers to run, e.g. `--providers wasm`. */
      providers: { type: 'string' },
    },
  });
  if (values.scale) return scaleMain(Number(values.items ?? '16'), (values.providers ?? 'wasm,webgpu').split(','));
  const items = Number(values.items ?? '1200');
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
