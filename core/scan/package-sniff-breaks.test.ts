import { test } from 'node:test';
import assert from 'node:assert/strict';
import { memorySource } from '../io/byte-source.ts';
import { scanFile } from './scan-file.ts';

const scanText = (name: string, text: string) => scanFile(memorySource(name, new TextEncoder().encode(text)));

// PyYAML (and OmegaConf, which loads with it) reads these as the configs they spell; none may pass as text.
test('a Hydra target on a line PyYAML breaks at U+0085 is still checked', async () => {
  const out = await scanText('config.yaml', 'name: x\u0085_target_: subprocess.getoutput\u0085cmd: id\n');
  assert.equal(out.format, 'hydra-config', out.reason);
  assert.equal(out.verdict, 'malicious', out.reason);
});

test('an explicit `? _target_` key hidden behind an alias bomb is claimed and not passed', async () => {
  const aliases = `x: &a 1\nlist: [${Array.from({ length: 101 }, () => '*a').join(', ')}]\n`;
  const out = await scanText('config.yaml', `? _target_\n: subprocess.getoutput\ncmd: id\n${aliases}`);
  assert.equal(out.format, 'hydra-config');
  assert.notEqual(out.verdict, 'benign');
  const anchored = await scanText('config.yaml', `name: &k _target_\nmodel:\n  *k : os.system\n${aliases}`);
  assert.equal(anchored.format, 'hydra-config');
  assert.notEqual(anchored.verdict, 'benign');
});

test("NeMo's older cls/params form is a Hydra config", async () => {
  const out = await scanText(
    'model_config.yaml',
    'target: nemo.collections.asr.models.EncDecCTCModel\npreprocessor:\n  cls: subprocess.getoutput\n  params:\n    cmd: id\n',
  );
  assert.equal(out.format, 'hydra-config');
  assert.equal(out.verdict, 'malicious', out.reason);
});

test('an MLmodel on U+0085 lines is still an MLmodel', async () => {
  const out = await scanText(
    'MLmodel',
    'mlflow_version: 2.9.0\u0085flavors:\u0085  python_function:\u0085    loader_module: evil_loader\u0085    code: code\n',
  );
  assert.equal(out.format, 'mlflow-mlmodel', out.reason);
  assert.notEqual(out.verdict, 'benign');
});
