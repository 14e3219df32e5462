import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parseDocument } from 'yaml';
import {
  CardParseError,
  MAX_YAML_DEPTH,
  modelCardMeta,
  parseCard,
  yamlNestingDepth,
  type OversizedField,
} from './card.ts';
import { checkProvenance } from './check.ts';
import { checkFolderProvenance, type FolderText } from './inputs.ts';
import { ProvenanceSchema } from './schema.ts';

/** test/fixtures/hostile (scripts/gen_hostile_folders.mjs): each folder attacks one parser. */
const HOSTILE = fileURLToPath(new URL('../../test/fixtures/hostile/', import.meta.url));

function folder(name: string): FolderText {
  const root = join(HOSTILE, name);
  const files: { path: string; size: number }[] = [];
  const walk = (d: string) => {
    for (const entry of readdirSync(d)) {
      const p = join(d, entry);
      if (statSync(p).isDirectory()) walk(p);
      else files.push({ path: relative(root, p).split('\\').join('/'), size: statSync(p).size });
    }
  };
  walk(root);
  return { files, readText: async (path) => readFileSync(join(root, path), 'utf8') };
}

const card = (front: string, body = '# Model\n') => ({ path: 'README.md', text: `---\n${front}\n---\n${body}` });
const codes = (findings: { code: string }[]) => findings.map((f) => f.code);

test('hostile/long-license: a 500-character license id is a finding naming the file and field, not a schema error', async () => {
  const r = await checkFolderProvenance(folder('long-license'));
  assert.ok(r);
  const f = r.findings.find((x) => x.code === 'MG-PROV-019');
  assert.ok(f, JSON.stringify(r.findings));
  assert.equal(f.file, 'README.md');
  assert.match(f.detail, /^README\.md: `license` is 500 characters long, more than the 200 ModelGate reads/);
  assert.equal(r.provenance.license?.id.length, 200);
  assert.ok(r.provenance.license?.id.startsWith('apache-2.0-xxx'));
  // The rest of the card was read, and the record is a valid Report section.
  assert.deepEqual(r.provenance.baseModels, ['modelgate/tiny-base']);
  assert.equal(r.check.status, 'review');
  ProvenanceSchema.parse(r.provenance);
});

test('a license over the card reader’s own limit (2000) is cut too: the card is still read', async () => {
  const r = await checkProvenance({
    files: [card(`license: ${'x'.repeat(3000)}\nbase_model: acme/base\ndatasets: [acme/data@v1]`)],
  });
  assert.ok(!codes(r.findings).includes('MG-PROV-017'), JSON.stringify(r.findings));
  const cut = r.findings.filter((f) => f.code === 'MG-PROV-019').map((f) => f.detail);
  assert.deepEqual(cut, [
    'README.md:2: `license` is 3000 characters long, more than the 2000 ModelGate reads; it was cut to 2000 characters.',
    'README.md: `license` is 2000 characters long, more than the 200 ModelGate reads; it was cut to 200 characters.',
  ]);
  assert.deepEqual(r.provenance.baseModels, ['acme/base']);
  assert.equal(r.provenance.datasets[0]?.id, 'acme/data');
});

test('too many base models, a too-long relation and dataset id: each cut and named, nothing thrown', async () => {
  const bases = Array.from({ length: 150 }, (_, i) => `  - acme/base-${i}`).join('\n');
  const r = await checkProvenance({
    files: [
      card(
        `license: mit\nbase_model:\n${bases}\nbase_model_relation: ${'f'.repeat(150)}\ndatasets:\n  - id: ${'d'.repeat(1500)}\n    revision: abc`,
      ),
    ],
  });
  const details = r.findings.filter((f) => f.code === 'MG-PROV-019').map((f) => f.detail);
  assert.deepEqual(details, [
    'README.md:3: `base_model` lists 150 entries, more than the 100 ModelGate reads; only the first 100 were read.',
    'README.md: `base_model_relation` is 150 characters long, more than the 100 ModelGate reads; it was cut to 100 characters.',
    'README.md: `datasets[].id` is 1500 characters long, more than the 1000 ModelGate reads; it was cut to 1000 characters.',
  ]);
  assert.equal(r.provenance.baseModels.length, 100);
  ProvenanceSchema.parse(r.provenance);
});

test('a field of the wrong type is still a card that could not be read (MG-PROV-017), as before', () => {
  const c = parseCard('README.md', '---\nlicense: {a: 1}\n---\n');
  const cut: OversizedField[] = [];
  assert.throws(
    () => modelCardMeta(c, undefined, (f) => cut.push(f)),
    (e: unknown) => e instanceof CardParseError && /`license`/.test(e.message),
  );
  assert.deepEqual(cut, []);
});

test('YAML front matter nested past the bound is refused in plain words, without a stack overflow', async () => {
  const deepFlow = `license: mit\nx: ${'['.repeat(100_000)}${']'.repeat(100_000)}`;
  assert.throws(
    () => parseCard('README.md', `---\n${deepFlow}\n---\n`),
    (e: unknown) =>
      e instanceof CardParseError &&
      e.message === `README.md:1: YAML front matter nested deeper than ${MAX_YAML_DEPTH} levels`,
  );
  const deepBlock = Array.from({ length: 300 }, (_, i) => `${' '.repeat(i)}a${i}:`).join('\n');
  assert.throws(() => parseCard('README.md', `---\n${deepBlock}\n---\n`), /nested deeper than 64 levels/);
  const seqs = `${'- '.repeat(5000)}1`;
  assert.throws(() => parseCard('README.md', `---\n${seqs}\n---\n`), /nested deeper than 64 levels/);
  // In the provenance check it is the card's metadata that could not be read, and the report goes on.
  const r = await checkProvenance({ files: [card(deepFlow)] });
  const f = r.findings.find((x) => x.code === 'MG-PROV-017');
  assert.match(f?.detail ?? '', /nested deeper than 64 levels/);
  // At the bound it is read.
  const atBound = `x: ${'['.repeat(MAX_YAML_DEPTH - 1)}${']'.repeat(MAX_YAML_DEPTH - 1)}`;
  assert.ok(parseCard('README.md', `---\n${atBound}\n---\n`).meta.x);
});

test('the YAML depth is the depth of what the yaml package builds (block, flow, keys, anchors, block scalars)', () => {
  const depthOf = (v: unknown): number =>
    Array.isArray(v)
      ? 1 + Math.max(0, ...v.map(depthOf))
      : v && typeof v === 'object'
        ? 1 + Math.max(0, ...Object.values(v).map(depthOf))
        : 0;
  const samples = [
    'a: 1',
    'a:\n  b:\n    - c\n    - [d, {e: [f]}]\n',
    'model-index:\n- name: m\n  results:\n  - task: {type: t}\n    dataset:\n      name: d\n      revision: r\n    metrics:\n    - type: acc\n      value: 0.9\n',
    'a: &x {b: [1, {c: d}]}\nq: |\n  [[[[ {{{\n  - - -\nr: "[[[["\ns: \'{{\'\n',
    '- - - - x\n',
    'a: b [c [d\n',
    '',
  ];
  for (const s of samples) assert.equal(yamlNestingDepth(s), depthOf(parseDocument(s).toJS()), s);
  // A collection as a key is composed as deeply as any other, though JavaScript reads it as a string.
  assert.equal(yamlNestingDepth('? [a, [b]]\n: v\n'), 3);
});

test('hostile/deep-tokenizer: config.json and tokenizer.json past the nesting bound are findings naming them', async () => {
  const r = await checkFolderProvenance(folder('deep-tokenizer'));
  assert.ok(r);
  const unreadable = r.findings.filter((f) => f.code === 'MG-PROV-020');
  assert.deepEqual(
    unreadable.map((f) => [f.file, f.detail]),
    [
      ['config.json', 'config.json: nested deeper than 256 levels.'],
      ['tokenizer.json', 'tokenizer.json: nested deeper than 256 levels.'],
    ],
  );
  assert.equal(r.check.status, 'review');
});

test('with a base: a deep tokenizer.json on either side is named, and the comparison does not overflow', async () => {
  const deep = (n: number) => `{"model": {"type": "WordLevel", "vocab": ${'['.repeat(n)}${']'.repeat(n)}}}`;
  const r = await checkProvenance({
    files: [card('license: mit\nbase_model: acme/base'), { path: 'tokenizer.json', text: deep(100_000) }],
    baseFiles: [
      { path: 'tokenizer.json', text: deep(3) },
      { path: 'config.json', text: `{"a": ${deep(300)}}` },
    ],
  });
  assert.equal(r.provenance.base?.tokenizer, 'mismatch');
  assert.deepEqual(
    r.findings.filter((f) => f.code === 'MG-PROV-020').map((f) => [f.file, f.detail]),
    [
      [undefined, "The base model's config.json: nested deeper than 256 levels."],
      ['tokenizer.json', 'tokenizer.json: nested deeper than 256 levels.'],
    ],
  );
});

test('a config.json value over the Report’s limit is cut and named as config.json’s field', async () => {
  const r = await checkProvenance({
    files: [
      card('license: mit\nbase_model: acme/base'),
      { path: 'config.json', text: JSON.stringify({ model_type: 'm'.repeat(300), architectures: ['A'.repeat(250)] }) },
    ],
  });
  assert.deepEqual(
    r.findings.filter((f) => f.code === 'MG-PROV-019').map((f) => [f.file, f.detail]),
    [
      [
        'config.json',
        'config.json: `model_type` is 300 characters long, more than the 200 ModelGate reads; it was cut to 200 characters.',
      ],
      [
        'config.json',
        'config.json: `architectures` is 250 characters long, more than the 200 ModelGate reads; it was cut to 200 characters.',
      ],
    ],
  );
  assert.equal(r.provenance.model?.modelType, 'm'.repeat(200));
});
