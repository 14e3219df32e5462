// One call for the report viewer: fragment in, three-way outcome out. "malformed" means the link itself
// is damaged; "invalid" means it decodes but the signature does not hold. The caller still validates the
// payload as a Report with its own schema (core/report), which this module deliberately does not import.
import { decodeFragment } from './link-codec.ts';
import { verifyBundle } from './report-signature.ts';
import { decodeBase64 } from '../util/base64.ts';

export type LinkVerification =
  | { status: 'malformed'; reason: string }
  | { status: 'invalid'; reason: string; fingerprint?: string }
  | { status: 'valid'; fingerprint: string; payload: Uint8Array; publicKeySpki: Uint8Array };

/** Never throws. */
export async function verifyReportLink(fragment: string): Promise<LinkVerification> {
  const decoded = await decodeFragment(fragment);
  if (!decoded.ok) return { status: 'malformed', reason: decoded.reason };
  const verified = await verifyBundle(decoded.bundle);
  if (verified.status !== 'valid') return verified;
  // Handed back so the viewer can offer "trust this signer" without decoding the link a second time.
  return { ...verified, publicKeySpki: decodeBase64(decoded.bundle.publicKey) };
}
