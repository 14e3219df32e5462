import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { asm, osSystemPickle } from '../formats/pickle/assemble.test-helper.ts';
import { scanBytes } from './scan-bytes.test-helper.ts';
import { looksLikePickle } from './scan-pickle.ts';
import type { ScanOutcome } from './types.ts';

const TESTDATA = join(import.meta.dirname, '..', 'formats', 'pickle', 'testdata');
const enc = new TextEncoder();

function details(o: ScanOutcome): string {
  return o.findings.map((f) => `${f.code} ${f.detail}`).join('\n');
}

async function expectMalicious(bytes: Uint8Array, mustMention?: string | RegExp): Promise<ScanOutcome> {
  const o = await scanBytes(bytes);
  assert.equal(o.verdict, 'malicious', details(o));
  if (mustMention)
    assert.match(details(o), typeof mustMention === 'string' ? new RegExp(escape(mustMention)) : mustMention);
  return o;
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

describe('real benign pickles (scripts/gen_pickle_test_vectors.py)', () => {
  for (const name of readdirSync(TESTDATA).sort()) {
    it(`${name} is benign`, async () => {
      const o = await scanBytes(new Uint8Array(readFileSync(join(TESTDATA, name))));
      assert.equal(o.verdict, 'benign', details(o));
    });
  }
  it('legacy torch stream: several pickles are scanned', async () => {
    const o = await scanBytes(new Uint8Array(readFileSync(join(TESTDATA, 'torch-legacy.bin'))));
    assert.ok(
      o.findings.some((f) => f.code === 'MG-SCAN-025'),
      details(o),
    );
  });
});

describe('gadget calls: protocols and call opcodes', () => {
  for (const proto of [2, 3, 4, 5]) {
    it(`GLOBAL os.system + REDUCE, protocol ${proto}`, async () => {
      const o = await expectMalicious(osSystemPickle(proto), "would run: os.system('echo pwned')");
      const f = o.findings.find((x) => x.code === 'MG-SCAN-001');
      assert.equal(f?.offset, 2);
      assert.ok(f?.reference?.startsWith('https://'));
    });
  }
  it("protocol 0 (no PROTO): cos\\nsystem\\n(S'echo'\\ntR. (technique 2)", async () => {
    const p0 = enc.encode("cos\nsystem\n(S'echo pwned'\ntR.");
    assert.ok(looksLikePickle(p0));
    await expectMalicious(p0, "os.system('echo pwned')");
  });
  it('protocol 1 posix.system alias (technique 23)', async () => {
    await expectMalicious(enc.encode('cposix\nsystem\n(X\x04\x00\x00\x00echotR.'), 'posix.system');
  });
  it('__builtin__.eval and nt / _operator aliases (technique 23)', async () => {
    await expectMalicious(enc.encode("c__builtin__\neval\n(S'1'\ntR."), 'eval');
    await expectMalicious(
      asm()
        .proto(2)
        .call(
          (a) => a.global('nt', 'system'),
          (a) => a.str('x'),
        )
        .stop()
        .build(),
    );
    await expectMalicious(
      asm()
        .proto(2)
        .call(
          (a) => a.global('_operator', 'attrgetter'),
          (a) => a.str('x'),
        )
        .stop()
        .build(),
    );
    await expectMalicious(
      asm()
        .proto(2)
        .call(
          (a) => a.global('_io', 'FileIO'),
          (a) => a.str('/etc/passwd'),
        )
        .stop()
        .build(),
    );
  });
  it('INST call without REDUCE (technique 21)', async () => {
    await expectMalicious(enc.encode("(S'echo pwned'\nios\nsystem\n."), "os.system('echo pwned')");
  });
  it('OBJ call (technique 21)', async () => {
    const b = asm().proto(2).op('MARK').global('subprocess', 'Popen').str('id').op('OBJ').stop().build();
    await expectMalicious(b, "subprocess.Popen('id')");
  });
  it('NEWOBJ and NEWOBJ_EX calls', async () => {
    const n = asm().proto(2).global('subprocess', 'Popen').str('id').op('TUPLE1').op('NEWOBJ').stop().build();
    await expectMalicious(n, 'subprocess.Popen');
    const x = asm()
      .proto(4)
      .stackGlobal('subprocess', 'Popen')
      .str('id')
      .op('TUPLE1')
      .op('EMPTY_DICT')
      .op('NEWOBJ_EX')
      .stop()
      .build();
    await expectMalicious(x, 'subprocess.Popen');
  });
  it('a call whose result is POPped is still recorded (technique 20)', async () => {
    const b = asm()
      .proto(2)
      .global('os', 'system')
      .str('echo')
      .op('TUPLE1')
      .op('REDUCE')
      .op('POP')
      .op('NONE')
      .stop()
      .build();
    await expectMalicious(b, "os.system('echo')");
  });
  it('BUILD on an object whose __setstate__ was planted (technique 21, pyshv)', async () => {
    const b = asm()
      .proto(2)
      .global('collections', 'OrderedDict')
      .op('EMPTY_TUPLE')
      .op('NEWOBJ')
      .op('NONE')
      .op('EMPTY_DICT')
      .str('__setstate__')
      .global('os', 'system')
      .op('SETITEM')
      .op('TUPLE2')
      .op('BUILD')
      .str('echo pwned')
      .op('BUILD')
      .stop()
      .build();
    const o = await expectMalicious(b, "os.system('echo pwned')");
    assert.ok(
      o.findings.some((f) => f.code === 'MG-SCAN-014'),
      details(o),
    );
  });
  it('getattr(__import__(os), system)(cmd) chain is rendered as pseudo-Python', async () => {
    const b = asm()
      .proto(2)
      .call(
        (a) =>
          a.call(
            (x) => x.global('builtins', 'getattr'),
            (x) =>
              x.call(
                (y) => y.global('builtins', '__import__'),
                (y) => y.str('os'),
              ),
            (x) => x.str('system'),
          ),
        (a) => a.str('echo pwned'),
      )
      .stop()
      .build();
    await expectMalicious(b, "would run: getattr(__import__('os'), 'system')('echo pwned')");
  });
});

describe('memo and stack tricks (techniques 18, 19)', () => {
  it('STACK_GLOBAL operands stored with BINPUT and fetched with BINGET', async () => {
    const b = asm()
      .proto(4)
      .str('os')
      .op('BINPUT', 0)
      .op('POP')
      .str('system')
      .op('BINPUT', 1)
      .op('POP')
      .op('BINGET', 0)
      .op('BINGET', 1)
      .op('STACK_GLOBAL')
      .str('echo')
      .op('TUPLE1')
      .op('REDUCE')
      .stop()
      .build();
    await expectMalicious(b, "os.system('echo')");
  });
  it('DUP; MEMOIZE stores the stack top, not the previous argument', async () => {
    const b = asm()
      .proto(4)
      .str('os')
      .op('DUP')
      .op('MEMOIZE')
      .op('POP')
      .op('POP')
      .str('system')
      .op('MEMOIZE')
      .op('POP')
      .op('BINGET', 0)
      .op('BINGET', 1)
      .op('STACK_GLOBAL')
      .str('echo')
      .op('TUPLE1')
      .op('REDUCE')
      .stop()
      .build();
    await expectMalicious(b, 'os.system');
  });
  it('LONG_BINPUT / LONG_BINGET and protocol-0 PUT/GET', async () => {
    const l = asm()
      .proto(4)
      .str('os')
      .op('LONG_BINPUT', 0, 1, 0, 0)
      .str('system')
      .op('STACK_GLOBAL')
      .op('LONG_BINGET', 0, 1, 0, 0)
      .op('TUPLE1')
      .op('REDUCE')
      .stop()
      .build();
    await expectMalicious(l, "os.system('os')");
    await expectMalicious(enc.encode("S'os'\np0\n0S'system'\np1\n0cos\nsystem\n(g0\ntR."), "os.system('os')");
  });
  it('GET of a key never stored is a broken pickle, not a crash (picklescan #52)', async () => {
    const o = await scanBytes(asm().proto(2).op('BINGET', 9).stop().build());
    assert.notEqual(o.verdict, 'benign');
  });
});

describe('dotted names and resolver gadgets (techniques 24, 25, 29)', () => {
  it('STACK_GLOBAL glob + os.system', async () => {
    const b = asm().proto(4).stackGlobal('glob', 'os.system').str('echo').op('TUPLE1').op('REDUCE').stop().build();
    await expectMalicious(b, 'glob.os.system');
  });
  it('torch + os.system and torch.library + torch.utils.collect_env.run', async () => {
    await expectMalicious(
      asm().proto(4).stackGlobal('torch', 'os.system').str('x').op('TUPLE1').op('REDUCE').stop().build(),
    );
    await expectMalicious(
      asm()
        .proto(4)
        .stackGlobal('torch.library', 'torch.utils.collect_env.run')
        .str('x')
        .op('TUPLE1')
        .op('REDUCE')
        .stop()
        .build(),
    );
  });
  it('numpy.__builtins__ through an allowlisted module, with BUILD on a function', async () => {
    const b = asm()
      .proto(4)
      .stackGlobal('numpy', 'size')
      .op('EMPTY_DICT')
      .str('shape')
      .stackGlobal('numpy', '__builtins__')
      .op('SETITEM')
      .op('BUILD')
      .stop()
      .build();
    const o = await expectMalicious(b, '__builtins__');
    assert.ok(
      o.findings.some((f) => f.code === 'MG-SCAN-013'),
      details(o),
    );
    assert.ok(
      o.findings.some((f) => f.code === 'MG-SCAN-007'),
      details(o),
    );
  });
  it('builtins.dict.__class__.__subclasses__ dunder path', async () => {
    await expectMalicious(
      asm()
        .proto(4)
        .stackGlobal('builtins', 'dict.__class__.__subclasses__')
        .op('EMPTY_TUPLE')
        .op('REDUCE')
        .stop()
        .build(),
    );
  });
  const resolverCases: [string, string][] = [
    ['pkgutil', 'resolve_name'],
    ['importlib', 'import_module'],
    ['inspect', 'getattr_static'],
    ['pydoc', 'locate'],
    ['operator', 'methodcaller'],
    ['operator', 'itemgetter'],
    ['builtins', 'vars'],
    ['builtins', 'getattr'],
  ];
  for (const [m, n] of resolverCases) {
    it(`${m}.${n}`, async () => {
      const o = await expectMalicious(
        asm()
          .proto(2)
          .call(
            (a) => a.global(m, n),
            (a) => a.str('os:system'),
          )
          .stop()
          .build(),
      );
      assert.ok(
        o.findings.some((f) => f.code === 'MG-SCAN-002'),
        details(o),
      );
    });
  }
});

describe('gadget families (techniques 26-28)', () => {
  const cases: [string, string][] = [
    ['runpy', '_run_code'],
    ['bdb', 'Bdb.run'],
    ['code', 'InteractiveInterpreter.runsource'],
    ['cProfile', 'run'],
    ['profile', 'run'],
    ['timeit', 'timeit'],
    ['trace', 'Trace.run'],
    ['doctest', 'debug_script'],
    ['idlelib.pyshell', 'ModifiedInterpreter.runcode'],
    ['lib2to3.main', 'main'],
    ['uuid', '_get_command_stdout'],
    ['_osx_support', '_read_output'],
    ['_aix_support', '_read_cmd_output'],
    ['imaplib', 'IMAP4_stream'],
    ['pty', 'spawn'],
    ['venv', 'create'],
    ['ensurepip', '_run_pip'],
    ['pip', 'main'],
    ['asyncio.subprocess', 'create_subprocess_shell'],
    ['multiprocessing.util', 'spawnv_passfds'],
    ['ctypes', 'CDLL'],
    ['types', 'CodeType'],
    ['types', 'FunctionType'],
    ['marshal', 'loads'],
    ['cloudpickle', 'loads'],
    ['_interpreters', 'run_string'],
    ['numpy.testing._private.utils', 'runstring'],
    ['numpy.f2py.crackfortran', 'getlincoef'],
    ['torch.utils.collect_env', 'run'],
    ['torch._inductor.codecache', 'compile_file'],
    ['torch.jit.unsupported_tensor_ops', 'execWrapper'],
    ['torch._dynamo.guards', 'GuardBuilder.get'],
    ['torch.fx.experimental.symbolic_shapes', 'ShapeEnv.evaluate_guards_expression'],
    ['mlflow.projects.backend.local', '_run_entry_point'],
    ['pandas', 'read_csv'],
    ['pandas.io.parsers', 'read_csv'],
    ['logging', 'FileHandler'],
    ['distutils.file_util', 'write_file'],
    ['http.server', 'HTTPServer'],
    ['socket', 'create_connection'],
    ['ssl', 'wrap_socket'],
    ['urllib.request', 'urlopen'],
    ['webbrowser', 'open'],
    ['shutil', 'rmtree'],
    ['builtins', 'exec'],
    ['builtins', 'compile'],
    ['builtins', 'open'],
    ['builtins', 'breakpoint'],
    ['builtins', 'input'],
    ['_posixsubprocess', 'fork_exec'],
    ['subprocess', 'check_output'],
    ['pickle', 'loads'],
    ['_pickle', 'loads'],
    ['dill', 'loads'],
    ['torch.serialization', 'load'],
  ];
  for (const [m, n] of cases) {
    it(`${m}.${n} is malicious`, async () => {
      await expectMalicious(
        asm().proto(4).stackGlobal(m, n).str('x').op('TUPLE1').op('REDUCE').stop().build(),
        `${m}.${n}`,
      );
    });
  }
});

describe('pickle-in-pickle (technique 30)', () => {
  it('pickle.loads(bytes) scans the inner pickle', async () => {
    const inner = osSystemPickle(2);
    const b = asm().proto(3).global('pickle', 'loads').bytes(inner).op('TUPLE1').op('REDUCE').stop().build();
    const o = await expectMalicious(b);
    assert.ok(
      o.findings.some((f) => f.code === 'MG-SCAN-001' && f.member?.includes('@')),
      details(o),
    );
  });
  it('torch.storage._load_from_bytes of a benign pickle is not malicious, of a payload is', async () => {
    const benign = asm().proto(2).op('EMPTY_LIST').stop().build();
    const ok = asm()
      .proto(3)
      .global('torch.storage', '_load_from_bytes')
      .bytes(benign)
      .op('TUPLE1')
      .op('REDUCE')
      .stop()
      .build();
    assert.equal((await scanBytes(ok)).verdict, 'benign');
    const bad = asm()
      .proto(3)
      .global('torch.storage', '_load_from_bytes')
      .bytes(osSystemPickle())
      .op('TUPLE1')
      .op('REDUCE')
      .stop()
      .build();
    await expectMalicious(bad, 'os.system');
  });
});

describe('stream structure (techniques 9, 10, 16, 17, 22, 33)', () => {
  it('payload in the second of stacked pickles (technique 9)', async () => {
    const first = asm().proto(2).int(1).stop().build();
    await expectMalicious(Uint8Array.from([...first, ...osSystemPickle(4)]), 'os.system');
  });
  it('the magic-number pickle itself executes (technique 10)', async () => {
    const magic = asm()
      .proto(2)
      .call(
        (a) => a.global('builtins', 'eval'),
        (a) => a.str("__import__('os').system('echo') or 0x1950a86a20f9469cfc6c"),
      )
      .stop()
      .build();
    await expectMalicious(magic, 'eval');
  });
  it('broken tail after the payload (technique 16)', async () => {
    const b = asm().proto(2).global('os', 'system').str('echo').op('TUPLE1').op('REDUCE').raw([0xff, 0xfe]).build();
    const o = await expectMalicious(b, 'os.system');
    assert.ok(o.findings.some((f) => f.code === 'MG-SCAN-021'));
  });
  it('payload after garbage is found by resync', async () => {
    await expectMalicious(Uint8Array.from([0xde, 0xad, 0xbe, 0xef, ...osSystemPickle(2)]), 'os.system');
  });
  it('FRAME that ends mid-opcode is a differential (technique 17)', async () => {
    const body = asm().global('os', 'system').str('echo').op('TUPLE1').op('REDUCE').op('STOP').build();
    const b = asm()
      .proto(4)
      .op('FRAME', ...asm().u64(5))
      .raw(body)
      .build();
    const o = await expectMalicious(b);
    assert.ok(
      o.findings.some((f) => f.code === 'MG-SCAN-020'),
      details(o),
    );
  });
  it('FRAME differential alone makes a benign-looking pickle suspicious', async () => {
    const b = asm()
      .proto(4)
      .op('FRAME', ...asm().u64(3))
      .str('abcdef')
      .op('STOP')
      .build();
    assert.equal((await scanBytes(b)).verdict, 'suspicious');
  });
  it('protocol-0 FLOAT and protocol-5 BYTEARRAY8 do not crash (technique 22)', async () => {
    assert.equal((await scanBytes(enc.encode('F1.5\n.'))).verdict, 'benign');
    const ba = asm()
      .proto(5)
      .op('BYTEARRAY8', ...asm().u64(2))
      .raw('ab')
      .stop()
      .build();
    assert.equal((await scanBytes(ba)).verdict, 'benign');
  });
  it('huge BINUNICODE8 length field is refused without allocating (technique 22)', async () => {
    const b = asm().proto(4).op('BINUNICODE8', 0, 0, 0, 0, 0, 0, 0, 0x40).raw('x').build();
    assert.equal((await scanBytes(b)).verdict, 'invalid');
  });
  it('memo/GET expansion bomb finishes fast (technique 22)', async () => {
    const a = asm().proto(4).op('EMPTY_LIST').op('MEMOIZE');
    for (let i = 0; i < 2000; i++)
      a.op('MARK').op('BINGET', 0).op('BINGET', 0).op('BINGET', 0).op('BINGET', 0).op('LIST').op('MEMOIZE').op('POP');
    a.op('BINGET', 0).global('os', 'system').op('TUPLE2').stop();
    const t = Date.now();
    const o = await scanBytes(a.build());
    assert.ok(Date.now() - t < 3000);
    assert.equal(o.verdict, 'malicious');
  });
  it('op budget exhaustion gives unverified', async () => {
    const a = asm().proto(2);
    for (let i = 0; i < 200; i++) a.op('NONE').op('POP');
    const ctx = (await import('./scan-bytes.test-helper.ts')).testContext();
    ctx.budget.maxPickleOps = 50;
    assert.equal((await scanBytes(a.stop().build(), ctx)).verdict, 'unverified');
  });
  it('SETITEM on a non-dict calls its __setitem__ (technique 33)', async () => {
    const b = asm()
      .proto(2)
      .global('torch', 'Tensor')
      .op('EMPTY_TUPLE')
      .op('REDUCE')
      .int(1)
      .int(2)
      .op('SETITEM')
      .stop()
      .build();
    const o = await scanBytes(b);
    assert.equal(o.verdict, 'suspicious');
    assert.ok(
      o.findings.some((f) => f.code === 'MG-SCAN-015'),
      details(o),
    );
  });
  it('EXT codes and NEXT_BUFFER are flagged', async () => {
    assert.equal((await scanBytes(asm().proto(2).op('EXT1', 7).stop().build())).verdict, 'suspicious');
    assert.equal((await scanBytes(asm().proto(5).op('NEXT_BUFFER').stop().build())).verdict, 'suspicious');
  });
  it('an unknown global is suspicious, not malicious (technique 32)', async () => {
    const o = await scanBytes(
      asm()
        .proto(2)
        .call((a) => a.global('mypkg.models', 'Net'))
        .stop()
        .build(),
    );
    assert.equal(o.verdict, 'suspicious');
  });
  it('allowlisted callable in the wrong shape is suspicious', async () => {
    const o = await scanBytes(
      asm()
        .proto(2)
        .call(
          (a) => a.global('_codecs', 'encode'),
          (a) => a.int(1),
        )
        .stop()
        .build(),
    );
    assert.equal(o.verdict, 'suspicious');
    assert.ok(o.findings.some((f) => f.code === 'MG-SCAN-011'));
  });
  it('text and random bytes are invalid, never benign', async () => {
    assert.equal((await scanBytes(enc.encode('hello world, not a pickle'))).verdict, 'invalid');
    assert.equal((await scanBytes(new Uint8Array(0))).verdict, 'invalid');
    assert.equal(looksLikePickle(enc.encode('{"json": 1}')), false);
  });
});
