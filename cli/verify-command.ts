import { access, readFile, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join, relative, sep } from 'node:path';
import { toCycloneDx } from '../core/export/cyclonedx.ts';
import { toSarif } from '../core/export/sarif.ts';
import type { HashOutcome } from '../core/hash/hash-outcome.ts';
import type { HubFetch } from '../core/integrity/hub-errors.ts';
import type { Card } from '../core/provenance/card.ts';
import { applyPolicy, parsePolicy, PolicyError } from '../core/report/policy.ts';
import type { Report } from '../core/report/schema.ts';
import { fingerprintHex, formatFingerprint } from '../core/sign/fingerprint.ts';
import type { ModelFile } from '../core/sign/oms/manifest-check.ts';
import {
  linksNotSigned,
  refusedModelFiles,
  signatureInside,
  sourceOrRefused,
} from '../core/sign/oms/model-input-node.ts';
import type { OmsTrust } from '../core/sign/oms/result.ts';
import { verifyModel } from '../core/sign/oms/verify-model.ts';
import { makeReportLink } from '../core/sign/report-link.ts';
import type { SigningKey } from '../core/sign/report-signature.ts';
import { createSha256Node } from '../core/hash/sha256-node.ts';
import { decodeBase64 } from '../core/util/base64.ts';
import { asBufferSource } from '../core/util/buffer-source.ts';
import { runVerification, type SignatureOutcome } from '../core/verify/index.ts';
import { baseComparison, parseCompareFlags } from './compare-command.ts';
import {
  diskCapabilities,
  diskSubject,
  diskTextReader,
  silentProgress,
  type DiskSubject,
  type Progress,
} from './node-capabilities.ts';

export interface VerifyFlags {
  signature?: string;
  key?: string;
  ca?: string[];
  'trusted-root'?: string;
  identity?: string;
  issuer?: string;
  'ignore-paths'?: string[];
  'ignore-unsigned'?: boolean;
  /** Compare with a Hugging Face Hub revision: `owner/name@revision` (revision default `main`). */
  hf?: string;
  /** A policy file (core/report/policy.ts): severity overrides, ignored codes, failOn. */
  policy?: string;
  /** Write the report as SARIF 2.1.0 to this file. */
  sarif?: string;
  /** Sign the report with this PKCS#8 PEM ECDSA P-256 private key and print the signed link. */
  sign?: string;
  /** Print a signed report link (with an ephemeral key unless --sign is given). */
  link?: boolean;
  /** The portal origin the link opens, default http://127.0.0.1:3000. */
  origin?: string;
  /**
   * The declared base model's folder: its config.json and tokenizer.json are compared with the card's
   * claim, and the weights and behavior are compared as `modelgate compare` does.
   */
  base?: string;
  /** The probe set of the behavioral comparison with --base (the built-in set for the model kind otherwise). */
  probes?: string;
  kind?: string;
  'trigger-budget'?: string;
  'batch-size'?: string;
  /** Write the CycloneDX 1.6 ML-BOM of the model to this file. */
  cyclonedx?: string;
}

/** What the caller can swap: the Hub fetch (tests) and where progress goes. */
export interface VerifyDeps {
  fetchFn?: HubFetch;
  progress?: Progress;
  /** Progress lines of the behavioral comparison with --base (stderr in the CLI). */
  log?: (line: string) => void;
}

/** A mistake in how the command was called: main.ts maps it to the usage exit code (64). */
export class UsageError extends Error {
  readonly usage = true;
}

export const DEFAULT_ORIGIN = 'http://127.0.0.1:3000';

// ---------------------------------------------------------------------------------------------- progress

function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let value = n / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value.toFixed(1)} ${units[unit]}`;
}

/** One line on a terminal's stderr, redrawn at most every 100 ms and erased at the end. */
export function ttyProgress(stream: NodeJS.WriteStream = process.stderr): Progress {
  if (!stream.isTTY) return silentProgress;
  let last = 0;
  let drawn = false;
  return {
    update(phase, done, total, unit) {
      const now = Date.now();
      if (now - last < 100 && done < total) return;
      last = now;
      const width = 24;
      const ratio = total > 0 ? Math.min(1, done / total) : 1;
      const filled = Math.round(ratio * width);
      const amount = unit === 'bytes' ? `${formatBytes(done)} / ${formatBytes(total)}` : `${done} / ${total} files`;
      const line = `${phase.padEnd(8)} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${String(Math.round(ratio * 100)).padStart(3)}% ${amount}`;
      stream.write(`\r\u001b[2K${line.slice(0, Math.max(20, (stream.columns || 80) - 1))}`);
      drawn = true;
    },
    end() {
      if (drawn) stream.write('\r\u001b[2K');
      drawn = false;
    },
  };
}

// -------------------------------------------------------------------------------------------- the checks

async function readTrust(flags: VerifyFlags): Promise<OmsTrust> {
  const given = [flags.key, flags.ca?.length ? flags.ca : undefined, flags['trusted-root']].filter(Boolean);
  if (given.length !== 1) {
    throw new UsageError(
      'give exactly one of --key <pub.pem>, --ca <ca.pem>…, --trusted-root <file> --identity --issuer',
    );
  }
  if (flags.key) return { method: 'key', publicKeyPem: await readFile(flags.key, 'utf8') };
  if (flags.ca?.length)
    return { method: 'certificate', caPems: await Promise.all(flags.ca.map((p) => readFile(p, 'utf8'))) };
  if (!flags.identity || !flags.issuer)
    throw new UsageError('--trusted-root needs --identity <san> and --issuer <url>');
  const trustedRootJson = await readFile(flags['trusted-root']!, 'utf8');
  return { method: 'sigstore', trustedRootJson, identity: flags.identity, issuer: flags.issuer };
}

const exists = (path: string) =>
  access(path).then(
    () => true,
    () => false,
  );

/** `owner/name@revision` → its parts; the revision defaults to `main`. */
export function parseHfFlag(value: string): { repo: string; revision: string } {
  const at = value.indexOf('@');
  const repo = at < 0 ? value : value.slice(0, at);
  const revision = at < 0 ? 'main' : value.slice(at + 1);
  if (repo === '' || revision === '') throw new UsageError(`--hf expects owner/name@revision, got "${value}"`);
  return { repo, revision };
}

/**
 * `modelgate verify <model-path>`: fingerprints every file, compares the digests with a published manifest
 * (SHA256SUMS in the folder, or the Hub revision of --hf), scans every file as `modelgate scan` does, and
 * checks an OMS model.sig when there is one (or --signature is given). Each file is hashed once.
 */
export async function verifyCommand(modelPath: string, flags: VerifyFlags, deps: VerifyDeps = {}): Promise<Report> {
  return (await verifyRun(modelPath, flags, deps)).report;
}

/** `verifyCommand` with the parsed model card kept (it feeds the CycloneDX export). */
export async function verifyRun(
  modelPath: string,
  flags: VerifyFlags,
  deps: VerifyDeps = {},
): Promise<{ report: Report; card?: Card }> {
  if (flags.base === undefined) {
    for (const needsBase of ['probes', 'kind', 'trigger-budget', 'batch-size'] as const) {
      if (flags[needsBase] !== undefined) throw new UsageError(`--${needsBase} needs --base <base-dir>`);
    }
  }
  const compareOptions = flags.base !== undefined ? parseCompareFlags(flags) : undefined;
  if (flags.base !== undefined && !(await stat(flags.base)).isDirectory()) {
    throw new UsageError(`--base expects the base model's folder, got "${flags.base}"`);
  }
  const isDir = (await stat(modelPath)).isDirectory();
  const signaturePath = flags.signature ?? join(isDir ? modelPath : dirname(modelPath), 'model.sig');
  const trustGiven = Boolean(flags.key || flags.ca?.length || flags['trusted-root']);
  // Without a trust input and without a signature there is nothing to check; a signature without a way
  // to trust it is a usage error rather than a silent skip.
  const checkSignature = trustGiven || flags.signature !== undefined || (await exists(signaturePath));
  const trust = checkSignature ? await readTrust(flags) : undefined;
  const signature = checkSignature ? new Uint8Array(await readFile(signaturePath)) : undefined;
  const hub = flags.hf ? parseHfFlag(flags.hf) : undefined;

  const subject = await diskSubject([modelPath]);
  const base = flags.base !== undefined ? await diskSubject([flags.base]) : undefined;
  const progress = deps.progress ?? silentProgress;
  try {
    const verification = await runVerification({
      ...diskCapabilities(subject, { scan: true, progress }),
      ...(hub ? { hub: { ...hub, fetch: deps.fetchFn ?? ((url, init) => fetch(url, init)) } } : {}),
      ...(trust && signature
        ? {
            verifySignature: (outcomes) =>
              verifyDiskSignature({ subject, outcomes, signature, signaturePath, trust, flags, modelPath, isDir }),
          }
        : {}),
      ...(base
        ? {
            base: {
              files: base.files.map((f) => ({ path: f.modelPath, size: f.size })),
              readText: diskTextReader(base.files),
            },
          }
        : {}),
      // With --base, the weight lineage and the behavioral diff of `modelgate compare`, on onnxruntime-node.
      ...(flags.base !== undefined && isDir
        ? baseComparison(
            modelPath,
            flags.base,
            { ...compareOptions, ...(deps.log ? { log: deps.log } : {}) },
            'optional',
          )
        : {}),
      onStep: (step) => {
        if (step !== 'hashing') progress.end();
      },
    });
    return { report: verification.report, ...(verification.card ? { card: verification.card } : {}) };
  } finally {
    progress.end();
  }
}

/** The OMS signature of a folder on disk, checked with the digests the run already made. */
async function verifyDiskSignature(input: {
  subject: DiskSubject;
  outcomes: readonly HashOutcome[];
  signature: Uint8Array;
  signaturePath: string;
  trust: OmsTrust;
  flags: VerifyFlags;
  modelPath: string;
  isDir: boolean;
}): Promise<SignatureOutcome> {
  const { subject, signature, flags } = input;
  const digests = new Map(input.outcomes.flatMap((o) => ('sha256' in o ? [[o.path, o.sha256] as const] : [])));
  const modelFiles: ModelFile[] = await Promise.all(
    subject.files.map(async (f) => {
      const sha256 = digests.get(f.modelPath);
      if (sha256) return { path: f.modelPath, size: f.size, sha256 };
      return { path: f.modelPath, size: f.size, source: await sourceOrRefused(f.diskPath, f.modelPath) };
    }),
  );
  // A refused entry stays in the model as a file that cannot be read (MG-SIG-016 when it is signed).
  modelFiles.push(...refusedModelFiles(subject.events));
  const inside = input.isDir ? signatureInside(input.modelPath, input.signaturePath) : undefined;
  const result = await verifyModel({
    signature,
    model: { files: modelFiles, singleFile: !input.isDir, createHasher: createSha256Node },
    trust: input.trust,
    options: {
      ignorePaths: flags['ignore-paths'] ?? [],
      ignoreUnsigned: flags['ignore-unsigned'] ?? false,
      ...(inside ? { signaturePath: inside } : {}),
    },
  });
  const sigName = inside ?? basename(input.signaturePath);
  return { kind: 'verified', result, events: linksNotSigned(signature, subject.events, sigName) };
}

// ------------------------------------------------------------------------------------ signing the report

const ECDSA_P256 = { name: 'ECDSA', namedCurve: 'P-256' } as const;

/** A PKCS#8 PEM ECDSA P-256 private key (`openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256`). */
export async function importSigningKey(pem: string, fileName: string): Promise<SigningKey> {
  if (/-----BEGIN (EC |ENCRYPTED )PRIVATE KEY-----/.test(pem)) {
    throw new UsageError(
      `${fileName}: an EC or encrypted private key; --sign needs an unencrypted PKCS#8 key (openssl pkcs8 -topk8 -nocrypt -in key.pem)`,
    );
  }
  const match = /-----BEGIN PRIVATE KEY-----([\s\S]*?)-----END PRIVATE KEY-----/.exec(pem);
  if (!match) throw new UsageError(`${fileName}: not a PEM private key (expected BEGIN PRIVATE KEY)`);
  let privateKey: CryptoKey;
  try {
    const der = decodeBase64(match[1]!.replace(/\s+/g, ''));
    privateKey = await crypto.subtle.importKey('pkcs8', asBufferSource(der), ECDSA_P256, true, ['sign']);
  } catch {
    throw new UsageError(`${fileName}: not an ECDSA P-256 private key in PKCS#8 form`);
  }
  // WebCrypto cannot derive the public key from a private one directly; the JWK export carries x and y.
  const { x, y } = await crypto.subtle.exportKey('jwk', privateKey);
  const publicKey = await crypto.subtle.importKey('jwk', { kty: 'EC', crv: 'P-256', x, y }, ECDSA_P256, true, [
    'verify',
  ]);
  return { privateKey, publicKeySpki: new Uint8Array(await crypto.subtle.exportKey('spki', publicKey)) };
}

async function ephemeralKey(): Promise<SigningKey> {
  const pair = await crypto.subtle.generateKey(ECDSA_P256, false, ['sign', 'verify']);
  return {
    privateKey: pair.privateKey,
    publicKeySpki: new Uint8Array(await crypto.subtle.exportKey('spki', pair.publicKey)),
  };
}

export function parseOrigin(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UsageError(`--origin expects a URL like ${DEFAULT_ORIGIN}, got "${value}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UsageError(`--origin must be an http(s) URL, got "${value}"`);
  }
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

// ------------------------------------------------------------------------------------------ the command

export interface VerifyCliResult {
  report: Report;
  /** The verdict the exit code follows: with a policy's failOn "review", a review counts as fail. */
  exitVerdict: Report['verdict'];
  /** Lines for the user after the report (the signed link, what the policy did). */
  notes: string[];
}

/** The whole `verify` command for main.ts: the checks, then the policy, SARIF and the signed link. */
export async function verifyCli(
  modelPath: string,
  flags: VerifyFlags,
  deps: VerifyDeps = {},
): Promise<VerifyCliResult> {
  // Check everything the user gave before the (possibly long) hashing, so a typo fails fast.
  const policy = flags.policy ? await readPolicy(flags.policy) : undefined;
  const origin = parseOrigin(flags.origin ?? DEFAULT_ORIGIN);
  const key = flags.sign ? await importSigningKey(await readFile(flags.sign, 'utf8'), flags.sign) : undefined;

  if (flags.base !== undefined && !(await stat(modelPath)).isDirectory()) {
    throw new UsageError('--base compares model folders: give the model folder, not a file');
  }
  const run = await verifyRun(modelPath, flags, { progress: ttyProgress(), ...deps });
  let report = run.report;
  let exitVerdict = report.verdict;
  const notes: string[] = [];
  if (policy) {
    const outcome = applyPolicy(report, policy);
    report = outcome.report;
    exitVerdict = outcome.exitVerdict;
    notes.push(
      `policy ${flags.policy}: ${outcome.ignored} finding(s) ignored, ${outcome.overridden} severity override(s), fails on ${policy.failOn ?? 'fail'}`,
    );
  }
  if (flags.cyclonedx) {
    const bom = toCycloneDx(report, report.provenance, run.card ? { card: run.card } : {});
    await writeFile(flags.cyclonedx, `${JSON.stringify(bom, null, 2)}\n`);
  }
  if (flags.sarif) {
    const uriPrefix = sarifPrefix(modelPath, (await stat(modelPath)).isDirectory());
    await writeFile(flags.sarif, `${JSON.stringify(toSarif(report, { uriPrefix }), null, 2)}\n`);
  }
  if (key || flags.link) {
    const signer = key ?? (await ephemeralKey());
    const link = await makeReportLink(report, signer, origin);
    const fingerprint = formatFingerprint(await fingerprintHex(signer.publicKeySpki));
    notes.push(
      key
        ? `Signed report link (signer ${fingerprint}):`
        : `Signed report link, signed with a one-time key made for this run and not kept (signer ${fingerprint}); the link verifies, but no one can pin this signer: use --sign <key.pem> for a key you keep:`,
      link,
    );
  }
  return { report, exitVerdict, notes };
}

/** SARIF URIs are relative to where the command runs (the repository root in CI): the model folder's path. */
function sarifPrefix(modelPath: string, isDir: boolean): string {
  const folder = isDir ? modelPath : dirname(modelPath);
  const rel = relative(process.cwd(), folder).split(sep).join('/');
  return rel === '' ? '' : `${rel}/`;
}

/** A policy file that is missing or wrong is a usage error (64), named in the message. */
async function readPolicy(path: string) {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UsageError(`${path}: ${code === 'ENOENT' ? 'no such policy file' : (error as Error).message}`);
  }
  try {
    return parsePolicy(text, path);
  } catch (error) {
    if (error instanceof PolicyError) throw new UsageError(error.message);
    throw error;
  }
}
