import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { memorySource } from '../io/byte-source.ts';
import { looksLikeOnnx } from './onnx.ts';
import { looksLikeTableFile } from './tf-bundle.ts';
import {
  looksLikeFingerprint,
  looksLikeGraphDef,
  looksLikeKerasMetadata,
  looksLikeMetaGraph,
  looksLikeSavedModel,
} from './tf-sniff.ts';

const T = 'test/fixtures/formats/tensorflow/';

async function sniffs(path: string): Promise<string[]> {
  const b = new Uint8Array(await readFile(path));
  const head = b.subarray(0, 4096);
  const hits: [string, boolean][] = [
    ['savedmodel', looksLikeSavedModel(head)],
    ['metagraph', looksLikeMetaGraph(head)],
    ['graphdef', looksLikeGraphDef(head)],
    ['keras-metadata', looksLikeKerasMetadata(head)],
    ['fingerprint', looksLikeFingerprint(head, b.byteLength)],
    ['index', await looksLikeTableFile(memorySource(path, b))],
    ['onnx', looksLikeOnnx(head)],
  ];
  return hits.filter(([, hit]) => hit).map(([name]) => name);
}

// Each file is claimed by exactly its own sniffer: the sniffers are disjoint from each other and from ONNX.
const expected: [string, string[]][] = [
  [T + 'module/saved_model.pb', ['savedmodel']],
  [T + 'keras2/saved_model.pb', ['savedmodel']],
  [T + 'malformed/length-bomb-saved_model.pb', ['savedmodel']],
  [T + 'metagraph/model.ckpt.meta', ['metagraph']],
  [T + 'frozen/graph.pb', ['graphdef']],
  [T + 'frozen/custom-op.pb', ['graphdef']],
  [T + 'keras2/keras_metadata.pb', ['keras-metadata']],
  [T + 'module/fingerprint.pb', ['fingerprint']],
  [T + 'module/variables/variables.index', ['index']],
  [T + 'module/variables/variables.data-00000-of-00001', []],
  [T + 'malformed/truncated-variables.index', []],
  ['public/demo/tiny-sentiment/onnx/model.onnx', ['onnx']],
  ['core/formats/testdata/validators/onnx/benign.onnx', ['onnx']],
];

for (const [path, want] of expected) {
  test(`${path} is sniffed as ${want.join(', ') || 'nothing of TensorFlow'}`, async () => {
    assert.deepEqual(await sniffs(path), want);
  });
}

test('ONNX with producer_name still sniffs as ONNX; a SavedModel header does not', () => {
  const onnx = new Uint8Array([0x08, 0x07, 0x12, 0x07, ...new TextEncoder().encode('pytorch'), 0x1a, 0x03]);
  assert.ok(looksLikeOnnx(onnx));
  const saved = new Uint8Array([0x08, 0x01, 0x12, 0x05, 0x0a, 0x03, 0x12, 0x01, 0x0a]);
  assert.ok(!looksLikeOnnx(saved));
  assert.ok(looksLikeSavedModel(saved));
});

test('text that happens to start like a protobuf is not claimed', () => {
  const text = new TextEncoder().encode('\n "a quoted line that is longer than the first length byte says"\nmore\n');
  assert.ok(!looksLikeMetaGraph(text) && !looksLikeGraphDef(text) && !looksLikeKerasMetadata(text));
  assert.ok(!looksLikeFingerprint(text, text.byteLength) && !looksLikeSavedModel(text));
});

test('a field that runs past its message inside the first bytes is not a cut-off file', () => {
  // meta_graphs of 5 bytes whose meta_info_def declares 16, then a second, well-formed meta_graphs field
  const inner = [0x08, 0x01, 0x12, 0x05, 0x0a, 0x10, 0, 0, 0, 0x12, 0x03, 0x0a, 0x00, 0x00];
  assert.ok(!looksLikeSavedModel(new Uint8Array(inner)));
  assert.ok(looksLikeSavedModel(new Uint8Array([0x08, 0x01, 0x12, 0x40, 0x0a, 0x10, 0x12, 0x00])));
});

test('text starting with a newline is not a MetaGraph', () => {
  const text = new TextEncoder().encode('\n~"a tag that runs to the end of the first bytes of the file and on');
  assert.ok(!looksLikeMetaGraph(text));
});

test('SavedMetadata is claimed only with a Keras identifier', () => {
  const meta = (identifier: string) => {
    const id = [...new TextEncoder().encode(identifier)];
    const obj = [0x10, 0x01, 0x22, id.length, ...id];
    return new Uint8Array([0x0a, obj.length, ...obj]);
  };
  assert.ok(looksLikeKerasMetadata(meta('_tf_keras_layer')));
  assert.ok(!looksLikeKerasMetadata(meta('trackable_list_wrapper')));
});

test('a GraphDef whose first node has no valid op name is not claimed', () => {
  const node = (op: string) => {
    const name = [0x0a, 0x01, 0x6e];
    const o = [0x12, op.length, ...new TextEncoder().encode(op)];
    return new Uint8Array([0x0a, name.length + o.length, ...name, ...o]);
  };
  assert.ok(looksLikeGraphDef(node('Relu')));
  assert.ok(!looksLikeGraphDef(node('no spaces')));
  assert.ok(!looksLikeGraphDef(node('')));
});
