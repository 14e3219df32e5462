import { ROUTER_CODES } from './router-codes.ts';
import type { FileScan } from './scan-check.ts';
import type { DescribedData, ScanOutcome } from './types.ts';

/** A file of the folder as listed, with the size the scan saw. */
export interface ListedFile {
  path: string;
  size: number;
}

/**
 * Headerless tensor data (TensorFlow `variables.data-*`, OpenVINO `.bin`, …) is "unknown content" to a scan
 * by content. It becomes benign here, and only here, when a file that the scan read and found benign
 * describes it: the loader of that format reads those bytes only as tensor values laid out by the
 * descriptor. Every condition fails closed:
 * - the data file's own scan found nothing but "unknown content" (a file that starts like a pickle or any
 *   other format keeps its own verdict);
 * - every benign descriptor that names the file agrees on its size, and the listed size is exactly that;
 * - a descriptor that is not benign vouches for nothing.
 */
export function vouchForDescribedData(scans: readonly FileScan[], files: readonly ListedFile[]): FileScan[] {
  const sizes = new Map(files.map((f) => [f.path, f.size]));
  const claims = describedBy(scans);
  return scans.map((scan) => {
    const claim = claims.get(scan.path);
    if (!claim || !onlyUnknownContent(scan.outcome)) return scan;
    const agreed = claim.every((c) => c.bytes === claim[0]!.bytes);
    if (!agreed || sizes.get(scan.path) !== claim[0]!.bytes) return scan;
    return { path: scan.path, outcome: vouched(scan.path, claim) };
  });
}

interface Claim extends DescribedData {
  descriptor: string;
}

/** Data-file path → the claims of every benign descriptor that names it. */
function describedBy(scans: readonly FileScan[]): Map<string, Claim[]> {
  const claims = new Map<string, Claim[]>();
  for (const { path, outcome } of scans) {
    if (outcome.verdict !== 'benign') continue;
    for (const d of outcome.describes ?? []) {
      const target = resolveBeside(path, d.path);
      if (target === undefined) continue;
      claims.set(target, [...(claims.get(target) ?? []), { ...d, descriptor: path }]);
    }
  }
  return claims;
}

/** `dir/model.xml` + `model.bin` → `dir/model.bin`; a path that climbs out of the folder names nothing. */
function resolveBeside(descriptor: string, relative: string): string | undefined {
  const parts = descriptor.split('/').slice(0, -1);
  for (const part of relative.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (parts.length === 0) return undefined;
      parts.pop();
    } else parts.push(part);
  }
  return parts.join('/');
}

function onlyUnknownContent(outcome: ScanOutcome): boolean {
  return (
    outcome.verdict === 'unverified' &&
    outcome.findings.length > 0 &&
    outcome.findings.every((f) => f.code === 'MG-SCAN-900')
  );
}

function vouched(path: string, claims: readonly Claim[]): ScanOutcome {
  const { severity, title } = ROUTER_CODES['MG-SCAN-907'];
  const by = [...new Set(claims.map((c) => c.descriptor))].join(', ');
  return {
    format: 'tensor-data',
    verdict: 'benign',
    findings: [{ code: 'MG-SCAN-907', severity, title, detail: `${path}: ${claims[0]!.what} (described by ${by})` }],
  };
}
