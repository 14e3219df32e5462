// DSSE v1 (github.com/secure-systems-lab/dsse, protocol.md): the envelope and its
// Pre-Authentication Encoding, the exact bytes that are signed. OMS (model signing) uses the same PAE.
import { z } from 'zod';
import { isCanonicalBase64 } from '../util/base64.ts';

const utf8 = new TextEncoder();

/**
 * PAE(type, body) = "DSSEv1" SP LEN(type) SP type SP LEN(body) SP body, where LEN is the ASCII decimal
 * byte length. Lengths count UTF-8 bytes, not UTF-16 code units, so a non-ASCII type still verifies
 * across implementations.
 */
export function pae(payloadType: string, payload: Uint8Array): Uint8Array<ArrayBuffer> {
  const type = utf8.encode(payloadType);
  const head = utf8.encode(`DSSEv1 ${type.length} `);
  const mid = utf8.encode(` ${payload.length} `);
  const out = new Uint8Array(head.length + type.length + mid.length + payload.length);
  let at = 0;
  for (const part of [head, type, mid, payload]) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

const base64Field = z.string().refine(isCanonicalBase64, { message: 'must be canonical standard base64' });

export const dsseSignatureSchema = z.object({
  keyid: z.string().optional(),
  sig: base64Field,
});

// Unknown fields are stripped, not rejected: DSSE producers (e.g. Sigstore bundles) may add their own.
export const envelopeSchema = z.object({
  payloadType: z.string(),
  payload: base64Field,
  signatures: z.array(dsseSignatureSchema).min(1),
});

export type DsseSignature = z.infer<typeof dsseSignatureSchema>;
export type Envelope = z.infer<typeof envelopeSchema>;
