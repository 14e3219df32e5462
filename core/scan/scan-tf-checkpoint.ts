import type { ByteSource } from '../io/byte-source.ts';
import { FormatError, UnsupportedLayoutError } from '../formats/format-error.ts';
import { readBundle, type Bundle, type BundleEntry } from '../formats/tf-bundle.ts';
import { tfFinding } from './tensorflow-codes.ts';
import type { DescribedData, ScanContext, ScanFinding, ScanOutcome } from './types.ts';
import { validatorOutcome } from './validator-outcome.ts';

/**
 * Checkpoint bundle index (`variables.index`): the table must read as TensorFlow reads it, and every tensor
 * must lie in an existing shard with exactly shape × element size bytes, overlapping no other. When all of
 * that holds and the tensors cover each shard end to end, the index describes its data shards (their exact
 * sizes), so the folder check can vouch for those headerless files.
 */

export const FORMAT = 'tf-checkpoint-index';
const MAX_SHARDS = 100_000;

/** Bytes per element of each fixed-size DataType (tensorflow/core/framework/types.proto). */
const ELEMENT_BYTES: Readonly<Record<number, number>> = {
  1: 4, 2: 8, 3: 4, 4: 1, 5: 2, 6: 1, 8: 8, 9: 8, 10: 1, 11: 1, 12: 1, 13: 4, 14: 2, 15: 2, 16: 2, 17: 2, 18: 16,
  19: 2, 22: 4, 23: 8, 24: 1, 25: 1, 26: 1, 27: 1, 28: 1,
}; // prettier-ignore
/** string and variant tensors are serialized with their own lengths: only their range is checked. */
const VARIABLE_SIZE = new Set([7, 21]);

export async function scanTfCheckpointIndex(source: ByteSource, ctx: ScanContext): Promise<ScanOutcome> {
  let bundle: Bundle;
  try {
    bundle = await readBundle(source);
  } catch (e) {
    if (e instanceof UnsupportedLayoutError)
      return validatorOutcome(FORMAT, [tfFinding('indexCompressed', e.message)], ctx);
    if (!(e instanceof FormatError)) throw e;
    return validatorOutcome(FORMAT, [tfFinding('indexMalformed', e.message, { offset: e.offset })], ctx);
  }
  const { findings, shardSizes } = checkBundle(bundle);
  const outcome = validatorOutcome(FORMAT, findings, ctx);
  const describes = shardSizes ? describedShards(source.name, shardSizes, bundle.entries.length) : [];
  if (outcome.verdict === 'benign' && describes.length > 0) outcome.describes = describes;
  return outcome;
}

/** Findings of the bundle, and each shard's size when the tensors tile every shard from 0 without gaps. */
export function checkBundle(b: Bundle): { findings: ScanFinding[]; shardSizes: number[] | null } {
  const { numShards } = b.header;
  if (numShards < 1 || numShards > MAX_SHARDS) {
    return {
      findings: [tfFinding('indexMalformed', `the bundle header declares ${numShards} shards`)],
      shardSizes: null,
    };
  }
  const findings: ScanFinding[] = [];
  const perShard: BundleEntry[][] = Array.from({ length: numShards }, () => []);
  for (const e of b.entries) {
    if (e.sliced) continue;
    const problem = entryProblem(e, numShards);
    if (problem) findings.push(problem);
    else perShard[e.shardId]!.push(e);
  }
  const sizes: number[] = [];
  let gaps = false;
  perShard.forEach((entries, shard) => {
    entries.sort((x, y) => x.offset - y.offset);
    let end = 0;
    for (const e of entries) {
      if (e.offset < end) {
        const detail = `tensor '${e.key}' (bytes ${e.offset}–${e.offset + e.size}) overlaps another tensor of shard ${shard}`;
        findings.push(tfFinding('entryRange', detail, { offset: e.at }));
      } else if (e.offset > end) gaps = true;
      end = Math.max(end, e.offset + e.size);
    }
    sizes.push(end);
  });
  if (gaps) findings.push(tfFinding('dataGaps', 'some tensors do not start where the previous one ends'));
  findings.push(inventory(b, sizes));
  const clean = findings.every((f) => f.code === 'MG-SCAN-322');
  return { findings: findings.slice(0, 60), shardSizes: clean ? sizes : null };
}

function entryProblem(e: BundleEntry, numShards: number): ScanFinding | null {
  const at = { offset: e.at };
  if (e.shardId < 0 || e.shardId >= numShards) {
    return tfFinding('entryRange', `tensor '${e.key}' is in shard ${e.shardId} of ${numShards}`, at);
  }
  if (e.offset < 0 || e.size < 0 || !Number.isSafeInteger(e.offset + e.size)) {
    return tfFinding('entryRange', `tensor '${e.key}' has offset ${e.offset} and size ${e.size}`, at);
  }
  if (VARIABLE_SIZE.has(e.dtype)) return null;
  const width = ELEMENT_BYTES[e.dtype];
  if (width === undefined || e.shape === null) {
    return tfFinding('unknownDtype', `tensor '${e.key}' has data type ${e.dtype}${e.shape ? '' : ' and no rank'}`, at);
  }
  const expected = e.shape.reduce((n, d) => (d < 0 ? NaN : n * d), width);
  if (expected !== e.size) {
    const detail = `tensor '${e.key}' of shape [${e.shape.join(', ')}] and type ${e.dtype} should be ${expected} bytes, not ${e.size}`;
    return tfFinding('entryRange', detail, at);
  }
  return null;
}

function inventory(b: Bundle, sizes: number[]): ScanFinding {
  return tfFinding('indexInventory', `${b.entries.length} tensors in ${b.header.numShards} shards`, {
    evidence: {
      tensors: b.entries.length,
      shards: b.header.numShards,
      shardBytes: sizes.slice(0, 50),
      bigEndian: b.header.endianness === 1,
      keys: b.entries.slice(0, 50).map((e) => e.key),
    },
  });
}

/** `<prefix>.data-%05d-of-%05d` beside `<prefix>.index` (tensor_bundle.cc DataFilename). */
export function describedShards(indexName: string, sizes: number[], tensors: number): DescribedData[] {
  const base = indexName.split('/').pop() ?? indexName;
  if (!base.endsWith('.index') || base === '.index') return [];
  const prefix = base.slice(0, -'.index'.length);
  const pad = (n: number) => String(n).padStart(5, '0');
  return sizes.map((bytes, shard) => ({
    path: `${prefix}.data-${pad(shard)}-of-${pad(sizes.length)}`,
    bytes,
    what: `tensor data of ${tensors} checkpoint tensors laid out by ${base}`,
  }));
}
