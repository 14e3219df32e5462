import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { memorySource } from '../io/byte-source.ts';
import { loadCheckpointModel } from './checkpoint-model.ts';
import { hasRunnableModel } from './model-folder.ts';
import type { FolderReader } from './model-side.ts';
import { runtimeMemory } from './runtime-memory.ts';

/** Which files of a folder are the checkpoint: those from_pretrained loads, nothing else. */

const qwen = join(import.meta.dirname, '..', '..', 'test', 'fixtures', 'hf-tiny', 'qwen2-lm');
const weights = readFileSync(join(qwen, 'model.safetensors'));
const config = JSON.parse(readFileSync(join(qwen, 'config.json'), 'utf8')) as Record<string, unknown>;

function folder(files: Record<string, Uint8Array>): FolderReader {
  return {
    paths: Object.keys(files),
    text: async (p) => new TextDecoder().decode(files[p]),
    source: async (p) => memorySource(p, files[p]!),
  };
}

describe('the checkpoint of a folder', () => {
  it('is model.safetensors beside config.json, read in place', async () => {
    const found = await loadCheckpointModel(
      folder({ 'm/config.json': new Uint8Array(), 'm/model.safetensors': weights }),
      'm/config.json',
      config,
    );
    assert.ok(found);
    assert.equal(found.root, 'm/');
    assert.deepEqual(found.files, ['m/model.safetensors']);
    assert.deepEqual(found.graph.externalFiles, ['model.safetensors']);
  });

  it('is not an adapter or a stray safetensors file', async () => {
    for (const name of ['adapter_model.safetensors', 'other.safetensors', 'sub/model.safetensors']) {
      const files = { 'config.json': new Uint8Array(), [name]: weights };
      assert.equal(await loadCheckpointModel(folder(files), 'config.json', config), undefined, name);
      assert.equal(hasRunnableModel(Object.keys(files)), false, name);
    }
    assert.equal(hasRunnableModel(['config.json', 'model.safetensors']), true);
    assert.equal(hasRunnableModel(['config.json', 'model.safetensors.index.json']), true);
    assert.equal(hasRunnableModel(['model.safetensors']), false, 'no config: nothing says what to build');
  });
});

describe('the memory said before a model runs', () => {
  it('counts an ONNX export twice and a checkpoint plus its float32 weights', () => {
    assert.deepEqual(
      runtimeMemory([
        { path: 'onnx/model.onnx', size: 100 },
        { path: 'onnx/model.onnx_data', size: 900 },
      ]),
      {
        source: 'onnx',
        fileBytes: 1000,
        estimateBytes: 2000,
      },
    );
    const files = [
      { path: 'config.json', size: 1 },
      { path: 'model.safetensors', size: 1000 },
    ];
    assert.equal(runtimeMemory(files)?.estimateBytes, 6000, 'float32 weights (twice 16-bit ones) held three times');
    assert.equal(runtimeMemory([{ path: 'config.json', size: 1 }]), undefined);
  });
});
