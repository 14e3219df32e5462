import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { memorySource } from '../io/byte-source.ts';
import { readFormatLabels } from './format-corpus-node.ts';
import { scanFile } from './scan-file.ts';

const corpus = fileURLToPath(new URL('../../test/fixtures/formats', import.meta.url));
const TREE_FORMATS = /^(lightgbm|xgboost-json|xgboost-ubj|xgboost-legacy|catboost)$/;

// Cuts and flipped bytes of the tree-model corpus gets a verdict from the tree-model scanners
// themselves: no exception escapes to the router (MG-SCAN-903), and a cut file is never benign.
test('cut and damaged tree models: explicit findings, never a scanner failure', async () => {
  const labels = readFormatLabels(corpus).filter(
    (l) => l.path.startsWith('tree-models/') && TREE_FORMATS.test(l.format),
  );
  assert.ok(labels.length >= 20);
  for (const label of labels) {
    const bytes = new Uint8Array(readFileSync(`${corpus}/${label.path}`));
    for (let k = 1; k <= 8; k++) {
      const cut = bytes.subarray(0, Math.floor((bytes.byteLength * k) / 9));
      const out = await scanFile(memorySource(label.path, cut));
      assert.ok(
        !out.findings.some((f) => f.code === 'MG-SCAN-903'),
        `${label.path} cut at ${cut.byteLength}: ${out.reason}`,
      );
      // LightGBM reads nothing it needs after "end of trees" (the parameters and pandas_categorical are optional).
      const complete = label.format === 'lightgbm' && new TextDecoder().decode(cut).includes('end of trees\n');
      if (out.format === label.format && !complete)
        assert.notEqual(out.verdict, 'benign', `${label.path} cut at ${cut.byteLength}`);
      const flipped = bytes.slice();
      const at = Math.floor((bytes.byteLength * k) / 9);
      flipped[at] = flipped[at]! ^ 0x5a;
      const damaged = await scanFile(memorySource(label.path, flipped));
      assert.ok(
        !damaged.findings.some((f) => f.code === 'MG-SCAN-903'),
        `${label.path} flipped at ${at}: ${damaged.reason}`,
      );
    }
  }
});
