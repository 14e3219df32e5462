import { test } from 'node:test';
import assert from 'node:assert/strict';
import { memorySource } from '../io/byte-source.ts';
import { collectTargets, scanHydraConfig } from './scan-hydra.ts';
import { leafScanContext } from './fake-scan-context.ts';

const enc = (s: string) => new TextEncoder().encode(s);
const scan = (text: string) => scanHydraConfig(memorySource('model_config.yaml', enc(text)), leafScanContext());
const codes = async (text: string) => (await scan(text)).findings.map((f) => f.code);

test('targets are collected from nested mappings and lists, deduplicated by value', () => {
  const targets = collectTargets({
    a: { _target_: 'torch.nn.ReLU' },
    b: [{ _target_: 'torch.nn.ReLU' }, { c: { _target_: 'os.system', _partial_: true } }],
  });
  const byValue = Object.fromEntries(targets.map((t) => [String(t.value), [...t.paths].sort()]));
  assert.deepEqual(byValue, { 'os.system': ['/b[1]/c'], 'torch.nn.ReLU': ['/a', '/b[0]'] });
});

test("NeMo's Hydra 0.11 form (cls/target with params) and the root target are targets too", () => {
  const values = collectTargets({
    target: 'nemo.collections.asr.models.EncDecCTCModel',
    enc: { cls: 'os.system', params: {} },
    dec: { target: 'subprocess.run', params: {} },
    plain: { target: 'not-a-target' },
  }).map((t) => t.value);
  assert.deepEqual(values.sort(), ['nemo.collections.asr.models.EncDecCTCModel', 'os.system', 'subprocess.run']);
});

test('a config of allowlisted classes is benign, with the classes as evidence', async () => {
  const outcome = await scan(
    'model:\n  _target_: nemo.collections.asr.modules.ConformerEncoder\nopt: {_target_: torch.optim.SGD}\n',
  );
  assert.equal(outcome.verdict, 'benign');
  assert.equal(outcome.format, 'hydra-config');
  assert.deepEqual(outcome.findings[0]?.evidence?.targets, [
    'torch.optim.SGD',
    'nemo.collections.asr.modules.ConformerEncoder',
  ]);
});

test('a dangerous target anywhere makes the config malicious', async () => {
  const outcome = await scan(
    'a:\n  b:\n    - {_target_: torch.nn.ReLU}\n    - {_target_: builtins.eval, _args_: ["1"]}\n',
  );
  assert.equal(outcome.verdict, 'malicious');
  assert.match(outcome.reason ?? '', /builtins\.eval/);
});

test('an unknown target is suspicious (user code)', async () => {
  assert.equal((await scan('m: {_target_: my_pkg.Model}\n')).verdict, 'suspicious');
  assert.deepEqual(await codes('m: {_target_: my_pkg.Model}\n'), ['MG-SCAN-483']);
});

test('an interpolated target could not be verified', async () => {
  assert.deepEqual(await codes('m: {_target_: "${oc.env:CLS}"}\n'), ['MG-SCAN-485']);
  assert.equal((await scan('m: {_target_: "${oc.env:CLS}"}\n')).verdict, 'unverified');
});

test('a target that is not a dotted path is invalid (instantiate raises)', async () => {
  assert.deepEqual(await codes('m: {_target_: 3}\n'), ['MG-SCAN-486']);
  assert.deepEqual(await codes('m: {_target_: "os system"}\n'), ['MG-SCAN-486']);
});

test('YAML problems map to their codes and verdicts', async () => {
  assert.equal((await scan('_target_: [\n')).verdict, 'invalid');
  assert.deepEqual(await codes('_target_: torch.nn.ReLU\n_target_: os.system\n'), ['MG-SCAN-488']);
  assert.equal((await scan('_target_: torch.nn.ReLU\n_target_: os.system\n')).verdict, 'suspicious');
  assert.deepEqual(await codes('_target_: torch.nn.ReLU\nx: !!python/object/apply:os.system ["id"]\n'), [
    'MG-SCAN-487',
  ]);
  assert.deepEqual(await codes('_target_: torch.nn.ReLU\n---\n_target_: os.system\n'), ['MG-SCAN-489']);
});

test('a config over the size cap could not be verified', async () => {
  const big = `_target_: torch.nn.ReLU\npad: "${'x'.repeat(5 << 20)}"\n`;
  const outcome = await scan(big);
  assert.equal(outcome.verdict, 'unverified');
  assert.deepEqual(
    outcome.findings.map((f) => f.code),
    ['MG-SCAN-481'],
  );
});
