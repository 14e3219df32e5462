// The `certificate` method (oms-format.md §2): the bundle carries leaf + intermediates, the user gives
// the CA root(s). Each link is matched by issuer name AND signature, because in the real vectors the
// leaf and the intermediate share the subject CN=intermediate-ca (a name-only builder loops).
import { id_kp_codeSigning, anyExtendedKeyUsage } from '@peculiar/asn1-x509';
import { bytesEqual } from '../../util/bytes.ts';
import {
  basicConstraintsCa,
  extendedKeyUsages,
  isSignedBy,
  keyUsages,
  parseCertificate,
  type ParsedCertificate,
} from './x509-cert.ts';

const MAX_CHAIN = 8;

export class ChainError extends Error {
  constructor(message: string) {
    super(`certificate chain: ${message}`);
    this.name = 'ChainError';
  }
}

function checkLeafUsage(leaf: ParsedCertificate): void {
  const usages = keyUsages(leaf);
  if (usages && !usages.includes('digitalSignature')) throw new ChainError('leaf key usage lacks digitalSignature');
  const eku = extendedKeyUsages(leaf);
  if (eku && !eku.includes(id_kp_codeSigning) && !eku.includes(anyExtendedKeyUsage)) {
    throw new ChainError('leaf extended key usage lacks codeSigning');
  }
}

function checkIssuerRole(issuer: ParsedCertificate, anchor: boolean): void {
  // RFC 5280 §6.1.4 (k), (n): an intermediate must be a CA allowed to sign certificates. A trust anchor
  // is trusted because the user chose it; only an explicit "not a CA" on it is refused.
  const ca = basicConstraintsCa(issuer);
  if (ca === false || (!anchor && ca !== true)) throw new ChainError('an issuing certificate is not a CA');
  const usages = keyUsages(issuer);
  if (usages && !usages.includes('keyCertSign')) throw new ChainError('an issuing certificate lacks keyCertSign');
}

function checkValidAt(cert: ParsedCertificate, at: Date): void {
  if (at < cert.notBefore || at > cert.notAfter) {
    throw new ChainError(
      `a certificate was not valid at ${at.toISOString()} (valid ${cert.notBefore.toISOString()} – ${cert.notAfter.toISOString()})`,
    );
  }
}

async function findIssuer(cert: ParsedCertificate, pool: readonly ParsedCertificate[]) {
  for (const candidate of pool) {
    if (candidate === cert || !bytesEqual(candidate.subject, cert.issuer)) continue;
    if (await isSignedBy(cert, candidate.spki)) return candidate;
  }
  return undefined;
}

export interface VerifiedChain {
  leaf: ParsedCertificate;
  /** leaf → … → trust anchor */
  path: ParsedCertificate[];
}

/**
 * Builds and verifies leaf → intermediates → one of `anchorsDer`. Time: `at`, or the leaf's notBefore
 * when no trusted timestamp exists (what model_signing does: the leaf may have expired since).
 */
export async function verifyChain(
  chainDer: readonly Uint8Array[],
  anchorsDer: readonly Uint8Array[],
  at?: Date,
): Promise<VerifiedChain> {
  if (chainDer.length === 0) throw new ChainError('no certificate in the signature');
  if (anchorsDer.length === 0) throw new ChainError('no trusted CA certificate was given');
  const [leaf, ...intermediates] = chainDer.map((der) => parseCertificate(der));
  const anchors = anchorsDer.map((der) => parseCertificate(der));
  const time = at ?? leaf!.notBefore;
  checkLeafUsage(leaf!);
  const path = [leaf!];
  for (let current = leaf!; path.length <= MAX_CHAIN;) {
    checkValidAt(current, time);
    const anchor = await findIssuer(current, anchors);
    if (anchor) {
      checkIssuerRole(anchor, true);
      checkValidAt(anchor, time);
      path.push(anchor);
      return { leaf: leaf!, path };
    }
    const next = await findIssuer(
      current,
      intermediates.filter((c) => !path.includes(c)),
    );
    if (!next) throw new ChainError('does not lead to a trusted CA (no issuer found whose signature verifies)');
    checkIssuerRole(next, false);
    path.push(next);
    current = next;
  }
  throw new ChainError(`longer than ${MAX_CHAIN} certificates`);
}
