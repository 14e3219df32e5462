import { wrap } from 'comlink';
import { signatureCheck, signatureErrorCheck } from '@/core/sign/oms/signature-check';
import type { OmsTrust } from '@/core/sign/oms/result';
import type { HashOutcome } from '@/core/report/integrity-check';
import type { Check, Finding } from '@/core/report/schema';
import type { SignatureWorkerApi } from '@/workers/signature.worker';
import type { ModelFile } from './model-files';
import { ignorePathList, type VerifyOptions } from './verify-options';

const SIGNATURE_FILE = 'model.sig';
/** model.sig files are a few KB; anything far bigger is not one. */
const MAX_SIGNATURE_BYTES = 16 << 20;

function trustFrom(options: VerifyOptions): OmsTrust | null {
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
 * The signature check for a folder with a model.sig at its root (OMS v1.0), run in a worker. Undefined
 * when there is no model.sig. Without a key or CA from the user it says what is missing, never "valid".
 */
export async function checkSignature(
  files: readonly ModelFile[],
  outcomes: readonly HashOutcome[],
  options: VerifyOptions,
): Promise<{ check: Check; findings: Finding[] } | undefined> {
  const inFolder = files.find((f) => f.path === SIGNATURE_FILE);
  const sig = options.signatureFile ? { file: options.signatureFile } : inFolder;
  if (!sig) return undefined;
  const trust = trustFrom(options);
  if (!trust) {
    return {
      check: {
        id: 'signature',
        status: 'review',
        summary:
          'The folder has a model.sig, but no public key, CA certificate or Sigstore identity was given to check it against (see "Compare with what the publisher published").',
      },
      findings: [],
    };
  }
  if (sig.file.size > MAX_SIGNATURE_BYTES)
    return signatureErrorCheck(`model.sig is ${sig.file.size} bytes: not a signature`);
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
    return signatureCheck(result);
  } catch (error) {
    return signatureErrorCheck((error as Error).message);
  } finally {
    worker.terminate();
  }
}
