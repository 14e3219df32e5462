import { test } from 'node:test';
import assert from 'node:assert/strict';
import { zipSync, strToU8 } from 'fflate';
import { memorySource } from '../io/byte-source.ts';
import { scanFile } from './scan-file.ts';

// A .keras archive whose members Keras reads by name: config.json as the model, model.weights.h5 with h5py.
const HDF5_WEIGHTS = new Uint8Array([0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a]); // signature only
const model = { module: 'keras', class_name: 'Sequential', config: { name: 's', layers: [] } };
const keras = (members: Record<string, Uint8Array>) =>
  scanFile(memorySource('m.keras', zipSync({ 'metadata.json': strToU8('{"keras_version": "3.15.1"}'), ...members })));

test('config.json of a .keras archive is checked as a Keras config whatever it looks like', async () => {
  // Not sniffed as a Keras config (no model class named): plain text to the router, the model to Keras.
  const odd = { class_name: 'Custom', config: { inner: { module: 'os', class_name: 'system', config: {} } } };
  const out = await keras({ 'config.json': strToU8(JSON.stringify(odd)) });
  assert.equal(out.format, 'keras');
  assert.equal(out.verdict, 'malicious', JSON.stringify(out.findings));
  assert.ok(out.findings.some((f) => f.code === 'MG-SCAN-263' && f.member === 'config.json'));
});

test('a config.json that is not a serialized Keras object is invalid, never plain text', async () => {
  for (const text of ['{"a": 1}', '[1, 2]', 'hello']) {
    const out = await keras({ 'config.json': strToU8(text) });
    assert.equal(out.verdict, 'invalid', text);
    assert.ok(
      out.findings.some((f) => f.code === 'MG-SCAN-335' || f.code === 'MG-SCAN-260'),
      text,
    );
  }
});

test('model.weights.h5 that is not HDF5 makes the archive invalid', async () => {
  const out = await keras({
    'config.json': strToU8(JSON.stringify(model)),
    'model.weights.h5': strToU8('not hdf5\n'),
  });
  assert.equal(out.verdict, 'invalid');
  assert.ok(out.findings.some((f) => f.code === 'MG-SCAN-334' && f.member === 'model.weights.h5'));
  const h5 = await keras({ 'config.json': strToU8(JSON.stringify(model)), 'model.weights.h5': HDF5_WEIGHTS });
  assert.ok(!h5.findings.some((f) => f.code === 'MG-SCAN-334'));
});
