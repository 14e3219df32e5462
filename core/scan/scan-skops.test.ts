import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { memorySource } from '../io/byte-source.ts';
import { readZip, extractMember } from '../formats/zip.ts';
import { looksLikeSkopsSchema } from '../formats/skops.ts';
import { scanSkopsSchema, skopsFindings } from './scan-skops.ts';
import { judgeSkopsNode } from './skops-rules.ts';
import { leafScanContext } from './fake-scan-context.ts';
import { verdictOfFinding } from './finding-verdict.ts';
import { worstVerdict } from './types.ts';

type Node = Record<string, unknown>;
const json = (v: unknown): Node => ({
  __class__: typeof v === 'string' ? 'str' : 'int',
  __module__: 'builtins',
  __loader__: 'JsonNode',
  content: JSON.stringify(v),
  is_json: true,
});
const dict = (content: Record<string, Node>): Node => ({
  __class__: 'dict',
  __module__: 'builtins',
  __loader__: 'DictNode',
  content,
  key_types: {
    __class__: 'list',
    __module__: 'builtins',
    __loader__: 'ListNode',
    content: Object.keys(content).map(() => ({ __class__: 'str', __module__: 'builtins', __loader__: 'TypeNode' })),
  },
});
/** A LogisticRegression as skops.io.dump writes it, with one extra attribute. */
const schema = (extra?: Node): Node => ({
  __class__: 'LogisticRegression',
  __module__: 'sklearn.linear_model._logistic',
  __loader__: 'ObjectNode',
  content: dict({
    C: json(1),
    coef_: { __class__: 'ndarray', __module__: 'numpy', __loader__: 'NdArrayNode', type: 'numpy', file: '0.npy' },
    ...(extra ? { extra_: extra } : {}),
  }),
  protocol: 2,
  _skops_version: '0.11.0',
});
const verdict = (doc: unknown) => worstVerdict(skopsFindings(doc as never).map(verdictOfFinding));

test('an estimator made of trusted types is benign', () => {
  assert.equal(verdict(schema()), 'benign');
  assert.deepEqual(
    skopsFindings(schema() as never).map((f) => f.code),
    ['MG-SCAN-425'],
  );
});

test('callables that run code, resolve names or touch files are malicious', () => {
  const fn = (module: string, cls: string, loader = 'FunctionNode') => ({
    __class__: cls,
    __module__: module,
    __loader__: loader,
  });
  assert.equal(verdict(schema(fn('posix', 'system'))), 'malicious');
  assert.equal(verdict(schema(fn('builtins', 'eval', 'TypeNode'))), 'malicious');
  assert.equal(verdict(schema(fn('subprocess', 'Popen', 'ObjectNode'))), 'malicious');
  const caller = { ...fn('operator', 'methodcaller', 'OperatorFuncNode'), attrs: json('system') };
  assert.equal(verdict(schema(caller)), 'malicious');
  assert.equal(verdict(schema({ ...caller, __class__: 'attrgetter' })), 'malicious');
  // The pickle denylist's resolver family covers itemgetter too (core/scan/rules/pickle-denylist.ts).
  assert.equal(verdict(schema({ ...caller, __class__: 'itemgetter' })), 'malicious');
  const method = {
    ...fn('sklearn.linear_model._logistic', 'LogisticRegression', 'MethodNode'),
    content: { func: 'system', obj: schema() },
  };
  assert.equal(verdict(schema(method)), 'malicious');
  assert.equal(judgeSkopsNode('FunctionNode', 'numpy', 'sqrt').level, 'trusted');
});

test('types outside the default trusted list are suspicious (the user must trust them)', () => {
  const counter = { __class__: 'Counter', __module__: 'collections', __loader__: 'ObjectNode', content: json(1) };
  assert.equal(verdict(schema(counter)), 'suspicious');
  const partial = { __class__: 'partial', __module__: 'functools', __loader__: 'PartialNode', content: {} };
  assert.equal(verdict(schema(partial)), 'suspicious');
  assert.equal(judgeSkopsNode('ObjectNode', 'sklearn.linear_model._logistic', 'LogisticRegression').level, 'trusted');
  assert.equal(judgeSkopsNode('ObjectNode', 'sklearn.utils', 'Bunch').level, 'untrusted');
});

test('an unknown loader is not followed', () => {
  assert.equal(verdict(schema({ __class__: 'X', __module__: 'm', __loader__: 'MysteryNode' })), 'unverified');
});

test('malformed schemas: no protocol, a node without __loader__, bad JsonNode text, operator from elsewhere', () => {
  const { protocol: _p, ...noProtocol } = schema();
  assert.equal(verdict(noProtocol), 'invalid');
  assert.equal(verdict(schema({ __class__: 'X', __module__: 1, __loader__: 'ObjectNode' })), 'invalid');
  assert.equal(verdict(schema({ ...json(1), content: '{' })), 'invalid');
  const op = { __class__: 'itemgetter', __module__: 'mylib', __loader__: 'OperatorFuncNode', attrs: json(0) };
  assert.equal(verdict(schema(op)), 'invalid');
});

test('deep or huge schemas stop at the limits as "could not verify"', () => {
  let deep: Node = json(1);
  for (let k = 0; k < 300; k++)
    deep = { __class__: 'list', __module__: 'builtins', __loader__: 'ListNode', content: [deep] };
  assert.equal(verdict(schema(deep)), 'unverified');
});

test('a schema nested deeper than the JSON reader goes is not followed', async () => {
  const text =
    '{"__class__": "list", "__loader__": "ListNode", "content": ' + '['.repeat(2000) + ']'.repeat(2000) + '}';
  const out = await scanSkopsSchema(memorySource('schema.json', new TextEncoder().encode(text)), leafScanContext());
  assert.deepEqual([out.verdict, out.findings[0]?.code], ['unverified', 'MG-SCAN-429']);
});

test('sniffer: schema.json from its first key, never a Keras or Hugging Face config', () => {
  const enc = (s: string) => new TextEncoder().encode(s);
  assert.ok(looksLikeSkopsSchema(enc(JSON.stringify(schema(), null, 2))));
  assert.ok(!looksLikeSkopsSchema(enc('{"class_name": "Sequential", "module": "keras", "__loader__": "x"}')));
  assert.ok(!looksLikeSkopsSchema(enc('{"architectures": ["BertModel"]}')));
});

test('the schema.json of the corpus file, and invalid JSON', async () => {
  const bytes = readFileSync('test/fixtures/formats/tree-models/skops/logistic-regression.skops');
  const zip = await readZip(memorySource('m.skops', bytes));
  const entry = zip.entries.find((e) => e.name === 'schema.json')!;
  const data = await extractMember(memorySource('m.skops', bytes), entry, {
    maxBytes: 1 << 20,
    allowance: () => 1 << 20,
    spend: () => undefined,
    maxCrcBytes: 0,
  });
  assert.equal(data.status, 'ok');
  if (data.status !== 'ok') return;
  const out = await scanSkopsSchema(data.source, leafScanContext());
  assert.equal(out.verdict, 'benign', out.reason);
  const broken = await scanSkopsSchema(
    memorySource('schema.json', new TextEncoder().encode('{"__class__": ')),
    leafScanContext(),
  );
  assert.equal(broken.verdict, 'invalid');
});
