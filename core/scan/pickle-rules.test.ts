import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { memorySource } from '../io/byte-source.ts';
import { judgeGlobal } from './pickle-rules.ts';
import { COMPAT_IMPORT_MAPPING, COMPAT_NAME_MAPPING } from './rules/compat-pickle.ts';
import { scanFile } from './scan-file.ts';
import { Asm, osSystemPickle } from '../formats/pickle/assemble.test-helper.ts';

const enc = new TextEncoder();

function status(module: string, name: string): string {
  return judgeGlobal(module, name).status;
}

describe('Python 2 names are judged as CPython maps them (every _compat_pickle entry)', () => {
  it('a mapped name that lands on a denied callable is denied', () => {
    // ('__builtin__', 'reduce') → functools.reduce; ('commands', …) → subprocess.
    assert.equal(status('__builtin__', 'reduce'), 'deny');
    assert.equal(status('commands', 'getoutput'), 'deny');
    assert.equal(status('cPickle', 'loads'), 'deny');
  });
  it('every name mapping whose target is denied is denied under its Python 2 name too', () => {
    const missed = Object.entries(COMPAT_NAME_MAPPING)
      .filter(([, [m, n]]) => status(m, n) === 'deny')
      .map(([key]) => key.split('\n') as [string, string])
      .filter(([m, n]) => status(m, n) !== 'deny');
    assert.deepEqual(missed, []);
  });
  it('every module rename onto a denied module is denied under its Python 2 name', () => {
    const missed = Object.entries(COMPAT_IMPORT_MAPPING)
      .filter(([, target]) => status(target, 'anything') === 'deny')
      .filter(([py2]) => status(py2, 'anything') !== 'deny');
    assert.deepEqual(missed, []);
  });
  it('a mapped name that lands on an allowlisted one is allowed (protocol-2 checkpoints use __builtin__)', () => {
    assert.equal(status('__builtin__', 'set'), 'allow');
    assert.equal(status('copy_reg', '_reconstructor'), 'allow');
  });
});

describe('dangerous callables reached outside the module denylist', () => {
  for (const [module, name] of [
    ['gzip', 'open'],
    ['codecs', 'open'],
    ['_pyio', 'open'],
    ['sqlite3', 'connect'],
    ['imp', 'load_source'],
    ['typing', 'get_type_hints'],
    ['dataclasses', '_create_fn'],
    ['numpy', 'memmap'],
    ['numpy.lib.format', 'read_array'],
    ['torch', 'save'],
    ['torch.serialization', '_legacy_load'],
    ['joblib.numpy_pickle', 'load'],
    // A library the denylist does not name: judged by the callable's name.
    ['some_framework.utils', 'load_checkpoint'],
    ['some_framework.io', 'urlopen'],
    ['some_framework.run', 'eval'],
  ] as const) {
    it(`${module}.${name} is denied`, () => assert.equal(status(module, name), 'deny'));
  }
  it('protocol-4 attribute paths through a private module alias reach os (tempfile._os.system)', () => {
    assert.equal(status('tempfile', '_os.getcwd'), 'deny');
    assert.equal(status('numpy', 'core._multiarray_umath._os.getpid'), 'deny');
  });
});

describe('harmless values of ordinary checkpoints are not gadgets', () => {
  for (const [module, name] of [
    ['pathlib', 'PosixPath'],
    ['pathlib', 'WindowsPath'],
    ['types', 'SimpleNamespace'],
    ['argparse', 'Namespace'],
    ['datetime', 'datetime'],
    ['datetime', 'timedelta'],
    ['functools', 'partial'],
    ['torch.nn.modules.linear', 'Linear'],
    ['torch.nn.modules.container', 'Sequential'],
  ] as const) {
    it(`${module}.${name} is allowed`, () => assert.equal(status(module, name), 'allow'));
  }
  it('but what a path class reaches through its attributes is denied (Path.write_text, Path.unlink)', () => {
    assert.equal(status('pathlib', 'Path.write_text'), 'deny');
    assert.equal(status('pathlib', 'PosixPath.unlink'), 'deny');
    assert.equal(status('types', 'FunctionType'), 'deny');
  });
  it('torch.nn.modules attribute paths are not allowlisted classes', () => {
    assert.notEqual(status('torch.nn.modules.module', 'Module.register_forward_hook'), 'allow');
  });
});

describe('pickle loaders run content whatever else it is (polyglots and text)', () => {
  it('a safetensors file whose header-length bytes are a BINSTRING jumping to a payload is malicious', async () => {
    // No STOP: the loader runs the REDUCE, then fails on the next byte (a sniffer of valid pickles says no).
    const payload = new Asm().global('os', 'system').op('MARK').str('echo pwned').op('TUPLE').op('REDUCE').raw([0xff]);
    const header = enc.encode(JSON.stringify({ __metadata__: { format: 'pt' } }));
    // 'T' + 3 length bytes + the 4th length byte 0: BINSTRING skips `skip` bytes, landing on the payload.
    const payloadBytes = payload.build();
    const skip = 3 + header.length;
    const headerLength = 0x54 | (skip << 8);
    const bytes = new Uint8Array(8 + header.length + payloadBytes.length);
    const view = new DataView(bytes.buffer);
    view.setUint32(0, headerLength, true);
    bytes.set(header, 8);
    bytes.set(payloadBytes, 8 + header.length);
    assert.equal(bytes[0], 0x54);
    const o = await scanFile(memorySource('pytorch_model.bin', bytes));
    assert.equal(o.verdict, 'malicious', o.findings.map((f) => `${f.code} ${f.detail}`).join('\n'));
  });
  it('text that CPython unpickles is scanned as a pickle, not passed as text', async () => {
    const text = "cos\nsystem\n(S'echo pwned'\ntR\nthen ordinary notes follow.\n";
    const o = await scanFile(memorySource('notes.txt', enc.encode(text)));
    assert.equal(o.verdict, 'malicious');
  });
  it('ordinary text and JSON stay benign text', async () => {
    for (const text of ['{"a": 1}\n', '# Model card\n', 'I think this model is fine.\n', 'N.B. nothing here\n']) {
      const o = await scanFile(memorySource('README.md', enc.encode(text)));
      assert.equal(o.verdict, 'benign', `${JSON.stringify(text)}: ${o.format} ${o.reason ?? ''}`);
    }
  });
});

describe('payloads handed to loaders that unpickle again are scanned, however the bytes are built', () => {
  const inner = osSystemPickle(2);
  const latin1 = String.fromCharCode(...inner);
  async function verdictOf(bytes: Uint8Array): Promise<string> {
    return (await scanFile(memorySource('model.pkl', bytes))).verdict;
  }
  it('torch.storage._load_from_bytes(_codecs.encode(payload, "latin1")) is malicious', async () => {
    const outer = new Asm()
      .proto(2)
      .call(
        (a) => a.global('torch.storage', '_load_from_bytes'),
        (a) =>
          a.call(
            (b) => b.global('_codecs', 'encode'),
            (b) => b.str(latin1),
            (b) => b.str('latin1'),
          ),
      )
      .stop()
      .build();
    assert.equal(await verdictOf(outer), 'malicious');
  });
  it('the same call with harmless bytes stays benign (the allowlisted use of _load_from_bytes)', async () => {
    const harmless = String.fromCharCode(...new Asm().proto(2).int(7).stop().build());
    const outer = new Asm()
      .proto(2)
      .call(
        (a) => a.global('torch.storage', '_load_from_bytes'),
        (a) =>
          a.call(
            (b) => b.global('_codecs', 'encode'),
            (b) => b.str(harmless),
            (b) => b.str('latin1'),
          ),
      )
      .stop()
      .build();
    assert.equal(await verdictOf(outer), 'benign');
  });
});

describe('allowlisted constructors whose arguments name files', () => {
  function ndArrayWrapper(filename: string): Uint8Array {
    return new Asm()
      .proto(2)
      .global('joblib.numpy_pickle', 'NDArrayWrapper')
      .op('EMPTY_TUPLE')
      .op('NEWOBJ')
      .op('EMPTY_DICT')
      .str('filename')
      .str(filename)
      .op('SETITEM')
      .op('BUILD')
      .stop()
      .build();
  }
  it('a joblib NDArrayWrapper whose file leaves the folder is malicious', async () => {
    for (const name of ['../../home/user/payload.npy', '/tmp/payload.npy', 'sub/x.npy']) {
      const o = await scanFile(memorySource('model.pkl', ndArrayWrapper(name)));
      assert.equal(o.verdict, 'malicious', name);
      assert.ok(o.findings.some((f) => f.code === 'MG-SCAN-009'));
    }
  });
  it('one that names a file of the folder is said, and not benign on its own', async () => {
    const o = await scanFile(memorySource('model.pkl', ndArrayWrapper('model.pkl_01.npy')));
    assert.equal(o.verdict, 'suspicious');
    assert.ok(o.findings.some((f) => f.code === 'MG-SCAN-028'));
  });
});

describe('standard-library modules outside the value-building ones, and names that say what they do', () => {
  it('a standard-library module that reaches the platform, processes or files is denied (platform.architecture)', () => {
    for (const [m, n] of [
      ['platform', 'architecture'],
      ['wave', 'Wave_read'],
      ['mailbox', 'Maildir'],
      ['smtpd', 'SMTPServer'],
    ] as const) {
      assert.equal(status(m, n), 'deny', `${m}.${n}`);
    }
  });
  it('value-building standard-library functions are unknown, not gadgets', () => {
    assert.equal(status('heapq', 'heappush'), 'unknown');
    assert.equal(status('math', 'sqrt'), 'unknown');
  });
  it('a function of an unknown library named for running, writing or loading is denied', () => {
    assert.equal(status('somelib.io', 'dump_svmlight_file'), 'deny');
    assert.equal(status('somelib.testing', 'assert_run_python_script'), 'deny');
    assert.equal(status('somelib', 'loadWeightsFromUrl'), 'deny');
    assert.equal(status('somelib', 'SpectralNormLoadStateDictPreHook'), 'unknown');
    assert.equal(status('mymodels.layers', 'ResidualBlock'), 'unknown');
  });
});

describe('callables stored to be called later by the unpickler or by library code', () => {
  const inner = String.fromCharCode(...osSystemPickle(2));
  const loadFromBytes = (a: Asm) => a.global('torch.storage', '_load_from_bytes');
  async function verdictOf(bytes: Uint8Array): Promise<string> {
    return (await scanFile(memorySource('model.pkl', bytes))).verdict;
  }
  it('BUILD puts a function on a Counter as `append`, then APPEND calls it: malicious', async () => {
    const bytes = new Asm()
      .proto(2)
      .global('collections', 'Counter')
      .op('EMPTY_TUPLE')
      .op('REDUCE')
      .op('EMPTY_DICT')
      .str('append')
      .global('somelib.items', 'handle')
      .op('SETITEM')
      .op('BUILD')
      .call(
        (a) => a.global('_codecs', 'encode'),
        (a) => a.str(inner),
        (a) => a.str('latin1'),
      )
      .op('APPEND')
      .stop()
      .build();
    assert.equal(await verdictOf(bytes), 'malicious');
  });
  it('partial(_load_from_bytes, payload) built but never called by the pickle itself: malicious', async () => {
    const bytes = new Asm()
      .proto(2)
      .call(
        (a) => a.global('functools', 'partial'),
        loadFromBytes,
        (a) =>
          a.call(
            (b) => b.global('_codecs', 'encode'),
            (b) => b.str(inner),
            (b) => b.str('latin1'),
          ),
      )
      .stop()
      .build();
    assert.equal(await verdictOf(bytes), 'malicious');
  });
  it('an .npy whose dtype this reader cannot parse still has its data scanned as the pickle numpy may run', async () => {
    const header = "{'descr': 'object', 'fortran_order': False, 'shape': (1,), }";
    const padded = header.padEnd(118 - 1, ' ') + '\n';
    const pre = [0x93, ...new TextEncoder().encode('NUMPY'), 1, 0, padded.length & 255, padded.length >> 8];
    const bytes = Uint8Array.from([...pre, ...new TextEncoder().encode(padded), ...osSystemPickle(2)]);
    assert.equal((await scanFile(memorySource('embeddings.npy', bytes))).verdict, 'malicious');
  });
});
