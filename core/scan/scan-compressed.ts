import { memorySource, type ByteSource } from '../io/byte-source.ts';
import { compressionKind, decompress, type CompressionKind } from '../formats/compression.ts';
import { errorMessage, OutcomeBuilder, tooDeep } from './container-outcome.ts';
import type { ScanContext, ScanOutcome, Scanner } from './types.ts';

export { compressionKind } from '../formats/compression.ts';

export const SEVEN_Z_REASON = '7z archive: ModelGate cannot open 7z, so its contents could not be verified';

/** 7z (nullifAI, technique 7): no decoder, so "could not verify" with the reason — never benign. */
export const scan7z: Scanner = async (source, ctx) => {
  const out = new OutcomeBuilder('7z', ctx, source);
  out.add('sevenZip', SEVEN_Z_REASON, undefined, { offset: 0 });
  return out.build();
};

/**
 * gzip / zlib / bz2 / xz / lz4 / joblib ZF wrappers (technique 12: compressed joblib): decompress under
 * the budget, then hand the content back to the router (joblib → pickle, tar.gz → tar …).
 */
export const scanCompressed: Scanner = async (source, ctx) => {
  const kind = compressionKind(await source.read(0, 32));
  if (kind === '7z') return scan7z(source, ctx);
  const format = kind ?? 'compressed';
  const deep = tooDeep(format, ctx, source);
  if (deep) return deep;
  const out = new OutcomeBuilder(format, ctx, source);
  if (!kind) {
    out.add('decodeFailed', 'no known compression magic at the start of the content');
    return out.build();
  }
  const budget = ctx.budget;
  const result = await decompress(source, kind, {
    maxBytes: budget.maxMemberBytes,
    allowance: () => budget.maxInflatedBytes - budget.used.inflatedBytes,
    spend: (n) => (budget.used.inflatedBytes += n),
  });
  if (result.status !== 'ok') {
    const key = {
      'too-large': 'memberTooLarge',
      budget: 'inflateBudget',
      ratio: 'inflateRatio',
      error: 'decodeFailed',
      unsupported: 'decodeFailed',
    } as const;
    out.add(key[result.status], result.message, undefined, { evidence: { compression: kind } });
    return out.build();
  }
  const name = decompressedName(kind);
  const content = memorySource(name, result.bytes);
  const routed = await out.nested(() => ctx.scanNested(content, name), name);
  if (routed && UNCLAIMED.has(routed.format)) await pickleFallback(content, name, ctx, out);
  return out.build();
};

/** Formats the router gives content no structured format claimed. */
const UNCLAIMED = new Set(['text', 'unknown']);

/**
 * joblib.load unpickles whatever its wrapper decompresses to (joblib/numpy_pickle.py: `_read_fileobject`
 * then `NumpyUnpickler`), and a protocol-0 pickle reads as text. Content no structured format claimed
 * is therefore also scanned as a pickle; what that pickle would do counts, a parse failure does not
 * (the loader fails on the same bytes).
 */
async function pickleFallback(content: ByteSource, name: string, ctx: ScanContext, out: OutcomeBuilder) {
  let outcome: ScanOutcome;
  try {
    outcome = await ctx.scanPickle(content, name);
  } catch (error) {
    out.add('nestedFailed', `scanning ${name} as a pickle failed: ${errorMessage(error)}`, name);
    return;
  }
  if (outcome.verdict === 'malicious' || outcome.verdict === 'suspicious') out.merge(outcome, name);
}

function decompressedName(kind: CompressionKind): string {
  return `(${kind} content)`;
}
