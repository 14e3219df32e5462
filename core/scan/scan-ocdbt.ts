import { FormatError } from '../formats/format-error.ts';
import { readOcdbtEnvelope } from '../formats/ocdbt.ts';
import { catalogFinding } from './format-catalog.ts';
import { JAX_CODES } from './jax-codes.ts';
import { validatorOutcome } from './validator-outcome.ts';
import type { Scanner } from './types.ts';

export { isOcdbt } from '../formats/ocdbt.ts';

export const OCDBT_FORMAT = 'ocdbt';

/**
 * OCDBT files (Orbax's array storage through tensorstore): recognised by their magic number and checked as far
 * as their envelope goes (length, version, compression, CRC-32C). Their compressed B+tree and array bytes are
 * not followed, so an intact file is "could not verify", a damaged one invalid; never benign.
 */
export const scanOcdbt: Scanner = async (source, ctx) => {
  try {
    const envelope = await readOcdbtEnvelope(source);
    const detail = `OCDBT ${envelope.kind}, ${envelope.compression}-compressed, ${source.size} bytes: intact, contents not followed`;
    return validatorOutcome(OCDBT_FORMAT, [catalogFinding(JAX_CODES, 'ocdbtNotFollowed', detail)], ctx);
  } catch (error) {
    if (!(error instanceof FormatError)) throw error;
    const finding = catalogFinding(JAX_CODES, 'ocdbtDamaged', error.message, { offset: error.offset ?? 0 });
    return validatorOutcome(OCDBT_FORMAT, [finding], ctx);
  }
};
