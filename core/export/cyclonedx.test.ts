import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { loadProvenanceFixture } from '../provenance/fixtures-node.ts';
import { checkProvenance } from '../provenance/check.ts';
import { HF_TO_SPDX, toCycloneDx, uuidFromDigest } from './cyclonedx.ts';
import { ReportSchema, type Report } from '../report/schema.ts';

const require = createRequire(import.meta.url);
const SCHEMAS = join(require.resolve('@cyclonedx/cyclonedx-library/package.json'), '..', 'res', 'schema');

function readSchema(name: string): Record<string, unknown> {
  return JSON.parse(readFileSync(join(SCHEMAS, name), 'utf8')) as Record<string, unknown>;
}

/** bom-1.6 refers to `spdx.SNAPSHOT.schema.json` and `jsf-0.82.SNAPSHOT.schema.json` relative to its $id. */
function bomValidator() {
  const ajv = new Ajv({ strict: false, allErrors: true });
  (addFormats as unknown as (a: Ajv) => Ajv)(ajv);
  // ajv-formats has no IRI formats; an IRI is a URI that may hold non-ASCII characters.
  ajv.addFormat('iri-reference', /^[^\s<>"{}|\\^`]*$/u);
  ajv.addFormat('idn-email', /^[^\s@]+@[^\s@]+$/u);
  ajv.addSchema({
    ...readSchema('spdx.SNAPSHOT.schema.json'),
    $id: 'http://cyclonedx.org/schema/spdx.SNAPSHOT.schema.json',
  });
  ajv.addSchema({
    ...readSchema('jsf-0.82.SNAPSHOT.schema.json'),
    $id: 'http://cyclonedx.org/schema/jsf-0.82.SNAPSHOT.schema.json',
  });
  return ajv.compile(readSchema('bom-1.6.SNAPSHOT.schema.json'));
}
const validate = bomValidator();

const load = loadProvenanceFixture;

const hex = (c: string) => c.repeat(64);

/** The behavior record's full schema belongs to core/probe; only the fields the BOM reads are set here. */
function report(extra: { behavior?: unknown } = {}): Report {
  const { behavior: b, ...rest } = extra;
  const parsed = ReportSchema.parse({
    schema: 'modelgate.report/v1',
    createdAt: '2026-01-02T03:04:05.000Z',
    tool: { name: 'modelgate', version: '0.1.0' },
    environment: { runtime: 'node' },
    subject: {
      name: 'acme/tiny-support',
      files: [
        { path: 'model.safetensors', size: 1234, sha256: hex('a'), format: 'safetensors', scan: { verdict: 'benign' } },
        { path: 'config.json', size: 200, sha256: hex('b') },
        { path: 'README.md', size: 900, sha256: hex('c') },
      ],
      rootDigest: '0123456789abcdef'.repeat(4),
    },
    verdict: 'pass',
    checks: [],
    findings: [],
    ...rest,
  });
  return b === undefined ? parsed : ({ ...parsed, behavior: b } as Report);
}

const behavior = {
  probeset: 'demo',
  categories: [
    { category: 'violence', n: 40, baseRate: 0.9, ftRate: 0.7, delta: -0.2, ci: [-0.31, -0.09] },
    { category: 'benign-control', n: 40, baseRate: 0.05, ftRate: 0.05, delta: 0, ci: [-0.05, 0.05] },
  ],
};

test('the ML-BOM of a complete card validates against the CycloneDX 1.6 JSON schema', async () => {
  const r = await checkProvenance({ files: load('complete'), baseFiles: load('base') });
  const bom = toCycloneDx(report({ behavior }), r.provenance, { card: r.card!, approach: 'supervised' });
  assert.equal(validate(bom), true, JSON.stringify(validate.errors, null, 1));

  const meta = bom.metadata as Record<string, any>;
  assert.equal(bom.specVersion, '1.6');
  assert.equal(bom.serialNumber, `urn:uuid:${uuidFromDigest('0123456789abcdef'.repeat(4))}`);
  assert.equal(meta.timestamp, '2026-01-02T03:04:05.000Z');
  const c = meta.component;
  assert.equal(c.type, 'machine-learning-model');
  assert.deepEqual(c.licenses, [{ license: { id: 'Apache-2.0' } }]);
  assert.deepEqual(c.hashes, [{ alg: 'SHA-256', content: '0123456789abcdef'.repeat(4) }]);
  assert.equal(c.pedigree.ancestors[0].name, 'acme/tiny-base');
  const mp = c.modelCard.modelParameters;
  assert.equal(mp.task, 'text-generation');
  assert.equal(mp.architectureFamily, 'llama');
  assert.equal(mp.modelArchitecture, 'LlamaForCausalLM');
  assert.equal(mp.datasets[0].type, 'dataset');
  assert.equal(
    mp.datasets[0].contents.url,
    'https://huggingface.co/datasets/acme/support-dialogs/tree/4f1c2a9e8b7d6c5f4e3d2c1b0a9f8e7d6c5b4a39',
  );
  const metrics = c.modelCard.quantitativeAnalysis.performanceMetrics as any[];
  const delta = metrics.find((m) => m.type === 'rate-delta' && m.slice === 'violence');
  assert.deepEqual(delta, {
    type: 'rate-delta',
    value: '-0.2',
    slice: 'violence',
    confidenceInterval: { lowerBound: '-0.31', upperBound: '-0.09' },
  });
  assert.match(c.modelCard.considerations.useCases[0], /support chat/);
  const files = bom.components as any[];
  assert.deepEqual(
    files.map((f) => [f.type, f.name, f.hashes[0].content]),
    [
      ['file', 'model.safetensors', hex('a')],
      ['file', 'config.json', hex('b')],
      ['file', 'README.md', hex('c')],
    ],
  );
});

test('sparse inputs still validate: no behavior, no provenance, no digests, a custom license', async () => {
  const bare = report();
  delete bare.subject.rootDigest;
  bare.subject.files = [{ path: 'weird name (1).bin', size: 0 }];
  const bom1 = toCycloneDx(bare, undefined);
  assert.equal(validate(bom1), true, JSON.stringify(validate.errors, null, 1));
  assert.match(String(bom1.serialNumber), /^urn:uuid:[0-9a-f-]{36}$/);

  const card =
    '---\nlicense: other\nlicense_name: acme-research\nlicense_link: https://acme.example/license\nbase_model: [a/b, c/d]\nbase_model_relation: merge\ndatasets: ["https://example.com/x.jsonl", "e/f"]\n---\n';
  const r = await checkProvenance({ files: [{ path: 'README.md', text: card }] });
  const bom2 = toCycloneDx(report(), r.provenance, { version: '1.0.0' });
  assert.equal(validate(bom2), true, JSON.stringify(validate.errors, null, 1));
  const c = (bom2.metadata as any).component;
  assert.deepEqual(c.licenses, [{ license: { name: 'acme-research', url: 'https://acme.example/license' } }]);
  assert.equal(c.pedigree.ancestors.length, 2);
  assert.equal(c.version, '1.0.0');
});

test('the validator is not a rubber stamp: broken BOMs are rejected', async () => {
  const r = await checkProvenance({ files: load('complete') });
  const good = toCycloneDx(report({ behavior }), r.provenance);
  assert.equal(validate(good), true);
  const broken: any[] = [
    { ...good, specVersion: 1.6 },
    { ...good, serialNumber: 'not-a-uuid' },
    { ...good, unknownTopLevel: true },
    structuredClone(good),
    structuredClone(good),
    structuredClone(good),
  ];
  broken[3].metadata.component.type = 'ml-model';
  broken[4].metadata.component.licenses = [{ license: { id: 'Not-A-Real-SPDX-Id' } }];
  broken[5].metadata.component.modelCard.modelParameters.datasets[0].type = 'corpus';
  for (const [i, b] of broken.entries()) assert.equal(validate(b), false, `broken BOM #${i} was accepted`);
});

test('every Hub license id the BOM maps is a real SPDX id', () => {
  const spdx = new Set(readSchema('spdx.SNAPSHOT.schema.json').enum as string[]);
  for (const [hub, id] of Object.entries(HF_TO_SPDX)) assert.ok(spdx.has(id), `${hub} → ${id} is not in the SPDX list`);
});

test('only web links enter the BOM: javascript:, data: and spaced "URLs" from a card are dropped', async () => {
  const card =
    '---\nlicense: mit\nbase_model: ["javascript:alert(1)", "https://example.com/base model", "org/base"]\ndatasets: [{id: evil, url: "javascript:alert(document.domain)"}, {id: worse, url: "data:text/html,<script>alert(1)</script>"}, "https://example.com/x.jsonl"]\n---\n';
  const r = await checkProvenance({ files: [{ path: 'README.md', text: card }] });
  const bom = toCycloneDx(report(), r.provenance);
  assert.equal(validate(bom), true, JSON.stringify(validate.errors, null, 1));
  const text = JSON.stringify(bom);
  assert.doesNotMatch(text, /"url":"(javascript|data):/i);
  const urls = [...text.matchAll(/"url":"([^"]+)"/g)].map((m) => m[1]);
  for (const url of urls) assert.match(url!, /^https:\/\/\S+$/);
  assert.ok(urls.includes('https://example.com/x.jsonl'));
  assert.ok(urls.includes('https://huggingface.co/org/base'));
});
