import { memorySource } from '../io/byte-source.ts';
import { compressionKind, decompress, type CompressionKind } from '../formats/compression.ts';
import { OutcomeBuilder, tooDeep } from './container-outcome.ts';
import type { Scanner } from './types.ts';

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
      error: 'decodeFailed',
      unsupported: 'decodeFailed',
    } as const;
    out.add(key[result.status], result.message, undefined, { evidence: { compression: kind } });
    return out.build();
  }
  const name = decompressedName(kind);
  await out.nested(() => ctx.scanNested(memorySource(name, result.bytes), name), name);
  return out.build();
};

function decompressedName(kind: CompressionKind): string {
  return `(${kind} content)`;
}
