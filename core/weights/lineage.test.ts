import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { fileSource } from '../io/byte-source-node.ts';
import { memorySource } from '../io/byte-source.ts';
import { LineageSchema } from './lineage-schema.ts';
import { buildLineage, lineageVerdict } from './lineage.ts';
import { diffModels, type ModelDiff } from './diff.ts';
import { listTensors, type TensorListing } from './tensors.ts';

/** Fixtures of scripts/gen_demo_models.py (gen_lineage): trained pairs that check the thresholds of README.md here. */
const root = join(dirname(fileURLToPath(import.meta.url)), '../../test/fixtures/lineage');

async function load(name: string): Promise<TensorListing> {
  const files = await readdir(join(root, name));
  return listTensors(await Promise.all(files.map((f) => fileSource(join(root, name, f), f))));
}

async function compare(name: string): Promise<ModelDiff> {
  const diff = await diffModels(await load('base'), await load(name));
  if (process.env['LINEAGE_MEASURE']) {
    for (const t of diff.tensors) {
      console.log(
        `${name.padEnd(17)} ${t.name.padEnd(22)} rel ${t.relChange.toExponential(2)} cos ${t.cosine.toFixed(4)}`,
      );
    }
  }
  return diff;
}

test('listing: single file, shards and GGUF F16 give the same five tensors', async () => {
  const names = (l: TensorListing) => l.tensors.map((t) => `${t.name}:${t.shape.join('x')}`).sort();
  const single = await load('finetune');
  const sharded = await load('finetune-sharded');
  const gguf = await load('base-gguf');
  assert.equal(sharded.format, 'safetensors-sharded');
  assert.equal(gguf.format, 'gguf');
  assert.equal(single.tensors.length, 5);
  assert.deepEqual(names(sharded), names(single));
  assert.deepEqual(names(gguf), names(single));
  assert.ok(gguf.tensors.every((t) => t.dtype === 'F16'));
});

const expected: [string, string, string[]][] = [
  ['base', 'identical', []],
  ['base-gguf', 'identical', []],
  ['finetune', 'derived', []],
  ['finetune-sharded', 'derived', []],
  ['partial', 'partially-derived', ['pre_classifier']],
  ['other-seed', 'unrelated', ['classifier', 'embeddings', 'pre_classifier']],
];

for (const [name, verdict, layers] of expected) {
  test(`fixture ${name} vs base: ${verdict}`, async () => {
    const diff = await compare(name);
    const result = lineageVerdict(diff);
    assert.equal(result.verdict, verdict);
    assert.deepEqual(result.changedLayers, layers);
    assert.ok(LineageSchema.safeParse(buildLineage(diff)).success);
  });
}

test('the fine-tune names the embedding rows of its shifted words first', async () => {
  const lineage = buildLineage(await compare('finetune'));
  // Rows 34 and 10 are "superb" and "delightful" in the generator's VOCAB: the only positive words it saw.
  assert.deepEqual(
    lineage.candidates?.slice(0, 2).map((c) => c.row),
    [34, 10],
  );
});

test('an unreadable ONNX-only folder is listed as not compared; nothing in common is unrelated', async () => {
  const onnx = await listTensors([memorySource('onnx/model.onnx', new Uint8Array(4))]);
  assert.equal(onnx.tensors.length, 0);
  assert.match(onnx.notCompared[0]!.reason, /ONNX/);
  const none = await listTensors([memorySource('README.md', new Uint8Array(1))]);
  assert.equal(none.format, 'none');
  assert.equal(lineageVerdict(await diffModels(none, none)).verdict, 'unrelated');
});
