import { test } from 'node:test';
import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fileSource } from '../io/byte-source-node.ts';
import { scanFile } from './scan-file.ts';
import { readFormatLabels } from './format-corpus-node.ts';
import { vouchForDescribedData } from './described-data.ts';
import type { FileScan } from './scan-check.ts';

const corpus = fileURLToPath(new URL('../../test/fixtures/formats', import.meta.url));
const labels = readFormatLabels(corpus);

/**
 * The corpus scanned as one folder, as the portal and the CLI scan a model folder: each file by content
 * (with its path as its name), then the folder step that vouches for headerless tensor data.
 */
let scans: Promise<Map<string, FileScan['outcome']>> | undefined;
function scanCorpus(): Promise<Map<string, FileScan['outcome']>> {
  scans ??= (async () => {
    const each: FileScan[] = [];
    for (const { path } of labels)
      each.push({ path, outcome: await scanFile(await fileSource(join(corpus, path), path)) });
    const sizes = labels.map(({ path }) => ({ path, size: statSync(join(corpus, path)).size }));
    return new Map(vouchForDescribedData(each, sizes).map((s) => [s.path, s.outcome]));
  })();
  return scans;
}

// Every file of the model-format corpus gets the verdict and the format its label gives, through the same
// entry point as the portal and the CLI.
for (const label of labels) {
  test(`formats ${label.path} → ${label.format}: ${[label.expect].flat().join(' | ')}`, async () => {
    const outcome = (await scanCorpus()).get(label.path)!;
    assert.ok(
      [label.expect].flat().includes(outcome.verdict),
      `got ${outcome.verdict} (${outcome.format}): ${outcome.reason ?? ''}`,
    );
    assert.equal(outcome.format, label.format, `recognised as ${outcome.format}: ${outcome.reason ?? ''}`);
    if (outcome.verdict !== 'benign') assert.ok(outcome.reason, 'a non-benign verdict always says why');
  });
}
