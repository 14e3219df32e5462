import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { memorySource } from '../io/byte-source.ts';
import { isHdf5, readHdf5RootAttributes } from '../formats/hdf5.ts';
import { looksLikeKerasConfig } from '../formats/keras.ts';
import { scanHdf5, scanKerasConfig } from './scan-keras.ts';
import { leafScanContext } from './fake-scan-context.ts';

const ctx = leafScanContext();

const enc = (s: string) => new TextEncoder().encode(s);
const scanCfg = (cfg: unknown) =>
  scanKerasConfig(memorySource('config.json', enc(typeof cfg === 'string' ? cfg : JSON.stringify(cfg))), ctx);
const layer = (class_name: string, config: object, module = 'keras.layers') => ({
  module,
  class_name,
  config,
  registered_name: null,
});
const seq = (layers: object[]) => ({ module: 'keras', class_name: 'Sequential', config: { name: 's', layers } });
// Real bytecode, written by CPython 3.11 (scripts/gen_py_marshal_vectors.py): `__import__('os').system(…)`.
const vectors = JSON.parse(readFileSync('core/formats/testdata/py-marshal/cpython-3.11.json', 'utf8')) as {
  vectors: { key: string; code: string }[];
};
const bytecode = (key: string) => vectors.vectors.find((v) => v.key === key)!.code;
const OS_SYSTEM = bytecode('os_system');
const lambdaFn = (code: string) => ({ class_name: '__lambda__', config: { code, defaults: null, closure: null } });
const lambda3 = layer('Lambda', { name: 'l', function: lambdaFn(OS_SYSTEM) });
const lambda2 = {
  class_name: 'Lambda',
  config: { name: 'l', function: [OS_SYSTEM, null, null], function_type: 'lambda' },
};

test('benign config is benign and sniffed', async () => {
  const cfg = seq([
    layer('Dense', {
      name: 'd',
      units: 2,
      activation: { module: 'keras.activations', class_name: 'function', config: 'relu', registered_name: 'relu' },
    }),
  ]);
  assert.equal((await scanCfg(cfg)).verdict, 'benign');
  assert.ok(looksLikeKerasConfig(JSON.stringify(cfg)));
  assert.ok(!looksLikeKerasConfig('{"architectures":["BertModel"],"model_type":"bert"}'));
});

const malicious: [string, unknown, string][] = [
  ['top-level Lambda (Keras 3)', seq([lambda3]), 'MG-SCAN-330'],
  [
    'Lambda nested in sub-model and wrapper',
    seq([
      { module: 'keras', class_name: 'Functional', config: { layers: [layer('TimeDistributed', { layer: lambda3 })] } },
    ]),
    'MG-SCAN-330',
  ],
  [
    'Lambda inside Bidirectional',
    seq([layer('Bidirectional', { layer: lambda3, backward_layer: layer('LSTM', {}) })]),
    'MG-SCAN-330',
  ],
  ['Keras 2 Lambda', { class_name: 'Model', config: { layers: [lambda2] } }, 'MG-SCAN-330'],
  [
    'serialized lambda as an activation (serialization_lib __lambda__ value)',
    seq([layer('Dense', { activation: { class_name: '__lambda__', config: { value: [OS_SYSTEM, null, null] } } })]),
    'MG-SCAN-330',
  ],
  [
    'lambda output_shape of a Lambda layer',
    seq([layer('Lambda', { function: lambdaFn(bytecode('math')), output_shape: lambdaFn(bytecode('os_global')) })]),
    'MG-SCAN-330',
  ],
  [
    'Keras 2 Lambda naming os.system',
    {
      class_name: 'Model',
      config: {
        layers: [{ class_name: 'Lambda', config: { function: 'system', function_type: 'function', module: 'os' } }],
      },
    },
    'MG-SCAN-263',
  ],
  ['StringLookup reading /etc/passwd', seq([layer('StringLookup', { vocabulary: '/etc/passwd' })]), 'MG-SCAN-333'],
  [
    'module os',
    seq([layer('Dense', { activation: { module: 'os', class_name: 'function', config: 'system' } })]),
    'MG-SCAN-263',
  ],
  ['module builtins', seq([{ module: 'builtins', class_name: 'function', config: 'exec' }]), 'MG-SCAN-263'],
  ['module subprocess.Popen', seq([{ module: 'subprocess', class_name: 'Popen', config: {} }]), 'MG-SCAN-263'],
  ['registered_name in os', seq([{ class_name: 'x', registered_name: 'os>system', config: {} }]), 'MG-SCAN-263'],
  [
    'keras get_file gadget',
    seq([{ module: 'keras.utils', class_name: 'function', config: 'get_file' }]),
    'MG-SCAN-263',
  ],
  ['TFSMLayer absolute path', seq([layer('TFSMLayer', { filepath: '/tmp/evil' })]), 'MG-SCAN-269'],
  ['TFSMLayer remote', seq([layer('TFSMLayer', { filepath: 'gs://bucket/m' })]), 'MG-SCAN-269'],
  [
    'in inbound_nodes args',
    {
      class_name: 'Functional',
      config: {
        layers: [
          { class_name: 'Add', inbound_nodes: [{ args: [{ module: 'posix', class_name: 'system', config: {} }] }] },
        ],
      },
    },
    'MG-SCAN-263',
  ],
];

for (const [name, cfg, code] of malicious) {
  test(`malicious: ${name}`, async () => {
    const out = await scanCfg(cfg);
    assert.equal(out.verdict, 'malicious', JSON.stringify(out.findings));
    assert.ok(out.findings.some((f) => f.code === code && f.reference));
  });
}

test('suspicious: custom module, named Lambda function, relative TFSMLayer', async () => {
  for (const cfg of [
    seq([{ module: 'my_project.layers', class_name: 'MyLayer', config: {}, registered_name: 'my_project>MyLayer' }]),
    seq([layer('Lambda', { function: { module: 'keras.ops', class_name: 'function', config: 'abs' } })]),
    seq([layer('TFSMLayer', { filepath: 'saved' })]),
  ]) {
    assert.equal((await scanCfg(cfg)).verdict, 'suspicious');
  }
});

test('Lambda bytecode: what it calls, in plain words, and what safe_mode does', async () => {
  const evil = await scanCfg(seq([lambda3]));
  const f = evil.findings.find((x) => x.code === 'MG-SCAN-330')!;
  assert.match(f.detail, /imports os, calls os\.system with 'echo modelgate-test'/);
  assert.match(f.detail, /safe_mode=True\) refuses it/);
  const injected = await scanCfg(seq([{ module: 'subprocess', class_name: 'function', config: 'run' }]));
  assert.match(
    injected.findings[0]!.detail,
    /calls 'subprocess\.run'; Keras before 3\.9 imports it even with safe_mode=True/,
  );
  const custom = await scanCfg(seq([{ module: 'my_pkg', class_name: 'L', config: {}, registered_name: 'my_pkg>L' }]));
  assert.match(custom.findings[0]!.detail, /safe_mode does not cover custom objects/);
  const global = await scanCfg(seq([layer('Lambda', { function: lambdaFn(bytecode('os_global')) })]));
  assert.match(global.findings[0]!.detail, /calls os\.system with 'curl http:\/\/attacker/);
  for (const key of ['nested', 'dunder', 'os_environ', 'function_type']) {
    assert.equal(
      (await scanCfg(seq([layer('Lambda', { function: lambdaFn(bytecode(key)) })]))).verdict,
      'malicious',
      key,
    );
  }
});

test('harmless Lambda bytecode is suspicious; unreadable bytecode is suspicious, never clean', async () => {
  for (const key of ['math', 'closure_defaults']) {
    const out = await scanCfg(seq([layer('Lambda', { function: lambdaFn(bytecode(key)) })]));
    assert.equal(out.verdict, 'suspicious', key);
    assert.deepEqual(
      out.findings.map((f) => f.code),
      ['MG-SCAN-331'],
      key,
    );
  }
  const py37 = JSON.parse(readFileSync('core/formats/testdata/py-marshal/cpython-3.7.json', 'utf8')).vectors[0].code;
  for (const code of ['4wAAAA==', 'not base64 !', '', py37]) {
    const out = await scanCfg(seq([layer('Lambda', { function: lambdaFn(code) })]));
    assert.equal(out.verdict, 'suspicious', code);
    assert.equal(out.findings[0]?.code, 'MG-SCAN-332', code);
    assert.match(out.findings[0]!.detail, /could not verify/);
  }
});

test('objects of Keras itself are known by class; any other class needs outside code', async () => {
  const legacy = (layers: object[]) => ({ class_name: 'Sequential', config: { name: 's', layers } });
  const known = legacy([
    { class_name: 'InputLayer', config: {} },
    { class_name: 'Dense', config: { units: 1 } },
  ]);
  assert.equal((await scanCfg(known)).verdict, 'benign');
  for (const cfg of [
    legacy([{ class_name: 'MyAttention', config: {} }]),
    seq([layer('EvilLayer', {})]),
    legacy([{ class_name: 'TFOpLambda', config: { function: 'io.write_file' } }]),
  ]) {
    const out = await scanCfg(cfg);
    assert.equal(out.verdict, 'suspicious', JSON.stringify(cfg));
    assert.ok(out.findings.some((f) => f.code === 'MG-SCAN-336'));
  }
  const tensor = {
    class_name: '__keras_tensor__',
    config: { shape: [1], dtype: 'float32', keras_history: ['d', 0, 0] },
  };
  assert.equal((await scanCfg(seq([layer('Add', {}), { args: [tensor] }]))).verdict, 'benign');
});

test('functions of keras modules: modeling ones are known, others are unknown code or gadgets', async () => {
  const fn = (module: string, name: string) =>
    seq([layer('Dense', { activation: { module, class_name: 'function', config: name, registered_name: name } })]);
  assert.equal((await scanCfg(fn('keras.activations', 'relu'))).verdict, 'benign');
  assert.equal((await scanCfg(fn('keras.losses', 'mean_squared_error'))).verdict, 'benign');
  const plot = await scanCfg(fn('keras.utils', 'plot_model'));
  assert.equal(plot.verdict, 'suspicious');
  assert.ok(plot.findings.some((f) => f.code === 'MG-SCAN-336'));
  for (const name of ['save_img', 'download_file', 'extract_archive_and_run']) {
    assert.equal((await scanCfg(fn('keras.utils', name))).verdict, 'malicious', name);
  }
});

test('a list vocabulary is data; a string one is a file read', async () => {
  assert.equal((await scanCfg(seq([layer('StringLookup', { vocabulary: ['a', 'b'] })]))).verdict, 'benign');
  assert.equal((await scanCfg(seq([layer('IntegerLookup', { vocabulary: 'vocab.txt' })]))).verdict, 'malicious');
});

test('malformed and too deep configs are invalid', async () => {
  assert.equal((await scanCfg('{"class_name": ')).verdict, 'invalid');
  assert.equal((await scanCfg('['.repeat(2000) + ']'.repeat(2000))).verdict, 'invalid');
  assert.equal((await scanCfg('{"a":1,"a":2}')).verdict, 'invalid');
});

test('generated vectors', async () => {
  const dir = 'core/formats/testdata/validators/keras/';
  const expect: Record<string, string> = {
    'benign-config.json': 'benign',
    'nested-lambda-config.json': 'suspicious', // its "bytecode" is a text placeholder: unreadable, never clean
    'module-gadget-config.json': 'malicious',
    'tfsm-config.json': 'malicious',
  };
  for (const [file, verdict] of Object.entries(expect)) {
    const out = await scanKerasConfig(memorySource(file, new Uint8Array(await readFile(dir + file))), ctx);
    assert.equal(out.verdict, verdict, file);
  }
});

// ---- HDF5, hand-built (h5py is not installed here): superblock v0 + object header v1, and v2 + OHDR + GCOL.

class B {
  a: number[] = [];
  u(v: number, n: number) {
    for (let i = 0; i < n; i++) this.a.push(Math.floor(v / 256 ** i) % 256);
    return this;
  }
  raw(b: Uint8Array | number[]) {
    this.a.push(...b);
    return this;
  }
  pad8() {
    while (this.a.length % 8) this.a.push(0);
    return this;
  }
  get length() {
    return this.a.length;
  }
}
const SIG = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];

function attrV1(name: string, value: string): number[] {
  const n = enc(name + '\0');
  const v = enc(value);
  const b = new B().u(1, 1).u(0, 1).u(n.length, 2).u(8, 2).u(8, 2).raw(n).pad8();
  b.u(0x13, 1).u(0, 3).u(v.length, 4); // datatype v1, class 3 (fixed string)
  b.u(1, 1).u(0, 1).u(0, 1).u(0, 5); // dataspace v1, scalar
  b.raw(v).pad8();
  return b.a;
}

function h5v0(attrs: [string, string][]): Uint8Array {
  const msgs = new B();
  for (const [k, v] of attrs) {
    const d = attrV1(k, v);
    msgs.u(0x0c, 2).u(d.length, 2).u(0, 1).u(0, 3).raw(d);
  }
  const b = new B().raw(SIG).u(0, 5).u(8, 1).u(8, 1).u(0, 1).u(4, 2).u(16, 2).u(0, 4);
  b.u(0, 8)
    .u(2 ** 53 - 1, 8)
    .u(0, 8)
    .u(2 ** 53 - 1, 8); // base, free-space, EOF, driver
  b.u(0, 8).u(96, 8).u(0, 4).u(0, 4).u(0, 16); // root symbol table entry → object header at 96
  b.u(1, 1).u(0, 1).u(attrs.length, 2).u(1, 4).u(msgs.length, 4).u(0, 4).raw(msgs.a);
  return new Uint8Array(b.a);
}

function h5v2VlenString(name: string, value: string): Uint8Array {
  const n = enc(name + '\0');
  const v = enc(value);
  const data = new B().u(3, 1).u(0, 1).u(n.length, 2).u(16, 2).u(4, 2).u(0, 1).raw(n);
  data.u(0x19, 1).u(0x01, 1).u(0, 2).u(16, 4).u(0x13, 1).u(0, 3).u(1, 4); // vlen string of 1-byte chars
  data.u(2, 1).u(0, 1).u(0, 1).u(0, 1); // dataspace v2 scalar
  const gcolAt = 256;
  data.u(v.length, 4).u(gcolAt, 8).u(1, 4);
  const b = new B()
    .raw(SIG)
    .u(2, 1)
    .u(8, 1)
    .u(8, 1)
    .u(0, 1)
    .u(0, 8)
    .u(2 ** 53 - 1, 8)
    .u(0, 8)
    .u(48, 8)
    .u(0, 4);
  const msg = new B().u(0x0c, 1).u(data.length, 2).u(0, 1).raw(data.a);
  b.raw(enc('OHDR')).u(2, 1).u(0x02, 1).u(msg.length, 4).raw(msg.a).u(0, 4);
  while (b.length < gcolAt) b.u(0, 1);
  const obj = new B().u(1, 2).u(1, 2).u(0, 4).u(v.length, 8).raw(v).pad8();
  b.raw(enc('GCOL'))
    .u(1, 1)
    .u(0, 3)
    .u(16 + obj.length + 16, 8)
    .raw(obj.a)
    .u(0, 16);
  return new Uint8Array(b.a);
}

const scanH5 = (b: Uint8Array) => scanHdf5(memorySource('model.h5', b), ctx);
const kerasCfg = (layers: object[]) => JSON.stringify({ class_name: 'Sequential', config: { name: 's', layers } });

test('HDF5 v0: model_config is read and checked', async () => {
  const benign = h5v0([
    ['keras_version', '2.15.0'],
    ['model_config', kerasCfg([{ class_name: 'Dense', config: { units: 1 } }])],
  ]);
  assert.ok(isHdf5(benign));
  const attrs = await readHdf5RootAttributes(memorySource('m', benign));
  assert.equal(attrs.strings.get('keras_version'), '2.15.0');
  assert.equal((await scanH5(benign)).verdict, 'benign');
  const evil = h5v0([['model_config', kerasCfg([{ class_name: 'Model', config: { layers: [lambda2] } }])]]);
  const out = await scanH5(evil);
  assert.equal(out.verdict, 'malicious');
  assert.ok(out.findings.some((f) => f.code === 'MG-SCAN-330' && /CVE-2025-9905/.test(f.detail)));
});

test('HDF5 v2: variable-length model_config in the global heap', async () => {
  assert.equal(
    (await scanH5(h5v2VlenString('model_config', kerasCfg([{ class_name: 'Dense', config: {} }])))).verdict,
    'benign',
  );
  assert.equal((await scanH5(h5v2VlenString('model_config', kerasCfg([lambda2])))).verdict, 'malicious');
});

test('HDF5 training_config is checked too; weights-only files are benign', async () => {
  const tc = JSON.stringify({ loss: { module: 'os', class_name: 'function', config: 'system' } });
  assert.equal(
    (
      await scanH5(
        h5v0([
          ['model_config', kerasCfg([])],
          ['training_config', tc],
        ]),
      )
    ).verdict,
    'malicious',
  );
  const weights = await scanH5(h5v0([['layer_names', 'dense']]));
  assert.equal(weights.verdict, 'benign');
  assert.equal(weights.findings[0]?.code, 'MG-SCAN-268');
});

test('HDF5 layouts not supported are unverified, broken ones invalid — never benign', async () => {
  const v1Header = h5v0([['model_config', kerasCfg([])]]);
  const badVersion = new Uint8Array(v1Header);
  badVersion[96] = 7; // object header version 7
  const out = await scanH5(badVersion);
  assert.equal(out.verdict, 'unverified');
  assert.equal(out.reason, 'HDF5 layout not supported: model_config could not be read');
  const truncated = v1Header.subarray(0, 120);
  assert.equal((await scanH5(truncated)).verdict, 'invalid');
  assert.equal((await scanH5(new Uint8Array(SIG))).verdict, 'invalid');
});

test('HDF5 that reads other files is malicious; a tree not followed is unverified; a broken one does not hide the config', async () => {
  const fixture = (name: string) => new Uint8Array(readFileSync(`test/fixtures/formats/keras/${name}`));
  for (const name of ['external-link.weights.h5', 'external-storage.weights.h5', 'virtual-dataset.h5']) {
    const out = await scanH5(fixture(name));
    assert.equal(out.verdict, 'malicious', name);
    assert.ok(
      out.findings.some((f) => f.code === 'MG-SCAN-337'),
      name,
    );
  }
  const linked = fixture('external-link.weights.h5');
  const value = Buffer.from(linked).indexOf('other.h5');
  for (let i = value; i > value - 64; i--) {
    if (linked[i] === 1 && (linked[i + 1]! & 0x08) !== 0 && linked[i + 2] === 64) linked[i + 2] = 65;
  }
  const unfollowed = await scanH5(linked);
  assert.equal(unfollowed.verdict, 'unverified');
  assert.ok(unfollowed.findings.some((f) => f.code === 'MG-SCAN-338'));
  const lambda = fixture('lambda-os-system.h5');
  lambda[Buffer.from(lambda).indexOf('TREE')] = 0x58;
  const broken = await scanH5(lambda);
  assert.equal(broken.verdict, 'malicious');
  assert.ok(
    broken.findings.some((f) => f.code === 'MG-SCAN-267') && broken.findings.some((f) => f.code === 'MG-SCAN-330'),
  );
  assert.equal((await scanH5(fixture('sequential.h5'))).verdict, 'benign');
});

test('a Keras config whose keys are spelled with JSON escapes is still read as a Keras config', async () => {
  const { scanFile } = await import('./scan-file.ts');
  const config = {
    module: 'keras.layers',
    class_name: 'Lambda',
    config: { name: 'l', function: { class_name: '__lambda__', config: { code: 'not-bytecode' } } },
  };
  const escaped = JSON.stringify(config).replaceAll('class_name', 'class\\u005fname');
  const outcome = await scanFile(memorySource('config.json', new TextEncoder().encode(escaped)));
  assert.equal(outcome.format, 'keras-config', outcome.reason);
  assert.notEqual(outcome.verdict, 'benign');
});
