import { test, expect, sha256sum, type Page } from './fixtures';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { VerifyPage } from './pages/verify-page';

// Sizes at every boundary of the browser's hashing paths (workers/file-byte-source.ts, core/hash/one-shot.ts):
// a single arrayBuffer() read up to 64 KiB, the calibration sizes, the 4 MiB read chunk, the 16 MiB progress
// step, and ONE_SHOT_HASH_MAX_BYTES (256 MiB), one byte below and above each.
const KiB = 1024;
const MiB = 1024 * KiB;
const ONE_SHOT_MAX = 256 * MiB;
const SIZES = [
  0,
  1,
  64 * KiB - 1,
  64 * KiB,
  64 * KiB + 1,
  256 * KiB,
  256 * KiB + 1,
  MiB,
  4 * MiB - 1,
  4 * MiB,
  4 * MiB + 1,
  8 * MiB + 7,
  16 * MiB + 3,
  ONE_SHOT_MAX - 1,
  ONE_SHOT_MAX,
  ONE_SHOT_MAX + 1,
];
/** The Hub comparison asks for git blob SHA-1s of files up to this size (core/integrity/check-manifest.ts). */
const GIT_SHA1_MAX_BYTES = 64 * MiB;

const name = (size: number) => `size-${size}.bin`;

let dir = '';
let bytes: Buffer;

test.beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'mg-e2e-sizes-'));
  bytes = randomBytes(ONE_SHOT_MAX + 1);
  for (const size of SIZES) writeFileSync(join(dir, name(size)), bytes.subarray(0, size));
});

test.afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test('the Verify page shows sha256sum digests for files at every size boundary of the hashing paths', async ({
  page,
}) => {
  test.setTimeout(300_000);
  const files = SIZES.map(name);
  const expected = sha256sum(dir, files);
  const verify = new VerifyPage(page);
  await verify.open();
  await verify.pickFiles(files.map((f) => join(dir, f)));
  await verify.waitForReport();
  expect(new Map([...(await verify.digests())].sort())).toEqual(new Map([...expected].sort()));
});

interface WorkerResult {
  sha256?: string;
  gitSha1?: string;
  bytes?: number;
  error?: string;
}

/** Hashes the picked files in the portal's hash worker, one call per file, with one-shot forced on or off. */
async function hashInWorker(page: Page, oneShot: boolean, gitSha1MaxBytes: number): Promise<WorkerResult[]> {
  return page.evaluate(
    async ({ oneShot, gitSha1MaxBytes }) => {
      const input = document.getElementById('hash-paths-input') as HTMLInputElement;
      const worker = new Worker('/workers/hash.worker.js', { type: 'module' });
      // Comlink's wire protocol, by hand: APPLY with raw values, answered by a message with the same id.
      const call = (method: string, args: unknown[]) =>
        new Promise<unknown>((resolve, reject) => {
          const id = crypto.randomUUID();
          const onMessage = (e: MessageEvent<{ id?: string; type: string; value: unknown }>) => {
            if (e.data?.id !== id) return;
            worker.removeEventListener('message', onMessage);
            if (e.data.type === 'HANDLER') reject(new Error(JSON.stringify(e.data.value)));
            else resolve(e.data.value);
          };
          worker.addEventListener('message', onMessage);
          worker.postMessage({
            id,
            type: 'APPLY',
            path: [method],
            argumentList: args.map((value) => ({ type: 'RAW', value })),
          });
        });
      try {
        const out: WorkerResult[] = [];
        for (const file of input.files ?? []) {
          const [r] = (await call('hashFiles', [
            [{ file, path: file.name, oneShot }],
            gitSha1MaxBytes,
          ])) as WorkerResult[];
          out.push(r ?? { error: 'no result' });
        }
        return out;
      } finally {
        worker.terminate();
      }
    },
    { oneShot, gitSha1MaxBytes },
  );
}

test('the hash worker gives the same SHA-256 and git blob SHA-1 one-shot and streamed, at every boundary', async ({
  page,
}) => {
  test.setTimeout(300_000);
  await page.goto('/');
  await page.evaluate(() => {
    const input = document.createElement('input');
    input.type = 'file';
    input.multiple = true;
    input.id = 'hash-paths-input';
    input.hidden = true;
    document.body.appendChild(input);
  });
  await page.locator('#hash-paths-input').setInputFiles(SIZES.map((s) => join(dir, name(s))));
  const expected = SIZES.map((size) => {
    const data = bytes.subarray(0, size);
    return {
      sha256: createHash('sha256').update(data).digest('hex'),
      gitSha1:
        size <= GIT_SHA1_MAX_BYTES ? createHash('sha1').update(`blob ${size}\0`).update(data).digest('hex') : undefined,
      bytes: size,
    };
  });
  for (const oneShot of [true, false]) {
    const results = await hashInWorker(page, oneShot, GIT_SHA1_MAX_BYTES);
    SIZES.forEach((size, i) => {
      const r = results[i]!;
      expect(r.error, `${size} bytes, oneShot ${oneShot}`).toBeUndefined();
      expect({ sha256: r.sha256, gitSha1: r.gitSha1, bytes: r.bytes }, `${size} bytes, oneShot ${oneShot}`).toEqual(
        expected[i],
      );
    });
  }
});
