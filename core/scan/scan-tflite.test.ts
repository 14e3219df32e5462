import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { memorySource } from '../io/byte-source.ts';
import { isTflite, readTflite, type TfliteModel } from '../formats/tflite.ts';
import { readFlexNodeDef } from '../formats/flex-node-def.ts';
import { worstVerdict } from './types.ts';
import { verdictOfFinding } from './finding-verdict.ts';
import { scanTflite, tfliteFindings } from './scan-tflite.ts';
import { leafScanContext } from './fake-scan-context.ts';

const DIR = 'test/fixtures/formats/device-runtime/tflite/';
const load = async (name: string) => new Uint8Array(await readFile(DIR + name));
const scan = async (name: string) => scanTflite(memorySource(name, await load(name)), leafScanContext());

function model(over: Partial<TfliteModel>): TfliteModel {
  return {
    version: 3, opCodes: [{ builtin: 9 }], subgraphs: 1, operators: 1, tensors: 3, buffers: 4, flex: [],
    signatureKeys: [], metadataNames: [], ...over,
  }; // prettier-ignore
}
const verdictOf = (m: TfliteModel) => worstVerdict(tfliteFindings(m).map(verdictOfFinding));
const codesOf = (m: TfliteModel) => tfliteFindings(m).map((f) => f.code);

test('the converter’s Dense model is benign, with its operator codes listed', async () => {
  const out = await scan('dense.tflite');
  assert.equal(out.verdict, 'benign', out.reason);
  const inventory = out.findings.find((f) => f.code === 'MG-SCAN-358');
  assert.deepEqual(inventory?.evidence?.builtinCodes, [9]);
  // Weights live inside the FlatBuffer (or after it, in the same file): no other file to vouch for.
  assert.equal(out.describes, undefined);
});

test('converter Flex ReadFile and WriteFile models are malicious', async () => {
  for (const [name, op] of [
    ['flex-readfile.tflite', 'ReadFile'],
    ['flex-writefile.tflite', 'WriteFile'],
  ]) {
    const out = await scan(name!);
    assert.equal(out.verdict, 'malicious', name);
    assert.ok(
      out.findings.some((f) => f.code === 'MG-SCAN-351' && f.evidence?.nodeOp === op),
      name,
    );
  }
});

test('the NodeDef decides which TF op a Flex operator runs, whatever its name', async () => {
  const m = await readTflite(memorySource('m', await load('flex-disguised.tflite')));
  assert.deepEqual(
    m.flex.map((u) => [u.customCode, u.nodeOp]),
    [['FlexIdentity', 'ReadFile']],
  );
  const out = await scan('flex-disguised.tflite');
  assert.equal(out.verdict, 'malicious');
  assert.ok(out.findings.some((f) => f.code === 'MG-SCAN-353'));
});

test('Flex ops: dangerous ones malicious, others unverified, a renamed one suspicious, unreadable unverified', () => {
  const flex = (customCode: string, nodeOp?: string) => ({ customCode, subgraph: 0, operator: 0, nodeOp });
  const custom = (name: string) => ({ builtin: 32, customCode: name });
  assert.equal(verdictOf(model({ opCodes: [custom('FlexPyFunc')], flex: [flex('FlexPyFunc', 'PyFunc')] })), 'malicious');
  assert.equal(verdictOf(model({ opCodes: [custom('FlexAddV2')], flex: [flex('FlexAddV2', 'AddV2')] })), 'unverified');
  assert.deepEqual(codesOf(model({ opCodes: [custom('FlexAddV2')], flex: [flex('FlexAddV2', 'AddV2')] })), ['MG-SCAN-352', 'MG-SCAN-358']);
  assert.equal(verdictOf(model({ opCodes: [custom('FlexAddV2')], flex: [flex('FlexAddV2', 'Mul')] })), 'suspicious');
  assert.equal(verdictOf(model({ opCodes: [custom('FlexAddV2')], flex: [flex('FlexAddV2')] })), 'unverified');
}); // prettier-ignore

test('custom ops need the app’s kernel unless the stock resolver registers them', async () => {
  assert.equal((await scan('custom-op.tflite')).verdict, 'unverified');
  const custom = (name: string) => model({ opCodes: [{ builtin: 32, customCode: name }] });
  assert.equal(verdictOf(custom('TFLite_Detection_PostProcess')), 'benign');
  assert.equal(verdictOf(custom('Mfcc')), 'benign');
  assert.equal(verdictOf(custom('MyKernel')), 'unverified');
  assert.deepEqual(codesOf(custom('MyKernel')), ['MG-SCAN-355', 'MG-SCAN-358']);
});

test('builtin codes past the known schema or placeholders are unverified', () => {
  assert.equal(verdictOf(model({ opCodes: [{ builtin: 209 }] })), 'benign');
  assert.equal(verdictOf(model({ opCodes: [{ builtin: 210 }] })), 'unverified');
  assert.equal(verdictOf(model({ opCodes: [{ builtin: 51 }] })), 'unverified');
  assert.equal(verdictOf(model({ opCodes: [{ builtin: 127 }] })), 'unverified');
  assert.equal(verdictOf(model({ opCodes: [{ builtin: -1 }] })), 'unverified');
});

test('a model past the reader’s caps is unverified', () => {
  assert.equal(verdictOf(model({ truncated: 'more than 500000 operators' })), 'unverified');
});

test('broken structure is invalid: truncated, operator code index out of range, buffer past the end', async () => {
  for (const name of ['truncated.tflite', 'bad-opcode-index.tflite', 'buffer-past-end.tflite']) {
    const out = await scan(name);
    assert.equal(out.verdict, 'invalid', name);
    assert.equal(out.findings[0]?.code, 'MG-SCAN-350');
  }
});

test('the sniffer wants TFL3 at bytes 4–7 and a root offset inside the file', async () => {
  const b = await load('dense.tflite');
  assert.ok(isTflite(b.subarray(0, 64), b.byteLength));
  const other = b.slice(0, 64);
  other[7] = 0x34; // "TFL4"
  assert.ok(!isTflite(other, b.byteLength));
  const far = b.slice(0, 64);
  new DataView(far.buffer).setUint32(0, b.byteLength + 8, true);
  assert.ok(!isTflite(far, b.byteLength));
});

test('flex options: the [name, NodeDef] flexbuffer the converter writes', async () => {
  // custom_options of the converter's FlexReadFile operator (tensorflow 2.21)
  const options = new Uint8Array([
    0x08, ...new TextEncoder().encode('ReadFile'), 0x00, 0x18, 0x12, 0x08, ...new TextEncoder().encode('ReadFile'),
    0x1a, 0x00, 0x32, 0x0a, 0x0a, 0x08, ...new TextEncoder().encode('ReadFile'), 0x00, 0x02, 0x24, 0x1b, 0x14,
    0x14, 0x04, 0x28, 0x01,
  ]); // prettier-ignore
  assert.deepEqual(await readFlexNodeDef(options), { name: 'ReadFile', op: 'ReadFile' });
  await assert.rejects(readFlexNodeDef(options.subarray(0, options.byteLength - 3)));
});
