import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { HashOutcome } from '../hash/hash-outcome.ts';
import type { FileScan } from '../scan/scan-check.ts';
import { runVerification } from './run-verification.ts';
import type { VerifyCapabilities } from './capabilities.ts';

const SHA = 'a'.repeat(64);
const files = [
  { path: 'model.pkl', size: 10 },
  { path: 'README.md', size: 20 },
];

const maliciousScan: FileScan = {
  path: 'model.pkl',
  outcome: {
    format: 'pickle',
    verdict: 'malicious',
    findings: [{ code: 'MG-SCAN-001', severity: 'critical', title: 'Code runs on load', detail: 'os.system' }],
  },
};

function capabilities(overrides: Partial<VerifyCapabilities> = {}): VerifyCapabilities {
  return {
    subject: { name: 'm', files, events: [] },
    environment: { runtime: 'node' },
    hash: async () => files.map((f): HashOutcome => ({ ...f, sha256: SHA })),
    scan: async () => [
      maliciousScan,
      { path: 'README.md', outcome: { format: 'text', verdict: 'benign', findings: [] } },
    ],
    readText: async () => '---\nlicense: mit\n---\n# m\n',
    ...overrides,
  };
}

test('a check that throws becomes an error check naming the file; the others still run', async () => {
  const { report } = await runVerification(
    capabilities({
      readText: async (path) => {
        throw Object.assign(new Error(`${path}: nested deeper than 256 levels`), { file: path });
      },
    }),
  );
  const provenance = report.checks.find((c) => c.id === 'provenance');
  assert.equal(provenance?.status, 'error');
  const broke = report.findings.find((f) => f.code === 'MG-RPT-002');
  assert.equal(broke?.file, 'README.md');
  assert.match(broke?.detail ?? '', /nested deeper than 256 levels/);
  // The scan still ran and still decides the verdict.
  assert.equal(report.checks.find((c) => c.id === 'scan')?.status, 'fail');
  assert.equal(report.verdict, 'fail');
});

test('a scan that throws is an error check, and the verdict cannot pass', async () => {
  const { report } = await runVerification(
    capabilities({
      scan: async () => {
        throw new RangeError('Maximum call stack size exceeded');
      },
      readText: async () => '# m\n',
    }),
  );
  const scan = report.checks.find((c) => c.id === 'scan');
  assert.equal(scan?.status, 'error');
  assert.match(scan?.summary ?? '', /nested more deeply than the reader can follow/);
  assert.notEqual(report.verdict, 'pass');
});

test('a schema error is said in plain words, never as a raw dump', async () => {
  const zodLike = Object.assign(new Error('[\n  {\n    "code": "too_big" ... raw dump'), {
    name: 'ZodError',
    issues: [{ path: ['license', 'id'], message: 'Too big: expected string to have <=200 characters' }],
  });
  const { report } = await runVerification(
    capabilities({
      readText: async () => {
        throw zodLike;
      },
    }),
  );
  const summary = report.checks.find((c) => c.id === 'provenance')?.summary ?? '';
  assert.match(summary, /license\.id/);
  assert.doesNotMatch(summary, /raw dump|"code"/);
});

test('usage errors are not swallowed: the run stops and the caller says what was wrong', async () => {
  await assert.rejects(
    runVerification(
      capabilities({
        lineage: async () => {
          throw Object.assign(new Error('--base has no weights'), { usage: true });
        },
      }),
    ),
    /--base has no weights/,
  );
});

test('a behavioral run that broke is an error check; the lineage and the scan still count', async () => {
  const { report } = await runVerification(
    capabilities({
      behavior: async () => {
        throw new Error('tokenizer.json: the tokenizer ran past its 20-second budget');
      },
    }),
  );
  assert.equal(report.checks.find((c) => c.id === 'behavior')?.status, 'error');
  assert.equal(report.verdict, 'fail');
});

test('without failures every check that ran passes through to one verdict', async () => {
  const { report } = await runVerification(
    capabilities({
      scan: async () =>
        files.map((f) => ({ path: f.path, outcome: { format: 'text', verdict: 'benign', findings: [] } })),
    }),
  );
  assert.ok(report.checks.every((c) => c.status !== 'error'));
  assert.equal(report.checks.find((c) => c.id === 'scan')?.status, 'pass');
});

test('headerless tensor data that a benign file of the folder lays out is scanned as benign tensor data', async () => {
  const folder = [
    { path: 'ir/model.xml', size: 900 },
    { path: 'ir/model.bin', size: 96 },
  ];
  const { report } = await runVerification(
    capabilities({
      subject: { name: 'm', files: folder, events: [] },
      hash: async () => folder.map((f): HashOutcome => ({ ...f, sha256: SHA })),
      scan: async () => [
        {
          path: 'ir/model.xml',
          outcome: {
            format: 'openvino-ir',
            verdict: 'benign',
            findings: [],
            describes: [{ path: 'model.bin', bytes: 96, what: 'weights of 2 Const layers' }],
          },
        },
        {
          path: 'ir/model.bin',
          outcome: {
            format: 'unknown',
            verdict: 'unverified',
            reason: 'unknown content: could not verify',
            findings: [{ code: 'MG-SCAN-900', severity: 'medium', title: 'Unknown', detail: 'no format matched' }],
          },
        },
      ],
    }),
  );
  assert.equal(report.subject.files.find((f) => f.path === 'ir/model.bin')?.scan?.verdict, 'benign');
  assert.equal(report.checks.find((c) => c.id === 'scan')?.status, 'pass');
});
