// Sigstore bundle JSON (protobuf-JSON of dev.sigstore.bundle.v1.Bundle) as OMS writes it:
// The OMS bundle as model_signing writes it. Lenient in shape (v0.1–v0.3 media types, keyid ""|null|absent,
// tlogEntries []|absent), strict in meaning (exactly one DSSE signature, one kind of material).
import { z } from 'zod';
import { decodeBase64, isCanonicalBase64 } from '../../util/base64.ts';
import { strictUtf8 } from '../../util/bytes.ts';
import { jsonBoundProblem } from '../../util/bounded-json.ts';

const b64 = z.string().refine(isCanonicalBase64, { message: 'must be canonical standard base64' });
const rawBytes = z.object({ rawBytes: b64 });

const bundleSchema = z.object({
  mediaType: z.string(),
  verificationMaterial: z.object({
    publicKey: z
      .object({ hint: z.string().optional(), rawBytes: b64.optional(), keyDetails: z.string().optional() })
      .optional(),
    x509CertificateChain: z.object({ certificates: z.array(rawBytes).min(1) }).optional(),
    certificate: rawBytes.optional(),
    tlogEntries: z.array(z.record(z.string(), z.unknown())).optional(),
    timestampVerificationData: z.unknown().optional(),
  }),
  dsseEnvelope: z.object({
    payload: b64,
    payloadType: z.string(),
    signatures: z.array(z.object({ sig: b64, keyid: z.string().nullable().optional() })),
  }),
});

export type VerificationMaterial =
  | { kind: 'publicKey'; hint?: string; keyDetails?: string }
  | { kind: 'x509Chain'; certificates: Uint8Array[] }
  | { kind: 'certificate'; certificate: Uint8Array };

export interface OmsBundle {
  mediaType: string;
  material: VerificationMaterial;
  /** Rekor entries as given (protobuf-JSON); only the keyless method reads them. */
  tlogEntries: Record<string, unknown>[] | undefined;
  payloadType: string;
  /** The exact signed bytes: never re-serialize them (DSSE §Protocol). */
  payload: Uint8Array;
  /** ECDSA signature, ASN.1 DER as the bundle stores it. */
  signature: Uint8Array;
}

export class BundleError extends Error {
  constructor(message: string) {
    super(`signature file: ${message}`);
    this.name = 'BundleError';
  }
}

// Sigstore bundle media types: v0.1/v0.2 use a version parameter, v0.3 a dotted suffix
// (sigstore protobuf-specs, bundle.proto). Anything else is not a Sigstore bundle.
const MEDIA_TYPE = /^application\/vnd\.dev\.sigstore\.bundle(?:\+json;version=0\.[12]|\.v0\.3\+json)$/;

function pickMaterial(vm: z.infer<typeof bundleSchema>['verificationMaterial']): VerificationMaterial {
  const present = [vm.publicKey, vm.x509CertificateChain, vm.certificate].filter((m) => m !== undefined);
  if (present.length !== 1) {
    throw new BundleError('verificationMaterial must hold exactly one of publicKey, x509CertificateChain, certificate');
  }
  if (vm.publicKey) {
    const { hint, keyDetails } = vm.publicKey;
    return { kind: 'publicKey', ...(hint ? { hint } : {}), ...(keyDetails ? { keyDetails } : {}) };
  }
  if (vm.x509CertificateChain) {
    return {
      kind: 'x509Chain',
      certificates: vm.x509CertificateChain.certificates.map((c) => decodeBase64(c.rawBytes)),
    };
  }
  return { kind: 'certificate', certificate: decodeBase64(vm.certificate!.rawBytes) };
}

function parseJson(bytes: Uint8Array): unknown {
  let text: string;
  try {
    text = strictUtf8.decode(bytes);
  } catch {
    throw new BundleError('not UTF-8 text');
  }
  const tooDeep = jsonBoundProblem(text, { maxBytes: Infinity });
  if (tooDeep) throw new BundleError(tooDeep.what);
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new BundleError(`not valid JSON (${(error as Error).message})`);
  }
}

/** Parses model.sig bytes into its parts, or throws a BundleError naming the first problem. */
export function parseBundle(bytes: Uint8Array): OmsBundle {
  const parsed = bundleSchema.safeParse(parseJson(bytes));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new BundleError(`not a Sigstore bundle: ${issue?.path.join('.') || '(root)'}: ${issue?.message}`);
  }
  const { mediaType, verificationMaterial, dsseEnvelope } = parsed.data;
  if (!MEDIA_TYPE.test(mediaType)) throw new BundleError(`unknown mediaType "${mediaType}"`);
  const [first, ...rest] = dsseEnvelope.signatures;
  // OMS signs with one key; several signatures would leave it open which one "the" signer is.
  if (!first || rest.length > 0) {
    throw new BundleError(`expected exactly 1 DSSE signature, found ${dsseEnvelope.signatures.length}`);
  }
  return {
    mediaType,
    material: pickMaterial(verificationMaterial),
    tlogEntries: verificationMaterial.tlogEntries,
    payloadType: dsseEnvelope.payloadType,
    payload: decodeBase64(dsseEnvelope.payload),
    signature: decodeBase64(first.sig),
  };
}
