// One Rekor entry of a Sigstore bundle (dev.sigstore.rekor.v1.TransparencyLogEntry, protobuf-JSON:
// int64 as decimal strings, bytes as base64).
import { z } from 'zod';
import { decodeBase64, isCanonicalBase64 } from '../../util/base64.ts';

const b64 = z.string().refine(isCanonicalBase64, { message: 'must be canonical standard base64' });
const int64 = z.union([z.string().regex(/^(?:0|[1-9][0-9]{0,17})$/), z.number().int().nonnegative()]).transform(BigInt);

const entrySchema = z.object({
  logIndex: int64,
  logId: z.object({ keyId: b64 }),
  kindVersion: z.object({ kind: z.string(), version: z.string() }),
  integratedTime: int64.optional(),
  inclusionPromise: z.object({ signedEntryTimestamp: b64 }).optional(),
  inclusionProof: z
    .object({
      logIndex: int64,
      rootHash: b64,
      treeSize: int64,
      hashes: z.array(b64),
      checkpoint: z.object({ envelope: z.string() }),
    })
    .optional(),
  canonicalizedBody: b64,
});

export interface InclusionProof {
  logIndex: bigint;
  rootHash: Uint8Array;
  treeSize: bigint;
  hashes: Uint8Array[];
  checkpoint: string;
}

export interface TlogEntry {
  logIndex: bigint;
  logId: Uint8Array;
  kind: string;
  version: string;
  /** Seconds since the epoch, as the log recorded it (trusted only once the SET verifies). */
  integratedTime?: bigint;
  signedEntryTimestamp?: Uint8Array;
  inclusionProof?: InclusionProof;
  /** The exact body bytes the log hashed (decoded from base64). */
  body: Uint8Array;
  /** The base64 text as given: the SET signs this text. */
  bodyBase64: string;
}

export function parseTlogEntry(raw: unknown): TlogEntry {
  const parsed = entrySchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`transparency-log entry: ${issue?.path.join('.') || '(root)'}: ${issue?.message}`);
  }
  const e = parsed.data;
  const proof = e.inclusionProof;
  return {
    logIndex: e.logIndex,
    logId: decodeBase64(e.logId.keyId),
    kind: e.kindVersion.kind,
    version: e.kindVersion.version,
    ...(e.integratedTime !== undefined ? { integratedTime: e.integratedTime } : {}),
    ...(e.inclusionPromise ? { signedEntryTimestamp: decodeBase64(e.inclusionPromise.signedEntryTimestamp) } : {}),
    ...(proof
      ? {
          inclusionProof: {
            logIndex: proof.logIndex,
            rootHash: decodeBase64(proof.rootHash),
            treeSize: proof.treeSize,
            hashes: proof.hashes.map((h) => decodeBase64(h)),
            checkpoint: proof.checkpoint.envelope,
          },
        }
      : {}),
    body: decodeBase64(e.canonicalizedBody),
    bodyBase64: e.canonicalizedBody,
  };
}
