import type { ByteSource } from '../io/byte-source.ts';
import { FormatError } from '../formats/format-error.ts';
import { readCatboostFrame } from '../formats/catboost.ts';
import { treeFinding } from './tree-model-codes.ts';
import type { ScanContext, ScanOutcome } from './types.ts';
import { validatorOutcome } from './validator-outcome.ts';

export { isCatboost } from '../formats/catboost.ts';

/** The root table and its vtable sit near the start of the core; more is not read. */
const FRAME_BYTES = 1 << 20;

/**
 * CatBoost `.cbm`: the frame is checked (a core that does not fit the file is invalid) but the trees inside
 * are not followed, so a sound file is "could not verify", never benign.
 */
export async function scanCatboost(source: ByteSource, ctx: ScanContext): Promise<ScanOutcome> {
  try {
    const frame = readCatboostFrame(await source.read(0, FRAME_BYTES), source.size);
    const detail = `CBM1 core of ${frame.coreSize} bytes (+${frame.trailing} bytes of model parts) is in bounds; its trees are not followed`;
    return validatorOutcome('catboost', [treeFinding('catboostNotFollowed', detail)], ctx);
  } catch (e) {
    if (!(e instanceof FormatError)) throw e;
    return validatorOutcome('catboost', [treeFinding('catboostMalformed', e.message, { offset: e.offset })], ctx);
  }
}
