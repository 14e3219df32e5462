import { wrap } from 'comlink';
import type { OmsTrust } from '@/core/sign/oms/result';
import type { HashOutcome } from '@/core/hash/hash-outcome';
import type { SignatureOutcome } from '@/core/verify';
import type { SignatureWorkerApi } from '@/workers/signature.worker';
import type { ModelFile } from './model-files';
import { ignorePathList, type VerifyPageOptions } from './verify-options';

const SIGNATURE_FILE = 'model.sig';
/** model.sig files are a few KB; anything far bigger is not one. */
const MAX_SIGNATURE_BYTES = 16 << 20;

function trustFrom(options: VerifyPageOptions): OmsTrust | null {
  if (options.publicKeyPem.trim()) return { method: 'key', publicKeyPem: options.publicKeyPem };
  const caPems = options.caPem.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g) ?? [];
  if (caPems.length) return { method: 'certificate', caPems };
  if (options.trustedRootJson && options.identity && options.issuer) {
    return {
      method: 'sigstore',
      trustedRootJson: options.trustedRootJson,
      identity: options.identity,
      issuer: options.issuer,
    };
  }
  return null;
}

/**
 * Verifies a folder's model.sig (OMS v1.0) in a worker, with the digests the run already made. Undefined
 * when there is no model.sig; without a key, CA or Sigstore identity from the user it says what is missing,
 * never "valid". A signature file that is not one throws, naming it (the pipeline makes that an error check).
 */
export async function verifySignatureInWorker(
  files: readonly ModelFile[],
  outcomes: readonly HashOutcome[],
  options: VerifyPageOptions,
): Promise<SignatureOutcome | undefined> {
  const inFolder = files.find((f) => f.path === SIGNATURE_FILE);
  const sig = options.signatureFile ? { file: options.signatureFile } : inFolder;
  if (!sig) return undefined;
  const trust = trustFrom(options);
  if (!trust) {
    return {
      kind: 'no-trust',
      summary:
        'The folder has a model.sig, but no public key, CA certificate or Sigstore identity was given to check it against (see "Compare with what the publisher published").',
    };
  }
  if (sig.file.size > MAX_SIGNATURE_BYTES) {
    throw Object.assign(new Error(`model.sig is ${sig.file.size} bytes: not a signature`), { file: SIGNATURE_FILE });
  }
  const digests = new Map(outcomes.flatMap((o) => ('sha256' in o ? [[o.path, o.sha256] as const] : [])));
  const worker = new Worker('/workers/signature.worker.js', { type: 'module', name: 'signature' });
  try {
    const api = wrap<SignatureWorkerApi>(worker);
    const result = await api.verify(
      sig.file,
      files.map((f) => ({ path: f.path, file: f.file, sha256: digests.get(f.path) })),
      trust,
      {
        ignoreUnsigned: options.ignoreUnsigned,
        ignorePaths: ignorePathList(options),
        // A separate signature file is not part of the folder; the folder's model.sig is never part of the model.
        ...(options.signatureFile ? {} : { signaturePath: SIGNATURE_FILE }),
      },
    );
    return { kind: 'verified', result };
  } finally {
    worker.terminate();
  }
}
