import type { CatalogEntry } from '../../check/types.ts';

/**
 * Finding codes of OpenSSF Model Signing verification (MG-SIG-001 …),  Codes are stable:
 * never renumber or reuse one. A signature that does not hold, or a signed file that differs, is
 * critical (verdict fail); what could not be checked is medium (review).
 */
export const SIGNATURE_CODES = {
  'MG-SIG-001': {
    severity: 'critical',
    title: 'The signature does not verify',
    explanation:
      'The signature in model.sig was not made by the key or certificate you trust over these exact contents: the signed list of files was changed, or someone else signed it.',
  },
  'MG-SIG-002': {
    severity: 'critical',
    title: 'The signature file is malformed',
    explanation:
      'model.sig is not a valid OpenSSF Model Signing bundle (not JSON, a wrong media type, or a required part missing), so it proves nothing about the model.',
  },
  'MG-SIG-003': {
    severity: 'critical',
    title: 'The signed statement is invalid',
    explanation:
      'The signed content is not a model-signing statement this tool accepts (wrong type, several subjects, an unsafe path, or a summary digest that does not match its own file list).',
  },
  'MG-SIG-004': {
    severity: 'critical',
    title: 'The signature names a different key',
    explanation: 'model.sig records the fingerprint of the key that signed it, and it is not the public key you gave.',
  },
  'MG-SIG-005': {
    severity: 'critical',
    title: 'The signing certificate is not trusted',
    explanation:
      'The certificate chain in model.sig does not lead to a certificate authority you trust, was not valid when it signed, or may not sign code.',
  },
  'MG-SIG-006': {
    severity: 'critical',
    title: 'A signed file was modified',
    explanation: 'This file’s fingerprint (SHA-256) differs from the one the publisher signed: its content changed.',
  },
  'MG-SIG-007': {
    severity: 'critical',
    title: 'A signed file is missing',
    explanation: 'The publisher signed this file, but it is not in the model you checked.',
  },
  'MG-SIG-008': {
    severity: 'high',
    title: 'A file is not covered by the signature',
    explanation:
      'This file is in the model but the publisher did not sign it. It may have been added later; the signature says nothing about it.',
  },
  'MG-SIG-009': {
    severity: 'info',
    title: 'Unsigned file ignored on request',
    explanation:
      'This file is not covered by the signature; it was left out of the verdict because you asked to ignore unsigned files.',
  },
  'MG-SIG-010': {
    severity: 'medium',
    title: 'Keyless signature: not verifiable here',
    explanation:
      'The model was signed with Sigstore keyless signing, which this tool could not verify with what it was given. It is neither confirmed nor refuted.',
  },
  'MG-SIG-011': {
    severity: 'low',
    title: 'Signature in an old format',
    explanation:
      'The signature was written by an old model_signing release (no key fingerprint, or the 0.2 statement format). It verified, but old formats carry fewer guarantees.',
  },
  'MG-SIG-012': {
    severity: 'medium',
    title: 'Part of the signature could not be checked',
    explanation:
      'The signature uses something this tool cannot check here (a hash other than SHA-256, or symlinks a browser cannot see), so part of the model is unverified.',
  },
  'MG-SIG-013': {
    severity: 'critical',
    title: 'The keyless signature does not hold',
    explanation:
      'The Sigstore certificate, transparency-log proof or signer identity in model.sig did not check out against the trusted root and the identity you expect.',
  },
  'MG-SIG-014': {
    severity: 'low',
    title: 'An empty file is not covered by the signature',
    explanation:
      'Signatures in “shards” mode cannot list empty files, so adding or removing an empty file goes unnoticed. This one is empty and unsigned.',
  },
  'MG-SIG-015': {
    severity: 'info',
    title: 'Signature verified',
    explanation:
      'The signature is valid for the key, certificate or identity you trust, and it covers the files listed.',
  },
  'MG-SIG-016': {
    severity: 'high',
    title: 'A signed file could not be read',
    explanation: 'This file could not be read to compare it with the signature, so it is unverified.',
  },
} as const satisfies Record<string, CatalogEntry>;

export type SignatureCode = keyof typeof SIGNATURE_CODES;
