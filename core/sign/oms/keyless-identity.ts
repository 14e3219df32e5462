// Fulcio identity policy: the leaf's SAN (email or URI) must be the expected signer and its OIDC issuer
// extension the expected issuer (Fulcio certificate spec: 1.3.6.1.4.1.57264.1.8 as a DER UTF8String,
// or the legacy 1.3.6.1.4.1.57264.1.1 holding the raw string).
import { AsnConvert } from '@peculiar/asn1-schema';
import { id_ce_subjectAltName, SubjectAlternativeName } from '@peculiar/asn1-x509';
import { strictUtf8 } from '../../util/bytes.ts';
import { derElement, findExtension, type ParsedCertificate } from './x509-cert.ts';

const OID_ISSUER_V2 = '1.3.6.1.4.1.57264.1.8';
const OID_ISSUER_LEGACY = '1.3.6.1.4.1.57264.1.1';

/** Email and URI subject alternative names of the leaf (Fulcio writes exactly one). */
export function sanIdentities(cert: ParsedCertificate): string[] {
  const ext = findExtension(cert, id_ce_subjectAltName);
  if (!ext) return [];
  const names = AsnConvert.parse(ext.extnValue, SubjectAlternativeName);
  return names.flatMap((n) => [n.rfc822Name, n.uniformResourceIdentifier].filter((v): v is string => v !== undefined));
}

function octets(v: ArrayBufferView): Uint8Array {
  return new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
}

/** The OIDC issuer Fulcio recorded, or undefined when the leaf has neither extension. */
export function oidcIssuer(cert: ParsedCertificate): string | undefined {
  const v2 = findExtension(cert, OID_ISSUER_V2);
  if (v2) {
    const der = octets(v2.extnValue);
    if (der[0] !== 0x0c) throw new Error('OIDC issuer extension is not a UTF8String');
    const [start, end] = derElement(der, 0);
    if (end !== der.length) throw new Error('OIDC issuer extension has trailing bytes');
    return strictUtf8.decode(der.subarray(start, end));
  }
  const legacy = findExtension(cert, OID_ISSUER_LEGACY);
  return legacy ? strictUtf8.decode(octets(legacy.extnValue)) : undefined;
}

/** Throws naming what differs; exact, case-sensitive matches only (no patterns). */
export function checkIdentity(cert: ParsedCertificate, identity: string, issuer: string): string {
  const sans = sanIdentities(cert);
  if (!sans.includes(identity)) {
    throw new Error(`the certificate was issued to ${sans.join(', ') || '(no email/URI SAN)'}, not ${identity}`);
  }
  const actual = oidcIssuer(cert);
  if (actual !== issuer) {
    throw new Error(`the identity was vouched for by ${actual ?? '(no OIDC issuer extension)'}, not ${issuer}`);
  }
  return identity;
}
