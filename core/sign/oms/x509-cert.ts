// X.509 parsing (RFC 5280) with @peculiar/asn1-x509 and signature checks with WebCrypto.
// @peculiar/x509 itself needs a global `reflect-metadata` polyfill (tsyringe) that core must not install
// in every page, so we use the ASN.1 schema package it is built on, which has no such requirement.
import { AsnConvert } from '@peculiar/asn1-schema';
import {
  BasicConstraints,
  Certificate,
  ExtendedKeyUsage,
  KeyUsage,
  id_ce_basicConstraints,
  id_ce_extKeyUsage,
  id_ce_keyUsage,
  SubjectPublicKeyInfo,
  type Extension,
} from '@peculiar/asn1-x509';
import { asBufferSource } from '../../util/buffer-source.ts';
import { decodeBase64 } from '../../util/base64.ts';
import { derToP1363, type EcCurve } from '../ecdsa-der.ts';
import { bytesEqual } from '../../util/bytes.ts';
import type { EcPublicKey } from './dsse-verify.ts';

export interface ParsedCertificate {
  der: Uint8Array;
  cert: Certificate;
  /** The exact signed TBSCertificate bytes, cut from the DER (never re-encoded). */
  tbs: Uint8Array;
  subject: Uint8Array;
  issuer: Uint8Array;
  spki: Uint8Array;
  notBefore: Date;
  notAfter: Date;
}

/** Returns [contentStart, end] of the DER TLV at `at` (definite lengths only, as DER requires). */
export function derElement(der: Uint8Array, at: number): [number, number] {
  const first = der[at + 1];
  if (first === undefined) throw new Error('truncated DER');
  if (first < 0x80) return [at + 2, at + 2 + first];
  const count = first & 0x7f;
  if (count === 0 || count > 4) throw new Error('unsupported DER length');
  let length = 0;
  for (let i = 0; i < count; i++) length = length * 256 + (der[at + 2 + i] ?? NaN);
  if (!Number.isFinite(length)) throw new Error('truncated DER');
  return [at + 2 + count, at + 2 + count + length];
}

export function parseCertificate(der: Uint8Array): ParsedCertificate {
  const cert = AsnConvert.parse(der, Certificate);
  const [content] = derElement(der, 0);
  const [, tbsEnd] = derElement(der, content);
  const tbsCert = cert.tbsCertificate;
  return {
    der,
    cert,
    tbs: der.subarray(content, tbsEnd),
    subject: new Uint8Array(AsnConvert.serialize(tbsCert.subject)),
    issuer: new Uint8Array(AsnConvert.serialize(tbsCert.issuer)),
    spki: new Uint8Array(AsnConvert.serialize(tbsCert.subjectPublicKeyInfo)),
    notBefore: tbsCert.validity.notBefore.getTime(),
    notAfter: tbsCert.validity.notAfter.getTime(),
  };
}

/** All CERTIFICATE blocks of a PEM text (a CA file may hold several). */
export function pemCertificates(pem: string): Uint8Array[] {
  const blocks = [...pem.matchAll(/-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/g)];
  if (blocks.length === 0) throw new Error('no "-----BEGIN CERTIFICATE-----" block found');
  return blocks.map((m) => decodeBase64(m[1]!.replace(/\s+/g, '')));
}

export function findExtension(cert: ParsedCertificate, oid: string): Extension | undefined {
  return cert.cert.tbsCertificate.extensions?.find((e) => e.extnID === oid);
}

export function basicConstraintsCa(cert: ParsedCertificate): boolean | undefined {
  const ext = findExtension(cert, id_ce_basicConstraints);
  return ext ? AsnConvert.parse(ext.extnValue, BasicConstraints).cA : undefined;
}

export function keyUsages(cert: ParsedCertificate): string[] | undefined {
  const ext = findExtension(cert, id_ce_keyUsage);
  return ext ? AsnConvert.parse(ext.extnValue, KeyUsage).toJSON() : undefined;
}

export function extendedKeyUsages(cert: ParsedCertificate): string[] | undefined {
  const ext = findExtension(cert, id_ce_extKeyUsage);
  return ext ? [...AsnConvert.parse(ext.extnValue, ExtendedKeyUsage)] : undefined;
}

// RFC 5480 §2.1.1 namedCurve OIDs, as full DER (tag, length, value) so they compare byte for byte.
const CURVE_OIDS: [EcCurve, Uint8Array][] = [
  ['P-256', new Uint8Array([0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07])],
  ['P-384', new Uint8Array([0x06, 0x05, 0x2b, 0x81, 0x04, 0x00, 0x22])],
];
const EC_PUBLIC_KEY = '1.2.840.10045.2.1';
const RSA_ENCRYPTION = '1.2.840.113549.1.1.1';

/** The curve an SPKI names, or undefined for a non-EC key or a curve WebCrypto-everywhere lacks. */
export function spkiCurve(spki: Uint8Array): EcCurve | undefined {
  const { algorithm } = AsnConvert.parse(spki, SubjectPublicKeyInfo);
  if (algorithm.algorithm !== EC_PUBLIC_KEY || !algorithm.parameters) return undefined;
  const params = new Uint8Array(algorithm.parameters);
  return CURVE_OIDS.find(([, oid]) => bytesEqual(oid, params))?.[0];
}

/** Imports an EC P-256/P-384 SPKI for ECDSA verification, or throws naming what it is instead. */
export async function importEcKey(spki: Uint8Array): Promise<EcPublicKey> {
  const curve = spkiCurve(spki);
  if (!curve) throw new Error('the public key is not an ECDSA P-256 or P-384 key');
  const key = await crypto.subtle.importKey('spki', asBufferSource(spki), { name: 'ECDSA', namedCurve: curve }, false, [
    'verify',
  ]);
  return { curve, key };
}

const SIGNATURE_ALGORITHMS: Record<string, { kind: 'ecdsa' | 'rsa'; hash: string }> = {
  '1.2.840.10045.4.3.2': { kind: 'ecdsa', hash: 'SHA-256' },
  '1.2.840.10045.4.3.3': { kind: 'ecdsa', hash: 'SHA-384' },
  '1.2.840.10045.4.3.4': { kind: 'ecdsa', hash: 'SHA-512' },
  '1.2.840.113549.1.1.11': { kind: 'rsa', hash: 'SHA-256' },
  '1.2.840.113549.1.1.12': { kind: 'rsa', hash: 'SHA-384' },
  '1.2.840.113549.1.1.13': { kind: 'rsa', hash: 'SHA-512' },
};

/** ECDSA or RSA PKCS#1 v1.5 (the real certificate vectors' CAs are RSA: oms-format.md §2). */
async function verifyWith(issuerSpki: Uint8Array, algOid: string, signature: Uint8Array, data: Uint8Array) {
  const alg = SIGNATURE_ALGORITHMS[algOid];
  if (!alg) return false;
  const keyAlg = AsnConvert.parse(issuerSpki, SubjectPublicKeyInfo).algorithm.algorithm;
  if (alg.kind === 'rsa') {
    if (keyAlg !== RSA_ENCRYPTION) return false;
    const params = { name: 'RSASSA-PKCS1-v1_5', hash: alg.hash };
    const key = await crypto.subtle.importKey('spki', asBufferSource(issuerSpki), params, false, ['verify']);
    return crypto.subtle.verify(params, key, asBufferSource(signature), asBufferSource(data));
  }
  const { curve, key } = await importEcKey(issuerSpki).catch(() => ({ curve: undefined, key: undefined }));
  if (!curve || !key) return false;
  let p1363: Uint8Array;
  try {
    p1363 = derToP1363(signature, curve);
  } catch {
    return false;
  }
  return crypto.subtle.verify({ name: 'ECDSA', hash: alg.hash }, key, asBufferSource(p1363), asBufferSource(data));
}

/** True when `cert` was signed by the key in `issuerSpki` (the name is matched separately). */
export async function isSignedBy(cert: ParsedCertificate, issuerSpki: Uint8Array): Promise<boolean> {
  const signature = new Uint8Array(cert.cert.signatureValue);
  return verifyWith(issuerSpki, cert.cert.signatureAlgorithm.algorithm, signature, cert.tbs);
}

const NAME_LABELS: Record<string, string> = { '2.5.4.3': 'CN', '2.5.4.10': 'O', '2.5.4.11': 'OU', '2.5.4.6': 'C' };

/** "CN=intermediate-ca, O=…" for display: who the certificate says it belongs to. */
export function subjectText(cert: ParsedCertificate): string {
  return cert.cert.tbsCertificate.subject
    .flatMap((rdn) => rdn.map((atv) => `${NAME_LABELS[atv.type] ?? atv.type}=${atv.value.toString()}`))
    .join(', ');
}
