import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fileSource } from '../io/byte-source-node.ts';
import { scanFile } from './scan-file.ts';
import { readFormatLabels } from './format-corpus-node.ts';

const corpus = fileURLToPath(new URL('../../test/fixtures/formats', import.meta.url));

// Every file of the model-format corpus gets the verdict and the format its label gives, through the same
// entry point as the portal and the CLI.
for (const label of readFormatLabels(corpus)) {
  test(`formats ${label.path} → ${label.format}: ${[label.expect].flat().join(' | ')}`, async () => {
    const name = label.path.split('/').pop()!;
    const outcome = await scanFile(await fileSource(join(corpus, label.path), name));
    assert.ok(
      [label.expect].flat().includes(outcome.verdict),
      `got ${outcome.verdict} (${outcome.format}): ${outcome.reason ?? ''}`,
    );
    assert.equal(outcome.format, label.format, `recognised as ${outcome.format}: ${outcome.reason ?? ''}`);
    if (outcome.verdict !== 'benign') assert.ok(outcome.reason, 'a non-benign verdict always says why');
  });
}
