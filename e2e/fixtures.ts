import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { test as base, expect, type Page } from '@playwright/test';

export { expect };
export type { Page };

/** The two screens users reported sideways scrolling on: a phone and a laptop. */
const CHECKED_VIEWPORTS = [
  { width: 390, height: 844 },
  { width: 1280, height: 800 },
] as const;

/**
 * At the end of every test, whatever state the test left the page in must fit the phone and the laptop
 * screen without sideways scrolling. The widest element is named so a failure says what to fix.
 */
export async function expectNoSidewaysScroll(page: Page) {
  for (const viewport of CHECKED_VIEWPORTS) {
    await page.setViewportSize(viewport);
    const measured = await page.evaluate(async () => {
      // Two frames: layout that reacts to the resize (observers, media queries) has settled.
      await new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
      const { scrollWidth } = document.documentElement;
      const width = window.innerWidth;
      if (scrollWidth <= width) return { scrollWidth, width, widest: '' };
      // Content inside its own scroll box does not widen the page: only elements outside one can.
      const scrolls = (el: Element) => {
        for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) {
          if (getComputedStyle(a).overflowX !== 'visible') return true;
        }
        return false;
      };
      const found = { el: null as Element | null, right: -Infinity };
      const consider = (el: Element, right: number) => {
        // ">=": of equally wide elements the deepest, the one that pushes its ancestors, is named.
        if (right > width && right >= found.right && !scrolls(el)) Object.assign(found, { el, right });
      };
      for (const el of document.body.querySelectorAll('*')) consider(el, el.getBoundingClientRect().right + scrollX);
      // An unbroken string can overflow a box that itself fits: its text is measured, its element named.
      const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
      const range = document.createRange();
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        range.selectNodeContents(node);
        const parent = node.parentElement;
        if (parent && getComputedStyle(parent).overflowX === 'visible')
          consider(parent, range.getBoundingClientRect().right + scrollX);
      }
      const describe = (el: Element) => {
        const testId = el.getAttribute('data-testid');
        const classes = typeof el.className === 'string' ? el.className.split(/\s+/).filter(Boolean).slice(0, 6) : [];
        return (
          el.tagName.toLowerCase() +
          (el.id ? `#${el.id}` : '') +
          (testId ? `[data-testid="${testId}"]` : '') +
          (classes.length ? `.${classes.join('.')}` : '') +
          ` (right edge at ${Math.round(found.right)} px): "${(el.textContent ?? '').trim().slice(0, 80)}"`
        );
      };
      // The nearest ancestor with a test id says which component to look in.
      const within = (el: Element) => {
        const owner = el.parentElement?.closest('[data-testid]');
        return owner ? ` inside [data-testid="${owner.getAttribute('data-testid')}"]` : '';
      };
      return {
        scrollWidth,
        width,
        widest: found.el ? describe(found.el) + within(found.el) : 'no single element found',
      };
    });
    expect(
      measured.scrollWidth,
      `the page scrolls sideways at ${measured.width} px (scrollWidth ${measured.scrollWidth} px); widest element: ${measured.widest}`,
    ).toBeLessThanOrEqual(measured.width);
  }
}

/**
 * Every spec imports `test` from here: the auto fixture checks, after each test, that the page the test
 * left open does not scroll sideways on a phone or a laptop screen.
 */
export const test = base.extend<{ noSidewaysScroll: void }>({
  noSidewaysScroll: [
    async ({ page }, use) => {
      await use();
      if (!page.isClosed()) await expectNoSidewaysScroll(page);
    },
    { auto: true },
  ],
});

/** A valid safetensors file holding one U8 tensor of random bytes (so the scan can call it benign). */
function safetensors(bytes: number): Buffer {
  let header = JSON.stringify({ w: { dtype: 'U8', shape: [bytes], data_offsets: [0, bytes] } });
  header += ' '.repeat((8 - (header.length % 8)) % 8);
  const length = Buffer.alloc(8);
  length.writeBigUInt64LE(BigInt(header.length));
  return Buffer.concat([length, Buffer.from(header), randomBytes(bytes)]);
}

/** A model folder with nested directories and a multi-chunk weight file, made fresh for each test run. */
export function makeModelFolder(): { dir: string; files: string[]; cleanup: () => void } {
  const root = mkdtempSync(join(tmpdir(), 'mg-e2e-'));
  const dir = join(root, 'nested-model');
  const files: Record<string, Uint8Array | string> = {
    'config.json': '{"model_type":"test"}\n',
    // A complete model card (pinned dataset, license, from scratch): the provenance check passes.
    'README.md': readFileSync('public/demo/tiny-sentiment/README.md'),
    'onnx/model.onnx': readFileSync('public/demo/tiny-sentiment/onnx/model.onnx'),
    'shards/part-00001-of-00002.safetensors': safetensors(9 * 1024 * 1024 + 13), // several 4 MiB reads
    'shards/part-00002-of-00002.safetensors': safetensors(3 * 1024 * 1024),
    'empty.txt': '',
  };
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
  return { dir, files: Object.keys(files).sort(), cleanup: () => rmSync(root, { recursive: true, force: true }) };
}

/** What coreutils' sha256sum says, the reference every digest is compared with. */
export function sha256sum(dir: string, files: string[]): Map<string, string> {
  const out = execFileSync('sha256sum', files, { cwd: dir, encoding: 'utf8' });
  return new Map(
    out
      .trim()
      .split('\n')
      .map((line) => {
        const [digest, path] = line.split(/\s+\*?/);
        return [path!, digest!];
      }),
  );
}

/** A sharded-checkpoint-like folder: `count` small files spread over nested directories. */
export function makeManyFiles(count: number): { dir: string; cleanup: () => void } {
  const root = mkdtempSync(join(tmpdir(), 'mg-e2e-many-'));
  const dir = join(root, 'sharded');
  for (let i = 0; i < count; i++) {
    const path = join(dir, `layer-${i % 30}`, `shard-${String(i).padStart(5, '0')}.bin`);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, `shard ${i}\n`);
  }
  return { dir, cleanup: () => rmSync(root, { recursive: true, force: true }) };
}
