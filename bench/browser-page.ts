// Drives the portal's Verify page in Chromium for bench/hash.bench.ts, plus a diagnostic worker that
// measures the parts of the browser hashing path separately.
import { existsSync } from 'node:fs';
import { basename, join } from 'node:path';
import { build } from 'esbuild';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright';
import type { DiagResult, DiagTask } from './diag.worker.ts';
import { BenchError } from './util.ts';

export const CHROMIUM_PATH = '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-background-networking', '--disable-component-update'];
const DIAG_WORKER_PATH = '/workers/__bench-diag.worker.js';
const DIAG_INPUT_ID = 'bench-diag-input';

export interface BrowserSession {
  browser: Browser;
  context: BrowserContext;
  page: Page;
  version: string;
  executable: string;
  close(): Promise<void>;
}

export async function launchBrowser(): Promise<BrowserSession> {
  const useSystem = existsSync(CHROMIUM_PATH);
  let browser: Browser;
  try {
    browser = await chromium.launch({
      ...(useSystem ? { executablePath: CHROMIUM_PATH } : {}),
      args: CHROMIUM_ARGS,
      headless: true,
      timeout: 60_000,
    });
  } catch (error) {
    throw new BenchError(
      `could not launch Chromium (${useSystem ? CHROMIUM_PATH : "Playwright's own chromium; run `npx playwright install chromium`"}): ${(error as Error).message}`,
    );
  }
  const close = async () => {
    await Promise.race([browser.close().catch(() => undefined), new Promise((r) => setTimeout(r, 10_000).unref())]);
  };
  try {
    const context = await browser.newContext();
    const page = await context.newPage();
    return {
      browser,
      context,
      page,
      version: browser.version(),
      executable: useSystem ? CHROMIUM_PATH : 'playwright chromium',
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

/** Opens the Verify page and waits until its file input is there and hydrated. */
export async function openVerifyPage(session: BrowserSession, origin: string): Promise<void> {
  const { page } = session;
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${origin}/`, { waitUntil: 'load', timeout: 60_000 });
  await page.locator('[data-testid=file-input]').waitFor({ state: 'attached', timeout: 60_000 });
  // The demo button only works once React has hydrated; wait for the network to settle as a proxy.
  await page.waitForLoadState('networkidle', { timeout: 30_000 }).catch(() => undefined);
  if (errors.length) throw new BenchError(`the Verify page threw: ${errors.join('; ')}`);
}

export interface PortalRun {
  bytesPerSecond: number;
  seconds: number;
}

/**
 * One hashing run through the portal's own path: pick `files` in `[data-testid=file-input]`, wait for
 * `[data-testid=hash-summary]`, read the rate the page measured, check every digest, then click
 * "Verify another model" so the page is ready for the next run.
 */
export async function portalRun(
  page: Page,
  files: readonly string[],
  expected: ReadonlyMap<string, string>,
  timeoutMs: number,
): Promise<PortalRun> {
  const summary = page.locator('[data-testid=hash-summary]');
  const error = page.locator('[data-testid=verify-error]');
  await page.locator('[data-testid=file-input]').setInputFiles([...files], { timeout: 30_000 });
  await page
    .locator('[data-testid=hash-summary], [data-testid=verify-error]')
    .first()
    .waitFor({ state: 'attached', timeout: timeoutMs })
    .catch((e: Error) => {
      throw new BenchError(
        `the page did not finish hashing ${files.map((f) => basename(f)).join(' + ')} within ${Math.round(timeoutMs / 1000)} s: ${e.message.split('\n')[0]}`,
      );
    });
  if (await error.count()) throw new BenchError(`the page reported an error: ${await error.innerText()}`);
  const bytesPerSecond = Number(await summary.getAttribute('data-bytes-per-second'));
  const seconds = Number(await summary.getAttribute('data-seconds'));
  if (!(bytesPerSecond > 0) || !(seconds > 0))
    throw new BenchError(
      `hash-summary has no usable rate (data-bytes-per-second=${bytesPerSecond}, data-seconds=${seconds})`,
    );

  for (const file of files) {
    const name = basename(file);
    const cell = page.locator(`[data-testid=file-row][data-path="${name}"] [data-testid=file-sha256]`);
    if ((await cell.count()) !== 1)
      throw new BenchError(`no SHA-256 shown for ${name} (the file table has no single row for it)`);
    const shown = (await cell.innerText()).trim();
    const want = expected.get(name);
    if (shown !== want)
      throw new BenchError(`DIGEST MISMATCH for ${name}: the browser shows ${shown}, sha256sum says ${want}`);
  }

  await page.getByRole('button', { name: 'Verify another model' }).click({ timeout: 10_000 });
  await summary.waitFor({ state: 'detached', timeout: 10_000 });
  await page.locator('[data-testid=file-input]').waitFor({ state: 'attached', timeout: 10_000 });
  return { bytesPerSecond, seconds };
}

// ---------------------------------------------------------------- diagnostic worker

/**
 * Bundles bench/diag.worker.ts (with the portal's own lib/ and core/ code) and serves it same-origin at
 * /workers/__bench-diag.worker.js with the headers the real hash worker gets (COEP, CORP, CSP), so it runs
 * under the same conditions. Its files come from setDiagFiles.
 */
export async function installDiagWorker(session: BrowserSession, root: string, origin: string): Promise<void> {
  const bundle = await build({
    entryPoints: [join(root, 'bench/diag.worker.ts')],
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    minify: true,
    logLevel: 'silent',
    absWorkingDir: root,
  });
  const code = bundle.outputFiles[0]?.text;
  if (!code) throw new BenchError('esbuild produced no diagnostic worker');
  await session.context.route(`${origin}${DIAG_WORKER_PATH}`, async (route) => {
    const real = await route.fetch({ url: `${origin}/workers/hash.worker.js` });
    await route.fulfill({ response: real, body: code, contentType: 'text/javascript; charset=utf-8' });
  });
}

/** Picks `files` in a hidden file input of the bench's own (added to the page on first use). */
export async function setDiagFiles(page: Page, files: readonly string[]): Promise<void> {
  await page.evaluate((id) => {
    if (document.getElementById(id)) return;
    const input = document.createElement('input');
    input.type = 'file';
    input.multiple = true;
    input.id = id;
    input.hidden = true;
    document.body.appendChild(input);
  }, DIAG_INPUT_ID);
  await page.locator(`#${DIAG_INPUT_ID}`).setInputFiles([...files], { timeout: 30_000 });
}

export type DiagRequest =
  | { kind: 'mem'; bytes: number; chunk: number }
  | { kind: 'webcrypto'; bytes: number }
  | { kind: 'file'; index: number; reader: string; hash: boolean; yieldEvery?: number };

/** Runs one task in a fresh diagnostic worker (a file task reads the diag input's file at `index`). */
export async function diagRun(page: Page, request: DiagRequest, timeoutMs: number): Promise<DiagResult> {
  const outcome = await page.evaluate(
    async ({ request, url, inputId, timeoutMs }) => {
      let task: DiagTask;
      if (request.kind === 'file') {
        const input = document.getElementById(inputId) as HTMLInputElement | null;
        const file = input?.files?.[request.index];
        if (!file) return { ok: false as const, error: `the diagnostic input has no file #${request.index}` };
        task = { kind: 'file', file, reader: request.reader, hash: request.hash, yieldEvery: request.yieldEvery };
      } else {
        task = request;
      }
      const worker = new Worker(url, { type: 'module', name: 'bench-diag' });
      try {
        return await new Promise<{ ok: true; result: DiagResult } | { ok: false; error: string }>((resolve) => {
          const timer = setTimeout(
            () => resolve({ ok: false, error: `timed out after ${timeoutMs / 1000} s` }),
            timeoutMs,
          );
          worker.onmessage = (e: MessageEvent<{ ok: true; result: DiagResult } | { ok: false; error: string }>) => {
            clearTimeout(timer);
            resolve(e.data);
          };
          worker.onerror = (e) => {
            clearTimeout(timer);
            resolve({ ok: false, error: `diagnostic worker failed: ${e.message || 'could not load'}` });
          };
          worker.postMessage(task);
        });
      } finally {
        worker.terminate();
      }
    },
    { request, url: DIAG_WORKER_PATH, inputId: DIAG_INPUT_ID, timeoutMs },
  );
  if (!outcome.ok) throw new BenchError(`diagnostic ${JSON.stringify(request)}: ${outcome.error}`);
  return outcome.result;
}

// ---------------------------------------------------------------- the portal's hash worker, driven directly

const HASH_WORKER_PATH = '/workers/hash.worker.js';

export interface HashWorkerResult {
  seconds: number;
  bytes: number;
  sha256: string;
}

/**
 * Hashes the diagnostic input's file at `index` in the portal's own hash worker (public/workers/hash.worker.js),
 * without the page's pool or UI, so a path the pool picks by itself can be forced: `oneShot` is the
 * WebCrypto one-shot path, whatever calibration says about this machine. One worker per page, warmed as the
 * pool warms its workers, speaking Comlink's wire protocol (APPLY with raw values) by hand.
 */
export async function hashWorkerRun(
  page: Page,
  index: number,
  options: { oneShot: boolean },
  timeoutMs: number,
): Promise<HashWorkerResult> {
  const args = { index, oneShot: options.oneShot, url: HASH_WORKER_PATH, inputId: DIAG_INPUT_ID, timeoutMs };
  // Plain JavaScript, not a function: tsx would wrap named inner functions in a __name() helper that the
  // page does not have.
  const outcome = (await page.evaluate(`(async ({ index, oneShot, url, inputId, timeoutMs }) => {
    const file = document.getElementById(inputId)?.files?.[index];
    if (!file) return { ok: false, error: 'the diagnostic input has no file #' + index };
    window.__benchHashWorker ??= { worker: new Worker(url, { type: 'module', name: 'bench-hash' }), warmed: false };
    const holder = window.__benchHashWorker;
    const call = (method, args) =>
      new Promise((resolve, reject) => {
        const id = crypto.randomUUID();
        const timer = setTimeout(() => reject(new Error(method + ' timed out')), timeoutMs);
        holder.worker.onerror = (e) => reject(new Error('the hash worker failed: ' + e.message));
        holder.worker.onmessage = (e) => {
          if (e.data?.id !== id) return;
          clearTimeout(timer);
          if (e.data.type === 'HANDLER') reject(new Error(method + ' threw: ' + JSON.stringify(e.data.value)));
          else resolve(e.data.value);
        };
        holder.worker.postMessage({ id, type: 'APPLY', path: [method], argumentList: args.map((value) => ({ type: 'RAW', value })) });
      });
    try {
      if (!holder.warmed) {
        await call('warm', []);
        holder.warmed = true;
      }
      const started = performance.now();
      const [r] = await call('hashFiles', [[{ file, path: file.name, oneShot }], 0]);
      const seconds = (performance.now() - started) / 1000;
      if (!r || !('sha256' in r)) return { ok: false, error: r?.error ?? 'no result' };
      return { ok: true, result: { seconds, bytes: r.bytes, sha256: r.sha256 } };
    } catch (error) {
      return { ok: false, error: error.message };
    }
  })(${JSON.stringify(args)})`)) as { ok: true; result: HashWorkerResult } | { ok: false; error: string };
  if (!outcome.ok) throw new BenchError(`hash worker run on file #${index}: ${outcome.error}`);
  return outcome.result;
}
