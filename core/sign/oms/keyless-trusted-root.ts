// Sigstore trusted root (protobuf-JSON of dev.sigstore.trustroot.v1.TrustedRoot): the Fulcio CA chains,
// the Rekor (tlogs) and CT log (ctlogs) keys, each with the time range it may be used for.
import { z } from 'zod';
import { decodeBase64, isCanonicalBase64 } from '../../util/base64.ts';
import { bytesEqual, sha256 } from '../../util/bytes.ts';

const b64 = z.string().refine(isCanonicalBase64, { message: 'must be canonical standard base64' });
const validFor = z.object({ start: z.string().optional(), end: z.string().optional() }).optional();
const logSchema = z.object({
  baseUrl: z.string().optional(),
  hashAlgorithm: z.string().optional(),
  publicKey: z.object({ rawBytes: b64, keyDetails: z.string(), validFor }),
  logId: z.object({ keyId: b64 }),
});
const rootSchema = z.object({
  mediaType: z.string().startsWith('application/vnd.dev.sigstore.trustedroot'),
  tlogs: z.array(logSchema).default([]),
  ctlogs: z.array(logSchema).default([]),
  certificateAuthorities: z
    .array(
      z.object({
        uri: z.string().optional(),
        certChain: z.object({ certificates: z.array(z.object({ rawBytes: b64 })).min(1) }),
        validFor,
      }),
    )
    .default([]),
});

export interface TimeRange {
  start?: Date;
  end?: Date;
}

export interface TransparencyLogKey {
  baseUrl: string;
  /** SHA-256 of the SPKI (RFC 6962 log id; Rekor v1 logID). */
  logId: Uint8Array;
  spki: Uint8Array;
  keyDetails: string;
  validFor: TimeRange;
}

export interface CertificateAuthority {
  uri: string;
  /** As the trusted root lists it: issuing CA first, self-signed root last. */
  certificates: Uint8Array[];
  validFor: TimeRange;
}

export interface TrustedRoot {
  tlogs: TransparencyLogKey[];
  ctlogs: TransparencyLogKey[];
  certificateAuthorities: CertificateAuthority[];
}

function range(v: z.infer<typeof validFor>): TimeRange {
  const date = (s: string | undefined) => {
    if (s === undefined) return undefined;
    const d = new Date(s);
    if (Number.isNaN(d.getTime())) throw new Error(`trusted root: bad time "${s}"`);
    return d;
  };
  const start = date(v?.start);
  const end = date(v?.end);
  return { ...(start ? { start } : {}), ...(end ? { end } : {}) };
}

export function inRange(r: TimeRange, at: Date): boolean {
  return (!r.start || at >= r.start) && (!r.end || at <= r.end);
}

async function logKey(l: z.infer<typeof logSchema>): Promise<TransparencyLogKey> {
  const spki = decodeBase64(l.publicKey.rawBytes);
  const logId = decodeBase64(l.logId.keyId);
  // RFC 6962 (Rekor v1, CT logs): the log id is the SHA-256 of the key; a root whose ids do not match its
  // keys is corrupt. Rekor v2 (Ed25519) ids follow the signed-note key id rule instead.
  if (l.publicKey.keyDetails.startsWith('PKIX_ECDSA') && !bytesEqual(logId, await sha256(spki))) {
    throw new Error(`trusted root: log id of ${l.baseUrl} is not its key hash`);
  }
  return {
    baseUrl: l.baseUrl ?? '',
    logId,
    spki,
    keyDetails: l.publicKey.keyDetails,
    validFor: range(l.publicKey.validFor),
  };
}

export async function parseTrustedRoot(json: string): Promise<TrustedRoot> {
  let data: unknown;
  try {
    data = JSON.parse(json);
  } catch (error) {
    throw new Error(`trusted root: not valid JSON (${(error as Error).message})`);
  }
  const parsed = rootSchema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`trusted root: ${issue?.path.join('.') || '(root)'}: ${issue?.message}`);
  }
  const root = parsed.data;
  return {
    tlogs: await Promise.all(root.tlogs.map(logKey)),
    ctlogs: await Promise.all(root.ctlogs.map(logKey)),
    certificateAuthorities: root.certificateAuthorities.map((ca) => ({
      uri: ca.uri ?? '',
      certificates: ca.certChain.certificates.map((c) => decodeBase64(c.rawBytes)),
      validFor: range(ca.validFor),
    })),
  };
}
