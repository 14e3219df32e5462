import { test } from 'node:test';
import assert from 'node:assert/strict';
import { memorySource } from '../io/byte-source.ts';
import { configKind, looksLikeApe, looksLikeTorchServeManifest } from './package-sniff.ts';
import { scanFile } from './scan-file.ts';

const enc = (s: string) => new TextEncoder().encode(s);
const kindOf = (text: string) => {
  const bytes = enc(text);
  return configKind(bytes.subarray(0, 4096), memorySource('f', bytes));
};
const MLMODEL = 'artifact_path: model\nflavors:\n  onnx: {data: model.onnx}\nmodel_uuid: abc\n';

test('Hydra configs are claimed by a _target_ key, however it is spelled', async () => {
  assert.equal(await kindOf('model:\n  _target_: torch.nn.ReLU\n'), 'hydra');
  assert.equal(await kindOf('model: {_target_: torch.nn.ReLU}\n'), 'hydra');
  assert.equal(await kindOf('model:\n  "\\x5ftarget_": os.system\n'), 'hydra');
  // An explicit key folded over two lines (PyYAML reads it as `_target_`).
  assert.equal(await kindOf('model:\n  ? "_tar\\\n    get_"\n  : os.system\n'), 'hydra');
  assert.equal(await kindOf('{"model": {"_target_": "os.system"}}'), 'hydra');
});

test('a broken config that still shows a _target_ key is claimed (it must come out invalid)', async () => {
  assert.equal(await kindOf('model:\n  _target_: [torch.nn.ReLU\n'), 'hydra');
});

test('MLmodel files are claimed by a root flavors mapping with MLflow keys, even when malformed', async () => {
  assert.equal(await kindOf(MLMODEL), 'mlmodel');
  assert.equal(await kindOf('flavors:\n  python_function: {loader_module: mlflow.sklearn}\n'), 'mlmodel');
  assert.equal(await kindOf('artifact_path: model\nflavors: [sklearn]\n'), 'mlmodel');
  assert.equal(await kindOf('artifact_path: model\nflavors:\n  sklearn: [\n'), 'mlmodel');
});

test('ordinary YAML, JSON and prose stay with the text scanner', async () => {
  assert.equal(await kindOf('name: my-model\nlr: 0.1\n'), null);
  assert.equal(await kindOf('flavors: [vanilla, chocolate]\n'), null);
  assert.equal(await kindOf('{"model_type": "bert", "vocab": "a\\u0041"}'), null);
  assert.equal(await kindOf('# Model card\nThe `_target_` key names the class.\n'), null);
  const outcome = await scanFile(memorySource('config.yaml', enc('name: my-model\nlr: 0.1\n')));
  assert.equal(outcome.format, 'text');
  assert.equal(outcome.verdict, 'benign');
});

test('binary content is never a config', async () => {
  const bytes = new Uint8Array([0, 1, 2, ...enc('_target_: os.system\n')]);
  assert.equal(await configKind(bytes, memorySource('f', bytes)), null);
});

test('TorchServe manifests are recognised by archiverVersion and a model object', () => {
  const manifest = '{"runtime": "python", "model": {"handler": "h.py"}, "archiverVersion": "0.9.0"}';
  assert.equal(looksLikeTorchServeManifest(enc(manifest)), true);
  assert.equal(looksLikeTorchServeManifest(enc('{"model": {"handler": "h.py"}}')), false);
  assert.equal(looksLikeTorchServeManifest(enc('{"archiverVersion": "0.9.0", "model": "x"}')), false);
});

test('the APE header is recognised exactly', () => {
  assert.equal(looksLikeApe(enc("MZqFpD='\n")), true);
  assert.equal(looksLikeApe(enc('MZ\x90\x00')), false);
  assert.equal(looksLikeApe(enc('MZqFpD=')), false);
});
