import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadProvenanceFixture, PROVENANCE_FIXTURES } from './fixtures-node.ts';
import { checkProvenance } from './check.ts';
import { CardParseError, parseCard } from './card.ts';
import { summarizeDatasetCard } from './dataset-card.ts';
import { PROVENANCE_CODES } from './codes.ts';
import { assembleReport } from '../verify/assemble-report.ts';
import { ReportSchema } from '../report/schema.ts';

const FIXTURES = PROVENANCE_FIXTURES;

const load = loadProvenanceFixture;

const codes = (findings: { code: string }[]) => findings.map((f) => f.code).sort();
const atLeastMedium = (f: { severity: string }) => ['critical', 'high', 'medium'].includes(f.severity);

test('a complete card with dataset card, datasheet and matching base passes with nothing ≥ medium', async () => {
  const r = await checkProvenance({ files: load('complete'), baseFiles: load('base') });
  assert.deepEqual(r.findings.filter(atLeastMedium), [], JSON.stringify(r.findings, null, 1));
  assert.equal(r.check.status, 'pass');
  assert.equal(r.provenance.status, 'pass');
  assert.deepEqual(r.provenance.baseModels, ['acme/tiny-base']);
  assert.equal(r.provenance.relation, 'finetune');
  assert.equal(r.provenance.license?.id, 'apache-2.0');
  const [ds] = r.provenance.datasets;
  assert.equal(ds?.id, 'acme/support-dialogs');
  assert.equal(ds?.revision, '4f1c2a9e8b7d6c5f4e3d2c1b0a9f8e7d6c5b4a39');
  assert.equal(ds?.card?.file, 'datasets/support-dialogs/README.md');
  assert.deepEqual(ds?.card?.missing, []);
  assert.equal(r.provenance.otherCards?.[0]?.file, 'datasheet.md');
  assert.deepEqual(r.provenance.otherCards?.[0]?.missing, []);
  assert.equal(r.provenance.base?.config, 'match');
  assert.equal(r.provenance.base?.tokenizer, 'match', 'same tokenizer in another key order and layout');
  assert.deepEqual(r.provenance.model, {
    task: 'text-generation',
    modelType: 'llama',
    architecture: 'LlamaForCausalLM',
  });
  assert.ok(r.provenance.completeness.score >= 85, `score ${r.provenance.completeness.score}`);
  assert.equal(r.provenance.completeness.profile, 'advanced');
  assert.equal(r.card?.sections.find((s) => s.title === 'Uses')?.text.startsWith('Answering questions'), true);
});

test('a card without base_model, license or dataset revisions gets high and medium findings', async () => {
  const r = await checkProvenance({ files: load('missing-fields') });
  assert.deepEqual(codes(r.findings), [
    'MG-PROV-001',
    'MG-PROV-003',
    'MG-PROV-006',
    'MG-PROV-006',
    'MG-PROV-012',
    'MG-PROV-012',
  ]);
  assert.equal(r.check.status, 'review');
  for (const f of r.findings) {
    assert.equal(f.severity, PROVENANCE_CODES[f.code as keyof typeof PROVENANCE_CODES].severity);
    assert.ok(f.remedy && f.remedy.length > 10, `${f.code} has a remedy`);
  }
  assert.deepEqual(
    r.provenance.datasets.map((d) => d.id),
    ['acme/reviews', 'https://example.com/data/reviews-extra.jsonl'],
  );
  assert.ok(r.provenance.completeness.missing.includes('base_model'));
  assert.ok(r.provenance.completeness.score < 40);
});

test('a card with no datasets at all, and one with `license: other` lacking a link', async () => {
  const card = '---\nlicense: other\nlicense_name: acme\nbase_model: a/b\nbase_model_relation: merge\n---\n# x\n';
  const r = await checkProvenance({ files: [{ path: 'README.md', text: card }] });
  assert.deepEqual(codes(r.findings), ['MG-PROV-004', 'MG-PROV-005']);
  assert.ok(r.findings.every((f) => f.severity === 'high'));
});

test('base_model_relation missing or invalid is low', async () => {
  const card = '---\nlicense: mit\nbase_model: a/b\nbase_model_relation: distilled\ndatasets: ["d/e@abc1234"]\n---\n';
  const r = await checkProvenance({ files: [{ path: 'README.md', text: card }] });
  const rel = r.findings.find((f) => f.code === 'MG-PROV-002');
  assert.equal(rel?.severity, 'low');
  assert.match(rel!.detail, /distilled/);
});

test('pretraining from scratch needs no base_model', async () => {
  const r = await checkProvenance({ files: load('from-scratch') });
  assert.equal(r.provenance.fromScratch, true);
  assert.ok(!r.findings.some((f) => f.code === 'MG-PROV-001' || f.code === 'MG-PROV-002'));
  assert.equal(r.provenance.datasets[0]?.sha256?.length, 64, 'a content hash pins the dataset');
  assert.ok(!r.findings.some((f) => f.code === 'MG-PROV-006'));
});

test('template leftovers are reported with where they are; empty sections count as missing', async () => {
  const r = await checkProvenance({ files: load('template-leftovers') });
  const left = r.findings.filter((f) => f.code === 'MG-PROV-013');
  assert.deepEqual(left.map((f) => f.file).sort(), ['README.md', 'datasets/web-crawl/README.md']);
  const ds = left.find((f) => f.file === 'datasets/web-crawl/README.md')!;
  assert.match(ds.detail, /7 “\[More Information Needed\]”/);
  assert.match(ds.detail, /Personal and Sensitive Information/);
  const occ = (ds.evidence as { occurrences: { line: number; section?: string }[] }).occurrences;
  assert.deepEqual(occ[0], { line: 13, section: 'Dataset Sources' });
  const card = r.provenance.datasets[0]?.card;
  assert.equal(card?.leftovers, 7);
  assert.deepEqual(card?.missing, ['source', 'collection', 'preprocessing', 'pii', 'bias', 'intendedUse']);
  assert.ok(card?.present.includes('freezeDate'), 'the pinned revision (name@rev) freezes the data');
  assert.deepEqual(codes(r.findings.filter((f) => f.severity !== 'low' && f.code !== 'MG-PROV-013')), [
    'MG-PROV-007',
    'MG-PROV-008',
    'MG-PROV-009',
    'MG-PROV-011',
  ]);
  assert.ok(r.provenance.completeness.missing.includes('model card section: intended uses'));
});

test('a datasheet dropped with the model is matched to the only dataset and checked', async () => {
  const r = await checkProvenance({ files: load('datasheet-only') });
  const d = r.provenance.datasets[0]!;
  assert.equal(d.card?.file, 'datasheet-notes.md');
  assert.equal(d.card?.kind, 'datasheet');
  const got = codes(r.findings);
  assert.deepEqual(got, ['MG-PROV-004', 'MG-PROV-006', 'MG-PROV-008', 'MG-PROV-009', 'MG-PROV-010', 'MG-PROV-011']);
  assert.match(r.findings.find((f) => f.code === 'MG-PROV-006')!.detail, /moving revision `main`/);
});

test('a base whose config and tokenizer differ: high findings and a failed check', async () => {
  const r = await checkProvenance({ files: load('complete'), baseFiles: load('base-mismatch') });
  const cfg = r.findings.find((f) => f.code === 'MG-PROV-014');
  assert.equal(cfg?.severity, 'high');
  assert.deepEqual(
    r.provenance.base?.mismatches.map((m) => m.field),
    ['architectures', 'model_type', 'hidden_size', 'num_hidden_layers', 'vocab_size'],
  );
  assert.equal(r.findings.find((f) => f.code === 'MG-PROV-015')?.severity, 'high');
  assert.equal(r.provenance.base?.tokenizer, 'mismatch');
  assert.notEqual(r.provenance.base?.tokenizerSha256?.model, r.provenance.base?.tokenizerSha256?.base);
  assert.equal(r.check.status, 'fail');
});

test('a vocabulary-only difference is high but only needs review; a new head on the same backbone matches', async () => {
  const model = {
    architectures: ['LlamaForSequenceClassification'],
    model_type: 'llama',
    hidden_size: 8,
    vocab_size: 12,
  };
  const base = { architectures: ['LlamaForCausalLM'], model_type: 'llama', hidden_size: 8, vocab_size: 10 };
  const card = '---\nlicense: mit\nbase_model: a/b\nbase_model_relation: finetune\ndatasets: ["d/e@abc1234"]\n---\n';
  const r = await checkProvenance({
    files: [
      { path: 'README.md', text: card },
      { path: 'config.json', text: JSON.stringify(model) },
    ],
    baseFiles: [{ path: 'config.json', text: JSON.stringify(base) }],
  });
  assert.deepEqual(
    r.provenance.base?.mismatches.map((m) => m.field),
    ['vocab_size'],
  );
  assert.equal(r.check.status, 'review');
  assert.ok(
    r.findings.some((f) => f.code === 'MG-PROV-018'),
    'tokenizer not compared is said',
  );
});

test('malformed YAML: a finding that names the file and the line, never a throw', async () => {
  const r = await checkProvenance({ files: load('malformed') });
  const f = r.findings.find((x) => x.code === 'MG-PROV-017');
  assert.ok(f);
  assert.equal(f.file, 'README.md');
  assert.match(f.detail, /^README\.md:\d+: malformed YAML/);
  assert.ok(!r.findings.some((x) => x.code === 'MG-PROV-001'), 'no noise from a card that could not be read');
  const text = readFileSync(join(FIXTURES, 'malformed/README.md'), 'utf8');
  assert.throws(
    () => parseCard('README.md', text),
    (e: unknown) => e instanceof CardParseError && e.file === 'README.md' && typeof e.line === 'number' && e.line >= 4,
  );
});

test('strict YAML: duplicate keys and wrongly typed fields are errors with a line', async () => {
  assert.throws(() => parseCard('x.md', '---\nlicense: mit\nlicense: apache-2.0\n---\n'), /x\.md:\d+: malformed YAML/);
  const r = await checkProvenance({
    files: [{ path: 'README.md', text: '---\nlicense: mit\nbase_model: {a: 1}\n---\n' }],
  });
  const f = r.findings.find((x) => x.code === 'MG-PROV-017');
  assert.match(f!.detail, /^README\.md:3: `base_model`/);
  assert.throws(() => parseCard('y.md', '---\nlicense: mit\n'), /y\.md:1: .*never closed/);
});

test('no model card at all', async () => {
  const r = await checkProvenance({ files: [{ path: 'config.json', text: '{}' }] });
  assert.deepEqual(codes(r.findings), ['MG-PROV-016']);
  assert.equal(r.check.status, 'review');
});

test('card sections: headings of every level, sub-sections roll up, code fences are not headings', () => {
  const c = parseCard('c.md', '# T\n\n## A\n\n### A1\ntext a1\n\n```\n# not a heading\n```\n## B\n<!-- hint -->\n');
  assert.deepEqual(
    c.sections.map((s) => [s.title, s.level, s.line, s.text !== '', s.fullText !== '']),
    [
      ['T', 1, 1, false, true],
      ['A', 2, 3, false, true],
      ['A1', 3, 5, true, true],
      ['B', 2, 11, false, false],
    ],
  );
  assert.equal(c.hasFrontMatter, false);
  const s = summarizeDatasetCard(c);
  assert.equal(s.kind, 'datasheet');
});

test('a provenance result enters the report as a check with its record', async () => {
  const r = await checkProvenance({ files: load('missing-fields') });
  const report = await assembleReport({
    name: 'acme/sentiment-mini',
    outcomes: [],
    environment: { runtime: 'node' },
    createdAt: new Date('2026-01-01T00:00:00Z'),
    results: [{ check: r.check, findings: r.findings, record: { provenance: r.provenance } }],
  });
  assert.equal(report.checks.filter((c) => c.id === 'provenance').length, 1);
  assert.equal(report.checks.find((c) => c.id === 'provenance')?.status, 'review');
  assert.equal(report.verdict, 'review');
  assert.deepEqual(report.provenance, r.provenance);
  assert.equal(ReportSchema.parse(report).provenance?.status, 'review');
  const bare = await assembleReport({ name: 'm', outcomes: [], environment: { runtime: 'node' } });
  assert.equal(report.findings.length, bare.findings.length + r.findings.length);
});

test('bad input is rejected at the boundary', async () => {
  await assert.rejects(() => checkProvenance({ files: [{ path: '', text: 'x' }] }));
  await assert.rejects(() => checkProvenance({ files: 'README.md' as never }));
});

test('hostile cards are handled in linear time', async () => {
  const big = 1_000_000;
  const cards = [
    `---\nlicense: mit\n---\n# ${' '.repeat(big)}x\n`,
    `- ${' '.repeat(big)}x\n`,
    '<!--'.repeat(big / 4),
    'frozen '.repeat(big / 7),
    '###### a\n'.repeat(big / 9),
    `## A\n${'[More Information Needed]\n'.repeat(20_000)}${'## B\n'.repeat(20_000)}`,
  ];
  for (const text of cards) {
    const started = Date.now();
    await checkProvenance({
      files: [
        { path: 'README.md', text },
        { path: 'datasheet.md', text },
      ],
    });
    assert.ok(Date.now() - started < 5000, `took ${Date.now() - started} ms on ${JSON.stringify(text.slice(0, 20))}`);
  }
});
