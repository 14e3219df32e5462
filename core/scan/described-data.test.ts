import { test } from 'node:test';
import assert from 'node:assert/strict';
import { vouchForDescribedData } from './described-data.ts';
import type { FileScan } from './scan-check.ts';
import type { ScanOutcome } from './types.ts';

const unknown: ScanOutcome = {
  format: 'unknown',
  verdict: 'unverified',
  reason: 'unknown content: could not verify',
  findings: [{ code: 'MG-SCAN-900', severity: 'medium', title: 'Unknown', detail: 'no format matched' }],
};

function descriptor(verdict: ScanOutcome['verdict'], path: string, bytes: number): ScanOutcome {
  return {
    format: 'openvino-ir',
    verdict,
    findings: [],
    describes: [{ path, bytes, what: 'weights of 3 Const layers' }],
  };
}

const outcomeOf = (scans: FileScan[], path: string) => scans.find((s) => s.path === path)!.outcome;

test('a headerless file a benign descriptor lays out, at exactly its size, is benign tensor data', () => {
  const scans = vouchForDescribedData(
    [
      { path: 'ir/model.xml', outcome: descriptor('benign', 'model.bin', 96) },
      { path: 'ir/model.bin', outcome: unknown },
    ],
    [
      { path: 'ir/model.xml', size: 900 },
      { path: 'ir/model.bin', size: 96 },
    ],
  );
  const data = outcomeOf(scans, 'ir/model.bin');
  assert.equal(data.verdict, 'benign');
  assert.equal(data.format, 'tensor-data');
  assert.equal(data.findings[0]?.code, 'MG-SCAN-907');
  assert.match(data.findings[0]!.detail, /described by ir\/model\.xml/);
});

test('a size other than the one laid out keeps the file "could not verify"', () => {
  const scans = vouchForDescribedData(
    [
      { path: 'model.xml', outcome: descriptor('benign', 'model.bin', 96) },
      { path: 'model.bin', outcome: unknown },
    ],
    [{ path: 'model.bin', size: 97 }],
  );
  assert.equal(outcomeOf(scans, 'model.bin').verdict, 'unverified');
});

test('a descriptor that is not benign vouches for nothing', () => {
  for (const verdict of ['suspicious', 'unverified', 'malicious', 'invalid'] as const) {
    const scans = vouchForDescribedData(
      [
        { path: 'model.xml', outcome: descriptor(verdict, 'model.bin', 96) },
        { path: 'model.bin', outcome: unknown },
      ],
      [{ path: 'model.bin', size: 96 }],
    );
    assert.equal(outcomeOf(scans, 'model.bin').verdict, 'unverified', verdict);
  }
});

test('a data file recognised as anything but unknown content keeps its own verdict', () => {
  const pickleStart: ScanOutcome = {
    ...unknown,
    findings: [...unknown.findings, { code: 'MG-SCAN-904', severity: 'medium', title: 'pickle', detail: 'x' }],
  };
  const scans = vouchForDescribedData(
    [
      { path: 'model.xml', outcome: descriptor('benign', 'model.bin', 96) },
      { path: 'model.bin', outcome: pickleStart },
    ],
    [{ path: 'model.bin', size: 96 }],
  );
  assert.equal(outcomeOf(scans, 'model.bin'), pickleStart);
});

test('two benign descriptors that disagree on the size vouch for nothing', () => {
  const scans = vouchForDescribedData(
    [
      { path: 'a.xml', outcome: descriptor('benign', 'w.bin', 96) },
      { path: 'b.xml', outcome: descriptor('benign', 'w.bin', 64) },
      { path: 'w.bin', outcome: unknown },
    ],
    [{ path: 'w.bin', size: 96 }],
  );
  assert.equal(outcomeOf(scans, 'w.bin').verdict, 'unverified');
});

test('paths resolve beside the descriptor, and a path that climbs out of the folder names nothing', () => {
  const nested = vouchForDescribedData(
    [
      { path: 'm/saved_model/variables/variables.index', outcome: descriptor('benign', './variables.data-0', 8) },
      { path: 'm/saved_model/variables/variables.data-0', outcome: unknown },
      { path: 'weights.bin', outcome: unknown },
      { path: 'm/x.xml', outcome: descriptor('benign', '../../weights.bin', 8) },
    ],
    [
      { path: 'm/saved_model/variables/variables.data-0', size: 8 },
      { path: 'weights.bin', size: 8 },
    ],
  );
  assert.equal(outcomeOf(nested, 'm/saved_model/variables/variables.data-0').verdict, 'benign');
  assert.equal(outcomeOf(nested, 'weights.bin').verdict, 'unverified');
});
