// Rekor v1 signed entry timestamp (inclusionPromise): the log's signature over the canonical JSON
// (RFC 8785: sorted keys, no whitespace) {"body","integratedTime","logID" (hex),"logIndex"}. It is what
// makes integratedTime trustworthy.
import { utf8, toHex } from '../../util/bytes.ts';
import { verifyLogSignature } from './keyless-log-key.ts';
import type { TlogEntry } from './keyless-tlog-entry.ts';
import type { TransparencyLogKey } from './keyless-trusted-root.ts';

/** Integers and base64/hex strings only, in key order: JSON.stringify's output is already canonical. */
export function setPayload(entry: TlogEntry, integratedTime: bigint): Uint8Array {
  const text =
    `{"body":${JSON.stringify(entry.bodyBase64)},"integratedTime":${integratedTime.toString()},` +
    `"logID":${JSON.stringify(toHex(entry.logId))},"logIndex":${entry.logIndex.toString()}}`;
  return utf8.encode(text);
}

export async function verifySet(entry: TlogEntry, log: TransparencyLogKey): Promise<bigint> {
  if (!entry.signedEntryTimestamp) throw new Error('Rekor entry has no signed entry timestamp');
  if (entry.integratedTime === undefined) throw new Error('Rekor entry has no integratedTime');
  const ok = await verifyLogSignature(log, entry.signedEntryTimestamp, setPayload(entry, entry.integratedTime));
  if (!ok) throw new Error('Rekor signed entry timestamp does not verify with the log key');
  return entry.integratedTime;
}
