import { test, expect, type Page } from './fixtures';
import type { PairStats } from '../core/weights/pair-stats';
import type { SelfTestResult } from '../workers/weights.worker';

/**
 * Runs the weights worker's `selfTest` (workers/weights.worker.ts) through its Comlink API. The page has no
 * bundler, so the call is Comlink's own wire message: an APPLY of `selfTest` with a RAW argument, answered by
 * a message with the same id, RAW with the result or HANDLER with what it threw.
 */
async function selfTest(page: Page, elements?: number): Promise<SelfTestResult> {
  // Any portal page: the worker then runs under the portal's COOP/COEP and CSP, as it will on Compare.
  await page.goto('/');
  const reply = await page.evaluate(
    (n) =>
      new Promise<{ result?: SelfTestResult; error?: string }>((resolve) => {
        const worker = new Worker('/workers/weights.worker.js', { type: 'module' });
        const id = 'e2e-self-test';
        worker.onerror = (event) => resolve({ error: `worker failed to load: ${event.message}` });
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
  expect(reply.error).toBeUndefined();
  return reply.result!;
}

function expectAgreement(result: SelfTestResult): void {
  console.log(`${result.elements} elements on ${result.adapter}: relDiff ${JSON.stringify(result.relDiff)}`);
  expect(result.gpu, 'no WebGPU reducer: launch Chromium with --enable-unsafe-webgpu').not.toBeNull();
  expect(result.adapter).toContain('swiftshader');
  const { cpu, gpu } = result as { cpu: PairStats; gpu: PairStats };
  expect(cpu.count).toBe(result.elements);
  expect(gpu.count).toBe(cpu.count);
  expect(gpu.changed).toBe(cpu.changed);
  expect(cpu.changed).toBeGreaterThan(0);
  for (const key of ['sumBase2', 'sumFt2', 'sumDiff2', 'dot', 'maxAbsDiff'] as const) {
    expect(Math.abs(gpu[key] - cpu[key]) / Math.abs(cpu[key]), key).toBeLessThanOrEqual(1e-5);
  }
  expect(result.maxRelDiff).toBeLessThanOrEqual(1e-5);
}

test('the weights worker reduces on WebGPU (SwiftShader) and agrees with the CPU within 1e-5', async ({ page }) => {
  expectAgreement(await selfTest(page));
});

test('a pair larger than one GPU chunk (8M elements) is reduced in chunks and still agrees', async ({ page }) => {
  expectAgreement(await selfTest(page, 9_000_001));
});
