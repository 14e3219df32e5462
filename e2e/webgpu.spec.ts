import { test, expect } from './fixtures';

test('WebGPU has an adapter in this browser (fails loudly rather than skipping)', async ({ page }) => {
  await page.goto('/');
  const architecture = await page.evaluate(async () => {
    const adapter = await navigator.gpu?.requestAdapter();
    return adapter ? adapter.info.architecture || adapter.info.vendor || 'unknown' : null;
  });
  expect(architecture, 'no WebGPU adapter: launch Chromium with --enable-unsafe-webgpu').not.toBeNull();
  await expect(page.getByTestId('webgpu-status')).toContainText('WebGPU available');
});

test('the demo model runs on the WebGPU EP in a worker and its logits equal the WASM EP within 1e-4', async ({
  page,
}) => {
  await page.goto('/');
  await page.getByTestId('run-engine-check').click();
  await expect(page.getByTestId('engine-used')).toBeVisible({ timeout: 110_000 });
  await expect(page.getByTestId('engine-webgpu')).toHaveAttribute('data-ok', 'true');
  await expect(page.getByTestId('engine-wasm')).toHaveAttribute('data-ok', 'true');
  const webgpu = JSON.parse((await page.getByTestId('engine-webgpu').getAttribute('data-logits'))!) as number[];
  const wasm = JSON.parse((await page.getByTestId('engine-wasm').getAttribute('data-logits'))!) as number[];
  expect(webgpu).toHaveLength(2);
  webgpu.forEach((v, i) => expect(Math.abs(v - wasm[i]!)).toBeLessThanOrEqual(1e-4));
  // "[CLS] a good movie" is positive for the demo sentiment model.
  expect(wasm[1]!).toBeGreaterThan(wasm[0]!);
  await expect(page.getByTestId('engine-used')).toHaveText('Inference uses WebGPU.');
});
