import { test } from 'node:test';
import assert from 'node:assert/strict';
import { memorySource } from '../io/byte-source.ts';
import { mlmodelFindings, scanMLmodel } from './scan-mlmodel.ts';
import { leafScanContext } from './fake-scan-context.ts';

const codes = (flavors: unknown) => mlmodelFindings({ artifact_path: 'model', flavors }).map((f) => f.code);
const pyfunc = (conf: object) => ({ python_function: { loader_module: 'mlflow.sklearn', ...conf } });

test('MLflow built-in flavors are known and benign', () => {
  assert.deepEqual(codes({ onnx: { data: 'model.onnx' }, python_function: { loader_module: 'mlflow.onnx' } }), [
    'MG-SCAN-495',
  ]);
});

test('a pickle flavor names the file it unpickles (scanned on its own)', () => {
  const [f] = mlmodelFindings({ flavors: { sklearn: { pickled_model: 'm.pkl', serialization_format: 'pickle' } } });
  assert.equal(f?.code, 'MG-SCAN-493');
  assert.equal(f?.evidence?.file, 'm.pkl');
  const torch = mlmodelFindings({ flavors: { pytorch: { model_data: 'data' } } });
  assert.equal(torch[0]?.evidence?.file, 'data/model.pth');
});

test('sklearn saved with skops is not unpickled; an unknown serialization is malformed', () => {
  assert.deepEqual(codes({ sklearn: { pickled_model: 'm.skops', serialization_format: 'skops' } }), ['MG-SCAN-495']);
  assert.deepEqual(codes({ sklearn: { pickled_model: 'm', serialization_format: 'marshal' } }), [
    'MG-SCAN-496',
    'MG-SCAN-495',
  ]);
});

test('a custom python_model, a loader module outside MLflow and code paths run the model’s own code', () => {
  assert.ok(
    codes(pyfunc({ loader_module: 'mlflow.pyfunc.model', python_model: 'python_model.pkl' })).includes('MG-SCAN-490'),
  );
  assert.ok(codes(pyfunc({ loader_module: 'my_loader' })).includes('MG-SCAN-490'));
  assert.ok(codes(pyfunc({ code: 'code' })).includes('MG-SCAN-492'));
  assert.ok(!codes(pyfunc({ code: null })).includes('MG-SCAN-492'));
});

test('a loader or pickle module that is a system module is malicious', () => {
  assert.ok(codes(pyfunc({ loader_module: 'subprocess' })).includes('MG-SCAN-491'));
  assert.ok(codes(pyfunc({ loader_module: 'antigravity' })).includes('MG-SCAN-491'));
  assert.ok(codes({ pytorch: { pickle_module_name: 'os' } }).includes('MG-SCAN-491'));
  assert.ok(!codes({ pytorch: { pickle_module_name: 'mlflow.pytorch.pickle_module' } }).includes('MG-SCAN-491'));
});

test('unknown flavors could not be verified; a broken layout is invalid', () => {
  assert.deepEqual(codes({ acme: { data: 'x' } }), ['MG-SCAN-494']);
  assert.deepEqual(codes(['sklearn']), ['MG-SCAN-496']);
  assert.deepEqual(codes({ python_function: { data: 'x' } }), ['MG-SCAN-496', 'MG-SCAN-495']);
});

test('the scanner gives the verdict of the worst finding', async () => {
  const text = 'artifact_path: m\nflavors:\n  python_function:\n    loader_module: os\n';
  const outcome = await scanMLmodel(memorySource('MLmodel', new TextEncoder().encode(text)), leafScanContext());
  assert.equal(outcome.format, 'mlflow-mlmodel');
  assert.equal(outcome.verdict, 'malicious');
});

test('pyfunc data or model_path outside the model folder is not passed: that file was never scanned', () => {
  for (const data of ['/home/victim/Downloads/evil.pkl', '../evil.pkl', 'https://x.example/m.pkl']) {
    assert.ok(codes(pyfunc({ data })).includes('MG-SCAN-490'), data);
  }
  assert.ok(codes(pyfunc({ model_path: '../../m.pkl' })).includes('MG-SCAN-490'));
  assert.ok(!codes(pyfunc({ data: 'model.pkl' })).includes('MG-SCAN-490'));
});
