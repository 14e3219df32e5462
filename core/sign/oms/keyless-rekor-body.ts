// The Rekor entry body must describe THIS signature: for kind "dsse" 0.0.1 (what model_signing writes),
// spec.payloadHash = SHA-256 of the payload, and the one signature = the envelope's, with the Fulcio leaf
// (PEM, base64) as verifier. Other kinds/versions are not checked here, so they are not accepted.
import { z } from 'zod';
import { decodeBase64 } from '../../util/base64.ts';
import { bytesEqual, sha256Hex, strictUtf8 } from '../../util/bytes.ts';
import type { TlogEntry } from './keyless-tlog-entry.ts';
import { pemCertificates } from './x509-cert.ts';

const hash = z.object({ algorithm: z.literal('sha256'), value: z.string().regex(/^[0-9a-f]{64}$/) });
const dsseBody = z.object({
  apiVersion: z.literal('0.0.1'),
  kind: z.literal('dsse'),
  spec: z.object({
    payloadHash: hash,
    envelopeHash: hash.optional(),
    signatures: z.array(z.object({ signature: z.string(), verifier: z.string() })),
  }),
});

export class UnsupportedEntryError extends Error {}

export async function checkRekorBody(
  entry: TlogEntry,
  envelope: { payload: Uint8Array; signature: Uint8Array },
  leafDer: Uint8Array,
): Promise<void> {
  if (entry.kind !== 'dsse' || entry.version !== '0.0.1') {
    throw new UnsupportedEntryError(`Rekor entry kind ${entry.kind} ${entry.version} is not checked by this tool`);
  }
  let json: unknown;
  try {
    json = JSON.parse(strictUtf8.decode(entry.body));
  } catch {
    throw new Error('Rekor entry body is not JSON');
  }
  const parsed = dsseBody.safeParse(json);
  if (!parsed.success) throw new Error('Rekor entry body is not a dsse 0.0.1 entry (kindVersion says it is)');
  const { spec } = parsed.data;
  if (spec.payloadHash.value !== (await sha256Hex(envelope.payload))) {
    throw new Error('Rekor entry is for another payload (payloadHash differs)');
  }
  const [only, ...more] = spec.signatures;
  if (!only || more.length > 0) throw new Error(`Rekor entry lists ${spec.signatures.length} signatures, expected 1`);
  let signature: Uint8Array;
  let verifier: Uint8Array[];
  try {
    signature = decodeBase64(only.signature);
    verifier = pemCertificates(strictUtf8.decode(decodeBase64(only.verifier)));
  } catch {
    throw new Error('Rekor entry signature or verifier is not decodable');
  }
  if (!bytesEqual(signature, envelope.signature)) throw new Error('Rekor entry is for another signature');
  if (verifier.length !== 1 || !bytesEqual(verifier[0]!, leafDer)) {
    throw new Error('Rekor entry names another signing certificate');
  }
}
