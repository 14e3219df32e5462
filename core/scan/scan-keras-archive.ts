import type { ByteSource } from '../io/byte-source.ts';
import { isHdf5 } from '../formats/hdf5.ts';
import { catalogFinding } from './format-catalog.ts';
import { KERAS_CODES } from './keras-codes.ts';
import { scanKerasConfig } from './scan-keras.ts';
import { worstVerdict, type ScanContext, type ScanOutcome } from './types.ts';

/**
 * Members of a Keras 3 `.keras` archive that Keras opens BY NAME (keras/src/saving/saving_lib.py
 * `_load_model_from_fileobj`): `config.json` is deserialized as the model whatever its first bytes look
 * like, and `model.weights.h5` is opened with h5py. Routing them by content alone would let a config that
 * does not look like one pass as plain text, so they are checked as what Keras reads them as.
 */
export function isKerasMember(name: string): boolean {
  return name === 'config.json' || name === 'model.weights.h5';
}

/** `name` is the member's name in the archive; `label` how findings name it (duplicates are numbered). */
export async function scanKerasMember(
  name: string,
  member: ByteSource,
  label: string,
  ctx: ScanContext,
): Promise<ScanOutcome> {
  if (name === 'config.json') {
    const memberPath = ctx.memberPath ? `${ctx.memberPath}!${label}` : label;
    return scanKerasConfig(member, { ...ctx, depth: ctx.depth + 1, memberPath });
  }
  const routed = await ctx.scanNested(member, label);
  if (isHdf5(await member.read(0, 8))) return routed;
  const finding = catalogFinding(KERAS_CODES, 'weightsNotHdf5', `${label} is ${routed.format}, not HDF5`, {
    member: ctx.memberPath ? `${ctx.memberPath}!${label}` : label,
  });
  return {
    format: routed.format,
    verdict: worstVerdict([routed.verdict, 'invalid']),
    reason: routed.verdict === 'malicious' ? routed.reason : `${label} is not an HDF5 file`,
    findings: [finding, ...routed.findings],
  };
}
