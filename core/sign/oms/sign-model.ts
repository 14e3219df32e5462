// Signing: an OMS v1.0 bundle as model_signing ≥1.1 `sign key` writes it, so that
// `model_signing verify key` accepts it. Byte-level choices follow the v1.1.0-elliptic-key vector
// (oms-format.md §1): compact bundle JSON, publicKey.hint = SHA-256 of the PEM text, keyid "",
// tlogEntries [], DER signature, payload = Statement pretty-printed with 2-space indentation.
import { pae } from '../dsse.ts';
import { encodeBase64 } from '../../util/base64.ts';
import { p1363ToDer } from '../ecdsa-der.ts';
import { asBufferSource } from '../../util/buffer-source.ts';
import { utf8 } from '../../util/bytes.ts';
import { DEFAULT_IGNORES, ignoreRules, matchIgnore } from './ignore-rules.ts';
import { keyHint } from './signer-key.ts';
import { checkSafePath } from './resources.ts';
import { computeRootDigest, PAYLOAD_TYPE, PREDICATE_V1, STATEMENT_TYPE, type Resource } from './statement.ts';

export const BUNDLE_MEDIA_TYPE = 'application/vnd.dev.sigstore.bundle.v0.3+json';

export interface SignModelInput {
  /** Model name: the folder's base name (subject[0].name). */
  name: string;
  files: readonly { path: string; sha256: string }[];
  /** ECDSA P-256 private key (WebCrypto; may be non-extractable). */
  privateKey: CryptoKey;
  publicKeySpki: Uint8Array;
  /** Extra paths to leave out and record in ignore_paths (the signature's own name is always added). */
  ignorePaths?: readonly string[];
  signatureName?: string;
}

/** model_signing sorts PurePosixPath objects: component by component, code-point order (§1 resource order). */
export function comparePosixPaths(a: string, b: string): number {
  const x = a.split('/');
  const y = b.split('/');
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    if (x[i] !== y[i]) return x[i]! < y[i]! ? -1 : 1;
  }
  return x.length - y.length;
}

function signedResources(input: SignModelInput, ignorePaths: readonly string[]): Resource[] {
  const rules = ignoreRules({ recorded: ignorePaths });
  return input.files
    .filter((f) => !matchIgnore(f.path, rules))
    .map((f) => {
      checkSafePath(f.path);
      if (!/^[0-9a-f]{64}$/.test(f.sha256)) throw new Error(`${f.path}: sha256 must be 64 lowercase hex`);
      return { algorithm: 'sha256', name: f.path, digest: f.sha256 };
    })
    .sort((a, b) => comparePosixPaths(a.name, b.name));
}

async function statementBytes(input: SignModelInput): Promise<Uint8Array> {
  const signatureName = input.signatureName ?? 'model.sig';
  const ignorePaths = [...new Set([...DEFAULT_IGNORES, signatureName, ...(input.ignorePaths ?? [])])];
  const resources = signedResources(input, ignorePaths);
  const statement = {
    _type: STATEMENT_TYPE,
    subject: [{ name: input.name, digest: { sha256: await computeRootDigest(resources) } }],
    predicateType: PREDICATE_V1,
    predicate: {
      resources,
      serialization: { allow_symlinks: false, method: 'files', hash_type: 'sha256', ignore_paths: ignorePaths },
    },
  };
  return utf8.encode(JSON.stringify(statement, null, 2));
}

/** Returns the bytes of model.sig. Only P-256 keys: what the browser key store makes (DESIGN §3). */
export async function signModel(input: SignModelInput): Promise<Uint8Array> {
  const payload = await statementBytes(input);
  const raw = await crypto.subtle.sign(
    { name: 'ECDSA', hash: 'SHA-256' },
    input.privateKey,
    asBufferSource(pae(PAYLOAD_TYPE, payload)),
  );
  const bundle = {
    mediaType: BUNDLE_MEDIA_TYPE,
    verificationMaterial: { publicKey: { hint: await keyHint(input.publicKeySpki) }, tlogEntries: [] },
    dsseEnvelope: {
      payload: encodeBase64(payload),
      payloadType: PAYLOAD_TYPE,
      signatures: [{ sig: encodeBase64(p1363ToDer(new Uint8Array(raw), 'P-256')), keyid: '' }],
    },
  };
  return utf8.encode(JSON.stringify(bundle));
}
