import { test } from 'node:test';
import assert from 'node:assert/strict';
import { memorySource } from '../io/byte-source.ts';
import { isGguf, readGgufHeader } from '../formats/gguf.ts';
import { scanGguf } from './scan-gguf.ts';
import { checkChatTemplate } from './chat-template-check.ts';
import { leafScanContext } from './fake-scan-context.ts';

const ctx = leafScanContext();

/** Little GGUF writer: v1 uses u32 counts/lengths/dims, v2+ u64. */
class W {
  parts: number[] = [];
  constructor(readonly version = 3) {}
  u8(v: number) {
    this.parts.push(v & 0xff);
    return this;
  }
  u32(v: number) {
    for (let i = 0; i < 4; i++) this.parts.push((v >>> (8 * i)) & 0xff);
    return this;
  }
  u64(v: number | bigint) {
    let b = BigInt(v);
    for (let i = 0; i < 8; i++) {
      this.parts.push(Number(b & 0xffn));
      b >>= 8n;
    }
    return this;
  }
  len(v: number | bigint) {
    return this.version === 1 ? this.u32(Number(v)) : this.u64(v);
  }
  str(s: string) {
    const b = new TextEncoder().encode(s);
    this.len(b.length);
    this.parts.push(...b);
    return this;
  }
  pad(align: number) {
    while (this.parts.length % align) this.parts.push(0);
    return this;
  }
  bytes() {
    return new Uint8Array(this.parts);
  }
}

interface Tensor {
  name: string;
  dims: number[];
  type: number;
  offset: number;
}

function gguf(opts: {
  version?: number;
  kvs?: ((w: W) => void)[];
  tensors?: Tensor[];
  data?: number;
  align?: number;
  tensorCount?: number;
  kvCount?: number;
}): Uint8Array {
  const w = new W(opts.version ?? 3);
  const tensors = opts.tensors ?? [];
  const kvs = opts.kvs ?? [];
  w.u8(0x47)
    .u8(0x47)
    .u8(0x55)
    .u8(0x46)
    .u32(w.version)
    .len(opts.tensorCount ?? tensors.length)
    .len(opts.kvCount ?? kvs.length);
  for (const kv of kvs) kv(w);
  for (const t of tensors) {
    w.str(t.name).u32(t.dims.length);
    for (const d of t.dims) w.len(d);
    w.u32(t.type).u64(t.offset);
  }
  w.pad(opts.align ?? 32);
  for (let i = 0; i < (opts.data ?? 0); i++) w.u8(0);
  return w.bytes();
}

const kvStr = (k: string, v: string) => (w: W) => void w.str(k).u32(8).str(v);
const kvU32 = (k: string, v: number) => (w: W) => void w.str(k).u32(4).u32(v);
const kvStrArr = (k: string, items: string[]) => (w: W) => {
  w.str(k).u32(9).u32(8).len(items.length);
  for (const s of items) w.str(s);
};

const scan = (b: Uint8Array) => scanGguf(memorySource('m.gguf', b), ctx);
const F32x8: Tensor = { name: 'w', dims: [8], type: 0, offset: 0 };

test('valid v3, v2 and v1 files are benign; reader returns tensors', async () => {
  for (const version of [3, 2, 1]) {
    const b = gguf({
      version,
      kvs: [kvStr('general.architecture', 'llama'), kvStrArr('tokenizer.ggml.tokens', ['a', 'b', 'c'])],
      tensors: [F32x8, { name: 'q', dims: [32, 2], type: 8, offset: 32 }],
      data: 32 + 68,
    });
    const out = await scan(b);
    assert.equal(out.verdict, 'benign', `v${version}: ${out.reason}`);
  }
  const h = await readGgufHeader(memorySource('m', gguf({ tensors: [F32x8], data: 32 })));
  assert.deepEqual(
    h.tensors.map((t) => [t.name, t.typeName, t.dims, t.offset]),
    [['w', 'F32', [8n], 0n]],
  );
  assert.ok(isGguf(gguf({})));
});

test('benign real-world chat templates are not flagged', () => {
  const llama3 =
    "{% set loop_messages = messages %}{% for message in loop_messages %}{% set content = '<|start_header_id|>' + message['role'] + '<|end_header_id|>\\n\\n'+ message['content'] | trim + '<|eot_id|>' %}{% if loop.index0 == 0 %}{% set content = bos_token + content %}{% endif %}{{ content }}{% endfor %}{% if add_generation_prompt %}{{ '<|start_header_id|>assistant<|end_header_id|>\\n\\n' }}{% endif %}";
  const qwen =
    "{%- set ns = namespace(multi_step_tool=true, last_query_index=messages|length - 1) %}{%- if messages[0].role == 'system' %}{{- '<|im_start|>system\\n' + messages[0].content + '<|im_end|>\\n' }}{%- endif %}{%- for message in messages %}{{ message.content|tojson }}{%- if tools %}{{ tool.function.name }}{% endif %}{%- endfor %}{%- if system %}x{% endif %}";
  assert.deepEqual(checkChatTemplate(llama3), []);
  assert.deepEqual(checkChatTemplate(qwen), []);
});

const SSTI = [
  "{{ self.__init__.__globals__.__builtins__.__import__('os').popen('echo pwned').read() }}",
  '{% for c in ().__class__.__base__.__subclasses__() %}{% endfor %}',
  "{{ lipsum.__globals__['os'].popen('id').read() }}",
  "{{ cycler.__init__.__globals__.os.popen('id') }}",
  '{{ namespace.__init__.__globals__ }}',
  "{{ ()|attr('\\x5f\\x5fclass\\x5f\\x5f') }}",
  "{{ ()|attr('__cla' ~ 'ss__') }}",
  '{{ joiner.__init__.__globals__ }}',
];

for (const t of SSTI) {
  test(`malicious chat template: ${t.slice(0, 50)}`, async () => {
    const out = await scan(gguf({ kvs: [kvStr('tokenizer.chat_template', t)] }));
    assert.equal(out.verdict, 'malicious', JSON.stringify(out.findings));
    assert.ok(out.findings.some((f) => f.code === 'MG-SCAN-229' && f.reference?.includes('CVE-2024-34359')));
  });
}

test('named chat template variants are checked too', async () => {
  const out = await scan(gguf({ kvs: [kvStr('tokenizer.chat_template.tool_use', '{{ x.__class__ }}')] }));
  assert.equal(out.verdict, 'malicious');
});

test('unusual but not escaping constructs are suspicious', async () => {
  const out = await scan(gguf({ kvs: [kvStr('tokenizer.chat_template', '{{ lipsum(1) }}')] }));
  assert.equal(out.verdict, 'suspicious');
});

const invalid: [string, Uint8Array, string][] = [
  [
    'bad version',
    (() => {
      const b = gguf({});
      b[4] = 9;
      return b;
    })(),
    'MG-SCAN-220',
  ],
  ['tensor count beyond file', gguf({ tensorCount: 1e9 }), 'MG-SCAN-221'],
  ['kv count beyond file', gguf({ kvCount: 2 ** 40 }), 'MG-SCAN-221'],
  [
    'string length beyond file',
    gguf({
      kvs: [
        (w) =>
          void w
            .str('k')
            .u32(8)
            .u64(2n ** 62n),
      ],
    }),
    'MG-SCAN-221',
  ],
  [
    'array length beyond file',
    gguf({
      kvs: [
        (w) =>
          void w
            .str('k')
            .u32(9)
            .u32(4)
            .u64(2n ** 40n),
      ],
    }),
    'MG-SCAN-221',
  ],
  ['unknown value type', gguf({ kvs: [(w) => void w.str('k').u32(13).u32(0)] }), 'MG-SCAN-222'],
  ['negative value type', gguf({ kvs: [(w) => void w.str('k').u32(0xffffffff).u32(0)] }), 'MG-SCAN-222'],
  [
    'nested arrays too deep',
    gguf({
      kvs: [
        (w) => {
          w.str('k').u32(9);
          for (let i = 0; i < 5; i++) w.u32(9).u64(1);
          w.u32(0).u64(0);
        },
      ],
    }),
    'MG-SCAN-228',
  ],
  ['unknown tensor type', gguf({ tensors: [{ ...F32x8, type: 99 }], data: 32 }), 'MG-SCAN-223'],
  ['removed tensor type', gguf({ tensors: [{ ...F32x8, type: 31 }], data: 32 }), 'MG-SCAN-223'],
  ['5 dims', gguf({ tensors: [{ ...F32x8, dims: [1, 1, 1, 1, 8] }], data: 32 }), 'MG-SCAN-224'],
  [
    'alignment not a power of two',
    gguf({ kvs: [kvU32('general.alignment', 24)], tensors: [F32x8], data: 32 }),
    'MG-SCAN-225',
  ],
  ['alignment zero', gguf({ kvs: [kvU32('general.alignment', 0)] }), 'MG-SCAN-225'],
  ['misaligned offset', gguf({ tensors: [{ ...F32x8, offset: 4 }], data: 64 }), 'MG-SCAN-226'],
  ['tensor past the end', gguf({ tensors: [{ ...F32x8, dims: [1000] }], data: 32 }), 'MG-SCAN-226'],
  [
    'overlapping tensors',
    gguf({
      tensors: [
        { ...F32x8, dims: [16] },
        { ...F32x8, name: 'v', offset: 32 },
      ],
      data: 96,
    }),
    'MG-SCAN-226',
  ],
  ['duplicate key', gguf({ kvs: [kvStr('a', 'x'), kvStr('a', 'y')] }), 'MG-SCAN-227'],
  ['duplicate tensor', gguf({ tensors: [F32x8, { ...F32x8, offset: 32 }], data: 64 }), 'MG-SCAN-227'],
  [
    'quant dims not whole blocks',
    gguf({ tensors: [{ name: 'q', dims: [31], type: 8, offset: 0 }], data: 64 }),
    'MG-SCAN-231',
  ],
  ['truncated', gguf({ kvs: [kvStr('general.name', 'x')] }).subarray(0, 30), 'MG-SCAN-221'],
];

for (const [name, bytes, code] of invalid) {
  test(`rejected: ${name}`, async () => {
    const out = await scan(bytes);
    assert.notEqual(out.verdict, 'benign');
    assert.ok(
      out.findings.some((f) => f.code === code),
      `${name}: ${JSON.stringify(out.findings)}`,
    );
  });
}

test('big-endian v3 header is read', async () => {
  const b = gguf({});
  const be = new Uint8Array(b);
  new DataView(be.buffer).setUint32(4, 3, false);
  for (const at of [8, 16]) new DataView(be.buffer).setBigUint64(at, 0n, false);
  assert.equal((await scan(be)).verdict, 'benign');
});
