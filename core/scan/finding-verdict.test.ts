import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CONTAINER_CODES } from './container-codes.ts';
import { verdictOfFinding } from './finding-verdict.ts';
import { PICKLE_CODE_VERDICTS } from './pickle-codes.ts';
import { VALIDATOR_CODES } from './validator-codes.ts';

const finding = (code: string) => ({ code, severity: 'info' as const, title: 't', detail: 'd' });

test('no scan code is defined twice with two verdicts', () => {
  const codes = [
    ...Object.values(CONTAINER_CODES).map((c) => c.code),
    ...Object.keys(VALIDATOR_CODES),
    ...Object.keys(PICKLE_CODE_VERDICTS),
  ];
  assert.equal(new Set(codes).size, codes.length);
});

test('each catalog code keeps its own verdict', () => {
  for (const [code, verdict] of Object.entries(PICKLE_CODE_VERDICTS))
    assert.equal(verdictOfFinding(finding(code)), verdict);
  for (const info of Object.values(CONTAINER_CODES)) assert.equal(verdictOfFinding(finding(info.code)), info.verdict);
  assert.equal(verdictOfFinding(finding('MG-SCAN-269')), 'malicious');
});

test('a code no catalog knows never leaves a file benign', () => {
  assert.equal(verdictOfFinding(finding('MG-SCAN-999')), 'suspicious');
});
