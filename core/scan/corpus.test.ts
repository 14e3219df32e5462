import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { fileSource } from '../io/byte-source-node.ts';
import { scanFile } from './scan-file.ts';
import type { ScanVerdict } from './types.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
const corpus = join(root, 'test/fixtures/scan');
interface Label {
  path: string;
  expect: ScanVerdict | ScanVerdict[];
  technique: number | null;
  source: string;
}
const { files } = JSON.parse(readFileSync(join(corpus, 'labels.json'), 'utf8')) as { files: Label[] };

// The whole published-technique corpus (scripts/gen_scan_fixtures.py, techniques of docs/scanner.md):
// every file gets the verdict its label allows, through the same entry point as the portal and the CLI.
for (const label of files) {
  test(`corpus ${label.path} → ${[label.expect].flat().join(' | ')}`, async () => {
    const name = label.path.split('/').pop()!;
    const outcome = await scanFile(await fileSource(join(corpus, label.path), name));
    assert.ok(
      [label.expect].flat().includes(outcome.verdict),
      `got ${outcome.verdict} (${outcome.format}): ${outcome.reason ?? ''}`,
    );
    if (outcome.verdict !== 'benign') assert.ok(outcome.reason, 'a non-benign verdict always says why');
  });
}

test('the corpus covers every file-level technique of research §4 (1–30, 33–38)', () => {
  const covered = new Set(files.map((f) => f.technique));
  const missing = [...Array.from({ length: 30 }, (_, i) => i + 1), 33, 34, 35, 36, 37, 38].filter(
    (t) => !covered.has(t),
  );
  assert.deepEqual(missing, []);
});

test('every file of the bundled demo model is benign', async () => {
  const demo = join(root, 'public/demo/tiny-sentiment');
  for (const path of readdirSync(demo, { recursive: true, withFileTypes: true })) {
    if (!path.isFile()) continue;
    const full = join(path.parentPath, path.name);
    const outcome = await scanFile(await fileSource(full, path.name));
    assert.equal(outcome.verdict, 'benign', `${path.name}: ${outcome.reason}`);
  }
});
