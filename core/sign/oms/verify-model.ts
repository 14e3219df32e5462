// OMS v1.0 verification, end to end: parse the bundle →
// resolve the trusted signer key → verify the DSSE signature over the exact payload → check the
// statement and its root digest → compare the model's files with the signed resources.
import { parseBundle, type OmsBundle } from './bundle.ts';
import { verifyDsse } from './dsse-verify.ts';
import { ignoreRules } from './ignore-rules.ts';
import { compareManifest, type ManifestResult, type ModelInput } from './manifest-check.ts';
import { expectedManifest, SUPPORTED_HASH_TYPES } from './resources.ts';
import { statusOf, type OmsMethod, type OmsProblem, type OmsResult, type OmsStage, type OmsTrust } from './result.ts';
import { resolveCertificateSigner, resolveKeySigner, SignerError, type ResolvedSigner } from './signer-key.ts';
import { verifyKeyless } from './keyless.ts';
import {
  computeRootDigest,
  parseStatement,
  PAYLOAD_TYPE,
  peekPredicateType,
  PREDICATE_LEGACY,
  type OmsStatement,
} from './statement.ts';

export interface OmsVerifyOptions {
  /** Verify-time ignore paths (model_signing --ignore-paths), relative to the model root. */
  ignorePaths?: readonly string[];
  /** Unsigned files become info findings instead of failing the check (model_signing --ignore_unsigned_files). */
  ignoreUnsigned?: boolean;
  /** Path of the signature file relative to the model root, when it lies inside it: never part of the model. */
  signaturePath?: string;
}

export interface VerifyModelInput {
  signature: Uint8Array;
  model: ModelInput;
  trust: OmsTrust;
  options?: OmsVerifyOptions;
}

function stop(method: OmsMethod, stage: OmsStage, problems: OmsProblem[], extra: Partial<OmsResult> = {}): OmsResult {
  return { status: statusOf(problems), stage, method, problems, ...extra };
}

async function resolveSigner(bundle: OmsBundle, trust: OmsTrust): Promise<ResolvedSigner> {
  if (trust.method === 'key') return resolveKeySigner(bundle.material, trust.publicKeyPem);
  if (trust.method === 'certificate') return resolveCertificateSigner(bundle.material, trust.caPems);
  return verifyKeyless(bundle, trust);
}

function signerProblem(error: unknown, bundle: OmsBundle, trust: OmsTrust): OmsProblem {
  const detail = (error as Error).message;
  if (error instanceof SignerError && error.kind === 'hint') return { code: 'MG-SIG-004', detail };
  if (error instanceof SignerError && error.kind === 'chain') return { code: 'MG-SIG-005', detail };
  if (error instanceof SignerError && error.kind === 'keyless') return { code: 'MG-SIG-013', detail };
  if (error instanceof SignerError && error.kind === 'unsupported') return { code: 'MG-SIG-010', detail };
  if (bundle.material.kind === 'certificate' && trust.method !== 'sigstore') {
    const hint = 'it was signed with Sigstore keyless signing: give a trusted root, identity and issuer';
    return { code: 'MG-SIG-010', detail: `${detail}; ${hint}` };
  }
  return { code: 'MG-SIG-001', detail };
}

function parseStatementOrProblem(bundle: OmsBundle): OmsStatement | OmsProblem {
  if (bundle.payloadType !== PAYLOAD_TYPE) {
    return { code: 'MG-SIG-003', detail: `payloadType is "${bundle.payloadType}", expected "${PAYLOAD_TYPE}"` };
  }
  try {
    return parseStatement(bundle.payload);
  } catch (error) {
    return { code: 'MG-SIG-003', detail: (error as Error).message };
  }
}

async function checkStatement(statement: OmsStatement): Promise<OmsProblem | undefined> {
  if (!statement.legacy) {
    const root = await computeRootDigest(statement.resources).catch(() => undefined);
    if (root !== statement.rootDigest) {
      return {
        code: 'MG-SIG-003',
        detail: `subject digest ${statement.rootDigest} is not the digest of the resources (${root})`,
      };
    }
  }
  const hashType = statement.serialization.hash_type;
  if (!SUPPORTED_HASH_TYPES.has(hashType)) {
    return { code: 'MG-SIG-012', detail: `files were signed with ${hashType}; this tool checks sha256 only` };
  }
  return undefined;
}

function manifestProblems(m: ManifestResult, ignoreUnsigned: boolean): OmsProblem[] {
  return [
    ...m.modified.map((f): OmsProblem => ({
      code: 'MG-SIG-006',
      file: f.path,
      detail: `${f.path}${f.range ? ` bytes ${f.range}` : ''}: signed ${f.expected}, found ${f.actual}`,
      evidence: { expected: f.expected, actual: f.actual, ...(f.range ? { range: f.range } : {}) },
    })),
    ...m.missing.map((path): OmsProblem => ({
      code: 'MG-SIG-007',
      file: path,
      detail: `${path} is signed but absent`,
    })),
    ...m.extra.map((path): OmsProblem => ({
      code: ignoreUnsigned ? 'MG-SIG-009' : 'MG-SIG-008',
      file: path,
      detail: `${path} is not in the signed manifest`,
    })),
    ...m.unreadable.map((u): OmsProblem => ({ code: 'MG-SIG-016', file: u.path, detail: u.message })),
    ...m.emptyUnsigned.map((path): OmsProblem => ({
      code: 'MG-SIG-014',
      file: path,
      detail: `${path} is empty; shards signatures cannot cover empty files`,
    })),
  ];
}

async function verifySignature(bundle: OmsBundle, signer: ResolvedSigner): Promise<{ ok: boolean; legacy: boolean }> {
  // model_signing 0.2 signed a buggy PAE with SHA-256 (oms-format.md §1 quirks); nothing else may use it.
  const legacy = peekPredicateType(bundle.payload) === PREDICATE_LEGACY;
  const ok = await verifyDsse(signer.key, bundle.payloadType, bundle.payload, bundle.signature, { legacy });
  return { ok, legacy };
}

export async function verifyModel(input: VerifyModelInput): Promise<OmsResult> {
  const method = input.trust.method;
  let bundle: OmsBundle;
  try {
    bundle = parseBundle(input.signature);
  } catch (error) {
    return stop(method, 'bundle', [{ code: 'MG-SIG-002', detail: (error as Error).message }]);
  }
  let signer: ResolvedSigner;
  try {
    signer = await resolveSigner(bundle, input.trust);
  } catch (error) {
    return stop(method, 'signer', [signerProblem(error, bundle, input.trust)]);
  }
  const problems: OmsProblem[] = [];
  const { ok, legacy } = await verifySignature(bundle, signer);
  if (!ok) {
    problems.push({ code: 'MG-SIG-001', detail: `the DSSE signature does not verify with ${signer.signer}` });
    return stop(method, 'signature', problems, { signer: signer.signer });
  }
  const statement = parseStatementOrProblem(bundle);
  if ('code' in statement) return stop(method, 'statement', [statement], { signer: signer.signer });
  const bad = await checkStatement(statement);
  if (bad) return stop(method, 'statement', [bad], { signer: signer.signer });
  return verifyFiles(input, statement, signer, legacy);
}

async function verifyFiles(input: VerifyModelInput, statement: OmsStatement, signer: ResolvedSigner, legacy: boolean) {
  const base = {
    signer: signer.signer,
    subjectName: statement.subjectName,
    legacy,
    ...(statement.rootDigest ? { rootDigest: statement.rootDigest } : {}),
  };
  const problems: OmsProblem[] = [];
  if (legacy || signer.noHint) {
    const what = legacy ? 'model_signing 0.2 statement (Digests/v0.1) and PAE' : 'no public key hint in the bundle';
    problems.push({ code: 'MG-SIG-011', detail: `old signature format: ${what}` });
  }
  let expected;
  try {
    expected = expectedManifest(statement);
  } catch (error) {
    return stop(input.trust.method, 'statement', [{ code: 'MG-SIG-003', detail: (error as Error).message }], base);
  }
  const options = input.options ?? {};
  const rules = ignoreRules({
    recorded: statement.serialization.ignore_paths ?? [],
    extra: options.ignorePaths ?? [],
    ...(options.signaturePath ? { signaturePath: options.signaturePath } : {}),
  });
  const manifest = await compareManifest(expected, input.model, rules);
  problems.push(...manifestProblems(manifest, options.ignoreUnsigned ?? false));
  const status = statusOf(problems);
  if (status === 'valid') {
    problems.push({ code: 'MG-SIG-015', detail: `signed by ${signer.signer}; ${manifest.verified} files match` });
  }
  return { ...stop(input.trust.method, 'done', problems, base), manifest };
}
