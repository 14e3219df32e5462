// One call for the report viewer: fragment in, three-way outcome out. "malformed" means the link itself
// is damaged; "invalid" means it decodes but the signature does not hold. The caller still validates the
// payload as a Report with its own schema (core/report), which this module deliberately does not import.
import { decodeFragment } from './link-codec.ts';
import { verifyBundle } from './report-signature.ts';

export type LinkVerification =
  | { status: 'malformed'; reason: string }
  | { status: 'invalid'; reason: string; fingerprint?: string }
  | { status: 'valid'; fingerprint: string; payload: Uint8Array };

/** Never throws. */
export async function verifyReportLink(fragment: string): Promise<LinkVerification> {
  const decoded = await decodeFragment(fragment);
  if (!decoded.ok) return { status: 'malformed', reason: decoded.reason };
  return verifyBundle(decoded.bundle);
}
