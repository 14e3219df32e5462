// Retakes the README's screenshots from the production build (`npm run build` first):
//   node scripts/screenshots.mjs
// Verify page after "Try the demo" at desktop (1280×800) and phone (390×844) width, and the Compare page's
// behavior section for the code-LM demo pair; prints the demo report link's length. Uses Debian's Chromium when present, as the e2e tests do.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chromium } from '@playwright/test';

const PORT = Number(process.env.SCREENSHOT_PORT ?? 3299);
const BASE = `http://127.0.0.1:${PORT}`;

async function waitForServer() {
  for (let i = 0; i < 120; i++) {
    try {
      if ((await fetch(BASE)).ok) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`the portal did not start on ${BASE}`);
}

async function verifyDemo(page) {
  await page.goto(BASE);
  await page.locator('html[data-hydrated]').waitFor({ state: 'attached' });
  await page.getByTestId('try-demo').click();
  await page.getByTestId('verdict').waitFor({ timeout: 120_000 });
  // The page scrolls to the verdict itself; keep the line above it (what was checked, how fast) in view.
  await page.evaluate(() => {
    globalThis.document.getElementById('verdict')?.scrollIntoView({ block: 'start' });
    globalThis.scrollBy(0, -80);
  });
}

// Its own process group, so that stopping it stops the Next server it starts too.
const server = spawn('npx', ['next', 'start', '-H', '127.0.0.1', '-p', String(PORT)], {
  stdio: 'ignore',
  detached: true,
  env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' },
});
try {
  await waitForServer();
  const browser = await chromium.launch({
    executablePath: existsSync('/usr/bin/chromium') ? '/usr/bin/chromium' : undefined,
    args: ['--no-sandbox', '--enable-unsafe-webgpu', '--use-webgpu-adapter=swiftshader'],
  });
  const desktop = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  await verifyDemo(desktop);
  await desktop.screenshot({ path: 'docs/screenshot.png', fullPage: false });
  // The length docs/signatures.md quotes for the demo's link.
  const link = await desktop.getByTestId('report-link').inputValue();
  console.log(`demo report link: ${link.length} characters`);

  const phone = await browser.newPage({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true });
  await verifyDemo(phone);
  await phone.screenshot({ path: 'docs/screenshot-phone.png', fullPage: false });

  const compare = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await compare.goto(`${BASE}/compare`);
  await compare.locator('html[data-hydrated]').waitFor({ state: 'attached' });
  await compare.getByTestId('demo-code-lm').click();
  await compare.getByTestId('behavior-view').waitFor({ timeout: 300_000 });
  await compare.getByTestId('behavior-view').screenshot({ path: 'docs/compare-behavior.png' });
  await browser.close();
} finally {
  process.kill(-server.pid, 'SIGTERM');
}
