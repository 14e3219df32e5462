import type { ByteSource } from '../io/byte-source.ts';
import { FormatError } from '../formats/format-error.ts';
import { fieldsOf } from '../formats/protobuf-bytes.ts';
import { tfFinding } from './tensorflow-codes.ts';
import type { ScanContext, ScanOutcome } from './types.ts';
import { validatorOutcome } from './validator-outcome.ts';

/**
 * `fingerprint.pb` beside a SavedModel (tensorflow/core/protobuf/fingerprint.proto): hashes, a VersionDef and
 * a UUID. The sniffer already parsed the whole (small) file against that schema; nothing in it is loaded as
 * code or paths, so a file that reads completely is benign.
 */

export const FORMAT = 'tf-fingerprint';

export async function scanTfFingerprint(source: ByteSource, ctx: ScanContext): Promise<ScanOutcome> {
  const bytes = await source.read(0, Math.min(source.size, 4096));
  try {
    const fields = fieldsOf(bytes);
    const hashes = fields.filter((f) => f.no >= 1 && f.no <= 5).length;
    return validatorOutcome(FORMAT, [tfFinding('fingerprintInventory', `${hashes} hashes`)], ctx);
  } catch (e) {
    if (!(e instanceof FormatError)) throw e;
    return validatorOutcome(FORMAT, [tfFinding('malformed', e.message, { offset: e.offset })], ctx);
  }
}
