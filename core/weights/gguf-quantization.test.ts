import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { z } from 'zod';
import { memorySource, type ByteSource } from '../io/byte-source.ts';
import { readGgufHeader } from '../formats/gguf.ts';
import { compareWeights } from './compare-weights.ts';
import { lineageCheck } from './lineage-check.ts';
import { LineageSchema } from './lineage-schema.ts';
import { QUANTIZATION_BANDS } from './quantization-bands.ts';

/**
 * GGUF quantizations of a Llama checkpoint, written by gguf-py through the converter's own name table and Q/K
 * permutation (scripts/gen_gguf_fixtures.py), against the checkpoint in safetensors. The oracle for every
 * figure is numpy over gguf-py's dequantizer (expected.json): the TypeScript diff must find the same relative
 * error per tensor, which it can only do if names, permutation and blocks are all read right.
 */

const DIR = new URL('../../test/fixtures/gguf-quant/', import.meta.url);
const Expected = z.object({
  files: z.record(
    z.string(),
    z.object({
      type: z.string(),
      tensors: z
        .record(z.string(), z.object({ type: z.string(), relError: z.number(), cosine: z.number() }))
        .optional(),
    }),
  ),
});
const EXPECTED = Expected.parse(JSON.parse(readFileSync(new URL('expected.json', DIR), 'utf8')));

function source(path: string, name = path): ByteSource {
  return memorySource(name, new Uint8Array(readFileSync(new URL(path, DIR))));
}

const BASE = readdirSync(new URL('base/', DIR)).map((f) => source(`base/${f}`, f));

async function compare(file: string, bytes?: Uint8Array) {
  const gguf = bytes ? memorySource(file, bytes) : source(file);
  const { lineage } = await compareWeights(BASE, [gguf]);
  LineageSchema.parse(lineage);
  return { lineage, ...lineageCheck(lineage) };
}

const QUANTIZED_TYPES = Object.keys(QUANTIZATION_BANDS);

for (const type of QUANTIZED_TYPES) {
  test(`base-${type}.gguf is a quantization of the base, tensor by tensor as numpy measures it`, async () => {
    const file = `base-${type}.gguf`;
    const { lineage, check, findings } = await compare(file);
    assert.equal(lineage.verdict, 'quantized', lineage.summary);
    assert.equal(check.status, 'pass');
    assert.deepEqual(findings, []);
    assert.deepEqual(
      lineage.quantization?.types.map((t) => [t.type, t.offGrid]),
      [[type, 0]],
    );
    assert.equal(lineage.ggufTokenizer?.result, 'same', lineage.ggufTokenizer?.detail);
    const expected = EXPECTED.files[file]!.tensors!;
    assert.equal(lineage.tensors.length, Object.keys(expected).length);
    for (const t of lineage.tensors) {
      const want = expected[t.name]!;
      // f32 decoding vs numpy's float64 sums: agreement to 1e-6 of the error, or 1e-9 absolute for exact copies.
      assert.ok(
        Math.abs(t.relChange! - want.relError) <= 1e-6 * want.relError + 1e-9,
        `${t.name}: ${t.relChange} vs ${want.relError}`,
      );
    }
  });
}

for (const type of ['Q8_0', 'Q4_K', 'Q6_K']) {
  test(`finetune-${type}.gguf (a light fine-tune, then quantized) is derived, not a quantization: values off the grid`, async () => {
    const { lineage, check, findings } = await compare(`finetune-${type}.gguf`);
    assert.equal(lineage.verdict, 'derived', lineage.summary);
    assert.ok(lineage.quantization!.types[0]!.offGrid > 0);
    assert.match(lineage.summary, /Not a plain quantization of the base/);
    assert.deepEqual(
      findings.map((f) => f.code),
      ['MG-LIN-006'],
    );
    assert.equal(check.status, 'review');
  });

  test(`other-${type}.gguf (another model, same type) is different weights: unrelated`, async () => {
    const { lineage, check } = await compare(`other-${type}.gguf`);
    assert.equal(lineage.verdict, 'unrelated', lineage.summary);
    assert.equal(check.status, 'fail');
  });
}

test('the light fine-tune of Q4_K stays inside the Q4_K error band: only the grid tells it apart', () => {
  const errors = Object.values(EXPECTED.files['finetune-Q4_K.gguf']!.tensors!)
    .filter((t) => t.type === 'Q4_K')
    .map((t) => t.relError);
  assert.ok(Math.max(...errors) < QUANTIZATION_BANDS.Q4_K!.limit, `${Math.max(...errors)}`);
});

test('a GGUF file in a quantization that is not decoded says so: unverified, never a quantization or a replaced layer', async () => {
  const { lineage, check, findings } = await compare('base-IQ4_NL.gguf');
  assert.equal(lineage.verdict, 'unverified', lineage.summary);
  assert.deepEqual(lineage.onlyInBase, []);
  assert.ok(lineage.notCompared!.some((n) => /unsupported quantization: GGUF type IQ4_NL/.test(n.reason)));
  assert.ok(findings.some((f) => f.code === 'MG-LIN-005'));
  assert.equal(check.status, 'error');
});

test('a GGUF tokenizer with swapped token strings is named, and the quantization is reviewed', async () => {
  const { lineage, check, findings } = await compare('base-Q8_0-bad-tokenizer.gguf');
  assert.equal(lineage.verdict, 'quantized');
  assert.equal(lineage.ggufTokenizer?.result, 'different');
  assert.equal(lineage.ggufTokenizer?.differingTokens, 2);
  assert.ok(findings.some((f) => f.code === 'MG-LIN-007'));
  assert.equal(check.status, 'review');
});

test('a GGUF architecture without a name table compares nothing: unverified, an error, not unrelated', async () => {
  const bytes = new Uint8Array(readFileSync(new URL('base-Q8_0.gguf', DIR)));
  // general.architecture "llama" → "gemma": same length, so every offset stays valid.
  const at = Buffer.from(bytes).indexOf(Buffer.from('general.architecture'));
  const value = Buffer.from(bytes).indexOf(Buffer.from('llama'), at);
  bytes.set(Buffer.from('gemma'), value);
  const { lineage, check } = await compare('renamed.gguf', bytes);
  assert.equal(lineage.verdict, 'unverified', lineage.summary);
  assert.equal(check.status, 'error');
  assert.match(lineage.summary, /name table/);
});

test('without the Q/K permutation undone, the attention weights of a llama GGUF would not match', async () => {
  const bytes = new Uint8Array(readFileSync(new URL('base-Q8_0.gguf', DIR)));
  // llama → qwen2 keeps the names (both mapped) but drops the permutation (qwen2 is stored unpermuted).
  const text = Buffer.from(bytes);
  const at = text.indexOf(Buffer.from('general.architecture'));
  const value = text.indexOf(Buffer.from('llama'), at);
  const renamed = new Uint8Array([
    ...bytes.subarray(0, value - 8),
    ...lengthPrefixed('qwen2'),
    ...bytes.subarray(value + 5),
  ]);
  const { lineage } = await compare('unpermuted.gguf', renamed);
  const qk = lineage.tensors.filter((t) => /[qk]_proj/.test(t.name));
  assert.equal(qk.length, 2);
  for (const t of qk) assert.ok(t.cosine! < 0.5, `${t.name}: cosine ${t.cosine}`);
  assert.notEqual(lineage.verdict, 'quantized');
});

function lengthPrefixed(s: string): Uint8Array {
  const out = new Uint8Array(8 + s.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(s.length), true);
  out.set(Buffer.from(s), 8);
  return out;
}

test('the fixtures carry the base’s hyperparameters: compared and the same', async () => {
  const { lineage } = await compare('base-Q6_K.gguf');
  assert.equal(lineage.ggufMetadata?.result, 'same', lineage.ggufMetadata?.detail);
});

test('another rope base in the GGUF metadata is named and reviewed, though the weights are the base’s', async () => {
  const bytes = new Uint8Array(readFileSync(new URL('base-Q8_0.gguf', DIR)));
  const key = Buffer.from(bytes).indexOf(Buffer.from('llama.rope.freq_base'));
  const valueAt = key + 'llama.rope.freq_base'.length + 4; // after the u32 value type (FLOAT32)
  new DataView(bytes.buffer).setFloat32(valueAt, 500000, true);
  const { lineage, check, findings } = await compare('rope.gguf', bytes);
  assert.equal(lineage.verdict, 'quantized');
  assert.equal(lineage.ggufMetadata?.result, 'different');
  assert.match(lineage.ggufMetadata!.detail, /llama\.rope\.freq_base is 500000, the base has 10000/);
  assert.ok(findings.some((f) => f.code === 'MG-LIN-008'));
  assert.equal(check.status, 'review');
});

test('one element of an unquantized GGUF tensor moved, far inside 5e-3 overall, is not a rounding of the base', async () => {
  const bytes = new Uint8Array(readFileSync(new URL('base-Q8_0.gguf', DIR)));
  const header = await readGgufHeader(memorySource('base-Q8_0.gguf', bytes));
  const norm = header.tensors.find((t) => t.name === 'output_norm.weight')!;
  const at = header.dataStart + Number(norm.offset);
  const view = new DataView(bytes.buffer, bytes.byteOffset);
  view.setFloat32(at, view.getFloat32(at, true) * 1.05, true);
  const { lineage, check, findings } = await compare('norm.gguf', bytes);
  assert.notEqual(lineage.verdict, 'quantized', lineage.summary);
  assert.ok(findings.some((f) => f.code === 'MG-LIN-006'));
  assert.equal(check.status, 'review');
});

test('a GGUF file as the base of a checkpoint is not held to "a conversion of the base"', async () => {
  const { lineage } = await compareWeights([source('base-Q8_0.gguf')], BASE);
  assert.equal(lineage.quantization, undefined);
  assert.equal(lineageCheck(lineage).findings.length, 0);
});

test('an all-F16 GGUF conversion is identical when every value rounds from the base, and reviewed when one does not', async () => {
  const lineageDir = new URL('../../test/fixtures/lineage/', import.meta.url);
  const read = (path: string) => new Uint8Array(readFileSync(new URL(path, lineageDir)));
  const base = [memorySource('model.safetensors', read('base/model.safetensors'))];
  const bytes = read('base-gguf/model.gguf');
  const honest = await compareWeights(base, [memorySource('model.gguf', bytes)]);
  assert.equal(honest.lineage.verdict, 'identical', honest.lineage.summary);
  // That folder has no tokenizer anywhere: said (MG-LIN-009), and nothing else.
  assert.deepEqual(
    lineageCheck(honest.lineage).findings.map((f) => f.code),
    ['MG-LIN-009'],
  );
  const header = await readGgufHeader(memorySource('model.gguf', bytes));
  const first = header.tensors[0]!;
  const at = header.dataStart + Number(first.offset);
  const view = new DataView(bytes.buffer, bytes.byteOffset);
  view.setUint16(at, view.getUint16(at, true) + 2, true); // two F16 ulps: no rounding of the base gives it
  const edited = await compareWeights(base, [memorySource('model.gguf', bytes)]);
  assert.equal(edited.lineage.verdict, 'identical', edited.lineage.summary);
  assert.ok(lineageCheck(edited.lineage).findings.some((f) => f.code === 'MG-LIN-006'));
});

test('several GGUF files, or GGUF beside safetensors, are refused: the file compared must be the one used', async () => {
  const empty = (name: string) => memorySource(name, new Uint8Array(0));
  await assert.rejects(
    compareWeights(BASE, [empty('a.gguf'), empty('b.gguf')]),
    /several GGUF files \(a\.gguf, b\.gguf\)/,
  );
  await assert.rejects(
    compareWeights(BASE, [empty('a.gguf'), empty('model.safetensors')]),
    /a\.gguf sits beside safetensors weights/,
  );
});

test('a base folder without tokenizer.json leaves the GGUF tokenizer unknown: reviewed, not passed', async () => {
  const { lineage } = await compareWeights(
    BASE.filter((f) => f.name !== 'tokenizer.json'),
    [source('base-Q4_K.gguf')],
  );
  assert.equal(lineage.verdict, 'quantized');
  const { check, findings } = lineageCheck(lineage);
  assert.deepEqual(
    findings.map((f) => f.code),
    ['MG-LIN-009'],
  );
  assert.equal(check.status, 'review');
});

test('an ordinary token marked CONTROL, and an EOS id the base does not name, are differences', async () => {
  const bytes = new Uint8Array(readFileSync(new URL('base-Q8_0.gguf', DIR)));
  const header = await readGgufHeader(memorySource('base-Q8_0.gguf', bytes));
  const types = header.kvs.find((k) => k.key === 'tokenizer.ggml.token_type')!;
  // key (u64 length + bytes), value type, array type, array length, then one i32 per token: token 100 → CONTROL.
  const first = types.offset + 8 + 'tokenizer.ggml.token_type'.length + 4 + 4 + 8;
  const view = new DataView(bytes.buffer, bytes.byteOffset);
  view.setInt32(first + 100 * 4, 3, true);
  const eos = header.kvs.find((k) => k.key === 'tokenizer.ggml.eos_token_id')!;
  view.setUint32(eos.offset + 8 + 'tokenizer.ggml.eos_token_id'.length + 4, 7, true);
  const { lineage } = await compareWeights(BASE, [memorySource('special.gguf', bytes)]);
  assert.equal(lineage.ggufTokenizer?.result, 'different');
  assert.match(lineage.ggufTokenizer!.detail, /1 ordinary token\(s\) marked CONTROL/);
  assert.match(lineage.ggufMetadata!.detail, /tokenizer\.ggml\.eos_token_id is 7, the base names 0/);
});

for (const type of ['Q8_0', 'Q4_0']) {
  test(`the portal's Llama demo base in ${type} is recognised as its quantization`, async () => {
    const demoDir = new URL('../../public/demo/llama-code-base/', import.meta.url);
    const demo = readdirSync(demoDir).map((f) => memorySource(f, new Uint8Array(readFileSync(new URL(f, demoDir)))));
    const file = `demo-llama-code-${type}.gguf`;
    const { lineage } = await compareWeights(demo, [source(file)]);
    const { check, findings } = lineageCheck(lineage);
    assert.equal(lineage.verdict, 'quantized', lineage.summary);
    assert.deepEqual(findings, []);
    assert.equal(check.status, 'pass');
    const expected = z
      .object({
        files: z.record(z.string(), z.object({ tensors: z.record(z.string(), z.object({ relError: z.number() })) })),
      })
      .parse(JSON.parse(readFileSync(new URL('demo-expected.json', DIR), 'utf8'))).files[file]!.tensors;
    for (const t of lineage.tensors) {
      const want = expected[t.name]!.relError;
      assert.ok(Math.abs(t.relChange! - want) <= 1e-6 * want + 1e-9, `${t.name}: ${t.relChange} vs ${want}`);
    }
  });
}
