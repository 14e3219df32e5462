import { test } from 'node:test';
import assert from 'node:assert/strict';
import { memorySource } from '../io/byte-source.ts';
import { createRouter } from './router.ts';
import { aggregateRepeatedFindings, FINDINGS_PER_CODE } from './repeated-findings.ts';
import type { ScanFinding, ScanOutcome } from './types.ts';

const finding = (code: string, i: number): ScanFinding => ({
  code,
  severity: 'high',
  title: 'A custom operator',
  detail: `node ${i}`,
});

test('a code repeated 200,000 times keeps its first findings and one that counts the rest', () => {
  const outcome: ScanOutcome = {
    format: 'onnx',
    verdict: 'suspicious',
    reason: 'onnx custom op',
    findings: [...Array.from({ length: 200_000 }, (_, i) => finding('MG-SCAN-241', i)), finding('MG-SCAN-244', 0)],
  };
  const out = aggregateRepeatedFindings(outcome);
  const repeated = out.findings.filter((f) => f.code === 'MG-SCAN-241');
  assert.equal(repeated.length, FINDINGS_PER_CODE + 1);
  assert.equal(repeated.at(-1)?.evidence?.repeated, 200_000 - FINDINGS_PER_CODE);
  assert.match(repeated.at(-1)!.detail, /199980 more findings/);
  assert.equal(out.findings.filter((f) => f.code === 'MG-SCAN-244').length, 1);
  assert.equal(out.verdict, 'suspicious');
});

test('an outcome within the limit is returned as it is', () => {
  const outcome: ScanOutcome = { format: 'x', verdict: 'suspicious', findings: [finding('MG-SCAN-241', 1)] };
  assert.equal(aggregateRepeatedFindings(outcome), outcome);
});

test('every scanned file goes through the limit', async () => {
  const noisy = async (): Promise<ScanOutcome> => ({
    format: 'noisy',
    verdict: 'suspicious',
    reason: 'noisy',
    findings: Array.from({ length: 1000 }, (_, i) => finding('MG-SCAN-241', i)),
  });
  const { scanFile } = createRouter([{ format: 'noisy', sniff: () => true, scan: noisy }], noisy);
  const outcome = await scanFile(memorySource('m.onnx', new Uint8Array([1, 2, 3])));
  assert.equal(outcome.findings.length, FINDINGS_PER_CODE + 1);
});
