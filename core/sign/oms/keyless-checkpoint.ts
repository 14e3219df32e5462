// Rekor checkpoint: a signed note (golang.org/x/mod/sumdb/note, C2SP tlog-checkpoint) — body
// "origin\nsize\nbase64(root)\n[extensions]", a blank line, then "— name base64(keyhint[4] ‖ sig)" lines.
// The log signs the body text; the key hint is the first 4 bytes of the log id (SHA-256 of the SPKI).
import { decodeBase64, isCanonicalBase64 } from '../../util/base64.ts';
import { bytesEqual, utf8 } from '../../util/bytes.ts';
import { verifyLogSignature } from './keyless-log-key.ts';
import type { TransparencyLogKey } from './keyless-trusted-root.ts';

export interface Checkpoint {
  origin: string;
  treeSize: bigint;
  rootHash: Uint8Array;
}

/** Verifies a signature by `log` on the note and returns what it commits to, or throws. */
export async function verifyCheckpoint(envelope: string, log: TransparencyLogKey): Promise<Checkpoint> {
  const split = envelope.indexOf('\n\n');
  if (split < 0) throw new Error('checkpoint is not a signed note');
  const body = envelope.slice(0, split + 1);
  const [origin, size, root] = body.split('\n');
  if (!origin || !size || !/^(?:0|[1-9][0-9]*)$/.test(size) || !root || !isCanonicalBase64(root)) {
    throw new Error('checkpoint body is malformed');
  }
  const lines = envelope.slice(split + 2).split('\n');
  if (lines.at(-1) !== '') throw new Error('checkpoint does not end with a newline');
  let verified = false;
  for (const line of lines.slice(0, -1)) {
    const m = /^— (\S+) ([A-Za-z0-9+/=]+)$/.exec(line);
    if (!m) throw new Error('checkpoint signature line is malformed');
    const sig = decodeBase64(m[2]!);
    if (sig.length < 5 || !bytesEqual(sig.subarray(0, 4), log.logId.subarray(0, 4))) continue;
    if (await verifyLogSignature(log, sig.subarray(4), utf8.encode(body))) verified = true;
  }
  if (!verified) throw new Error('checkpoint is not signed by the transparency log key');
  return { origin, treeSize: BigInt(size), rootHash: decodeBase64(root) };
}
