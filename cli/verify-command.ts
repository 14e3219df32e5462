import { access, readFile, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join, relative, sep } from 'node:path';
import { fileSource } from '../core/io/byte-source-node.ts';
import { gitBlobSha1Factory } from '../core/hash/git-blob-sha1.ts';
import { hashSourceMulti, SizeChangedError } from '../core/hash/hash-source.ts';
import { createSha256Node } from '../core/hash/sha256-node.ts';
import type { ManifestComparison } from '../core/manifest/compare.ts';
import { checkManifest, GIT_SHA1_MAX_BYTES } from '../core/manifest/check-manifest.ts';
import type { HubFetch } from '../core/manifest/hub-errors.ts';
import { buildReport } from '../core/report/build-report.ts';
import type { HashOutcome } from '../core/report/integrity-check.ts';
import { reportForLink } from '../core/report/link-report.ts';
import { applyPolicy, parsePolicy, PolicyError } from '../core/report/policy.ts';
import { toSarif } from '../core/report/sarif.ts';
import type { FileScan } from '../core/report/scan-check.ts';
import type { Check, Finding, Report } from '../core/report/schema.ts';
import { folderReportFinding, hfBlobEvents, wantsGitSha1, withFolderEvents } from '../core/scan/folder-findings.ts';
import { decodeBase64 } from '../core/sign/base64.ts';
import { asBufferSource } from '../core/sign/buffer-source.ts';
import { fingerprintHex, formatFingerprint } from '../core/sign/fingerprint.ts';
import { encodeFragment } from '../core/sign/link-codec.ts';
import type { ModelFile } from '../core/sign/oms/manifest-check.ts';
import {
  linksNotSigned,
  refusedModelFiles,
  signatureInside,
  sourceOrRefused,
} from '../core/sign/oms/model-input-node.ts';
import type { OmsTrust } from '../core/sign/oms/result.ts';
import { signatureCheck } from '../core/sign/oms/signature-check.ts';
import { verifyModel } from '../core/sign/oms/verify-model.ts';
import { signPayload, type SigningKey } from '../core/sign/report-signature.ts';
import { collectFiles, type LocalFile } from './walk-node.ts';
import { analyzeBehavior } from '../core/probe/analyze.ts';
import type { BehaviorRun } from '../core/probe/types.ts';
import type { Lineage } from '../core/weights/lineage-schema.ts';
import { checkFolderProvenance, toCycloneDx, withProvenance, type ProvenanceResult } from '../core/provenance/index.ts';
import { parseCompareFlags, runBehaviorNode, weightLineage } from './compare-command.ts';
import { scanLocalFile } from './folder-scan-node.ts';
import type { LineageCandidate } from '../core/probe/triggers.ts';

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

export interface Progress {
  update(phase: string, done: number, total: number, unit: 'bytes' | 'files'): void;
  end(): void;
}

const silent: Progress = { update: () => {}, end: () => {} };

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
  if (!stream.isTTY) return silent;
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

/** Same outcomes as hash-command's hashFiles, plus progress and, for a Hub comparison, git blob SHA-1s of small files. */
async function hashAll(files: readonly LocalFile[], wantGitSha1: boolean, progress: Progress): Promise<HashOutcome[]> {
  const total = files.reduce((sum, f) => sum + f.size, 0);
  const outcomes: HashOutcome[] = [];
  let before = 0;
  for (const file of files) {
    try {
      const source = await fileSource(file.diskPath, file.modelPath);
      const git = (wantGitSha1 && source.size <= GIT_SHA1_MAX_BYTES) || wantsGitSha1(file.hfBlob);
      const digests = await hashSourceMulti(
        source,
        { sha256: createSha256Node, ...(git ? { gitSha1: gitBlobSha1Factory(source.size) } : {}) },
        {
          progressEveryBytes: 8 << 20,
          onProgress: (p) => progress.update('hashing', before + p.bytesDone, total, 'bytes'),
        },
      );
      outcomes.push({
        path: file.modelPath,
        size: file.size,
        sha256: digests.sha256,
        ...(digests.gitSha1 ? { gitSha1: digests.gitSha1 } : {}),
      });
    } catch (error) {
      const kind = error instanceof SizeChangedError ? 'changed' : 'unreadable';
      outcomes.push({ path: file.modelPath, size: file.size, error: { kind, message: String(error) } });
    }
    before += file.size;
  }
  return outcomes;
}

/** The scan as `modelgate scan` runs it (cli/scan-command.ts): scanFile over each file's ByteSource. */
async function scanAll(files: readonly LocalFile[], progress: Progress): Promise<FileScan[]> {
  const scans: FileScan[] = [];
  for (const [i, file] of files.entries()) {
    progress.update('scanning', i, files.length, 'files');
    scans.push(await scanLocalFile(file));
  }
  progress.update('scanning', files.length, files.length, 'files');
  return scans;
}

/** `owner/name@revision` → its parts; the revision defaults to `main`. */
export function parseHfFlag(value: string): { repo: string; revision: string } {
  const at = value.indexOf('@');
  const repo = at < 0 ? value : value.slice(0, at);
  const revision = at < 0 ? 'main' : value.slice(at + 1);
  if (repo === '' || revision === '') throw new UsageError(`--hf expects owner/name@revision, got "${value}"`);
  return { repo, revision };
}

/** The folder's published manifest (--hf, or SHA256SUMS in it), compared as the portal does (core/manifest). */
function manifestCheck(
  files: readonly LocalFile[],
  outcomes: readonly HashOutcome[],
  flags: VerifyFlags,
  fetchFn: HubFetch,
): Promise<ManifestComparison | undefined> {
  const disk = new Map(files.map((f) => [f.modelPath, f.diskPath]));
  return checkManifest(outcomes, {
    ...(flags.hf ? { hub: { ...parseHfFlag(flags.hf), fetch: fetchFn } } : {}),
    files: files.map((f) => ({ path: f.modelPath, size: f.size })),
    readText: (path) => readFile(disk.get(path)!, 'utf8'),
  });
}

/**
 * `modelgate verify <model-path>`: fingerprints every file, compares the digests with a published manifest
 * (SHA256SUMS in the folder, or the Hub revision of --hf), scans every file as `modelgate scan` does, and
 * checks an OMS model.sig when there is one (or --signature is given). Each file is hashed once.
 */
export async function verifyCommand(modelPath: string, flags: VerifyFlags, deps: VerifyDeps = {}): Promise<Report> {
  return (await verifyRun(modelPath, flags, deps)).report;
}

/** Reads the provenance inputs (core/provenance/inputs.ts) of a folder on disk: the Verify page reads the same. */
function provenanceFolder(files: readonly LocalFile[]) {
  const byPath = new Map(files.map((f) => [f.modelPath, f.diskPath]));
  return {
    files: files.map((f) => ({ path: f.modelPath, size: f.size })),
    readText: (path: string) => readFile(byPath.get(path)!, 'utf8'),
  };
}

/** `verifyCommand` with the provenance result kept (its parsed card feeds the CycloneDX export). */
export async function verifyRun(
  modelPath: string,
  flags: VerifyFlags,
  deps: VerifyDeps = {},
): Promise<{ report: Report; provenance?: ProvenanceResult }> {
  if (flags.base === undefined) {
    for (const needsBase of ['probes', 'kind', 'trigger-budget', 'batch-size'] as const) {
      if (flags[needsBase] !== undefined) throw new UsageError(`--${needsBase} needs --base <base-dir>`);
    }
  }
  const compareOptions = flags.base !== undefined ? parseCompareFlags(flags) : undefined;
  if (flags.base !== undefined && !(await stat(flags.base)).isDirectory()) {
    throw new UsageError(`--base expects the base model's folder, got "${flags.base}"`);
  }
  const progress = deps.progress ?? silent;
  const isDir = (await stat(modelPath)).isDirectory();
  const signaturePath = flags.signature ?? join(isDir ? modelPath : dirname(modelPath), 'model.sig');
  const trustGiven = Boolean(flags.key || flags.ca?.length || flags['trusted-root']);
  // Without a trust input and without a signature there is nothing to check; a signature without a way
  // to trust it is a usage error rather than a silent skip.
  const checkSignature = trustGiven || flags.signature !== undefined || (await exists(signaturePath));
  const trust = checkSignature ? await readTrust(flags) : undefined;
  const signature = checkSignature ? new Uint8Array(await readFile(signaturePath)) : undefined;
  if (flags.hf) parseHfFlag(flags.hf);

  const { name, files, events } = await collectFiles([modelPath]);
  let hashed: HashOutcome[];
  let scanned: FileScan[];
  try {
    hashed = await hashAll(files, flags.hf !== undefined, progress);
    scanned = await scanAll(files, progress);
  } finally {
    progress.end();
  }
  // Links, refused and unreadable entries become findings and files that could not be checked.
  const folder = withFolderEvents(hashed, scanned, [...events, ...hfBlobEvents(files, hashed)]);
  const outcomes = folder.outcomes;
  const scans = folder.scans ?? scanned;
  const manifest = await manifestCheck(files, outcomes, flags, deps.fetchFn ?? ((url, init) => fetch(url, init)));

  const extraChecks: Check[] = [];
  const extraFindings: Finding[] = [...folder.findings];
  if (trust && signature) {
    const modelFiles: ModelFile[] = await Promise.all(
      files.map(async (f, i) => {
        const outcome = hashed[i]!;
        if ('sha256' in outcome) return { path: f.modelPath, size: f.size, sha256: outcome.sha256 };
        return { path: f.modelPath, size: f.size, source: await sourceOrRefused(f.diskPath, f.modelPath) };
      }),
    );
    // A refused entry stays in the model as a file that cannot be read (MG-SIG-016 when it is signed).
    modelFiles.push(...refusedModelFiles(events));
    const inside = isDir ? signatureInside(modelPath, signaturePath) : undefined;
    const result = await verifyModel({
      signature,
      model: { files: modelFiles, singleFile: !isDir, createHasher: createSha256Node },
      trust,
      options: {
        ignorePaths: flags['ignore-paths'] ?? [],
        ignoreUnsigned: flags['ignore-unsigned'] ?? false,
        ...(inside ? { signaturePath: inside } : {}),
      },
    });
    const { check, findings } = signatureCheck(result);
    extraChecks.push(check);
    extraFindings.push(...findings);
    const sigName = inside ?? basename(signaturePath);
    extraFindings.push(...linksNotSigned(signature, events, sigName).map(folderReportFinding));
  }
  // Model card, datasheets, config and tokenizer: the same files and the same core code as the Verify page.
  const baseFiles = flags.base !== undefined ? (await collectFiles([flags.base])).files : undefined;
  const provenance = await checkFolderProvenance(
    provenanceFolder(files),
    baseFiles ? provenanceFolder(baseFiles) : undefined,
  );
  if (provenance) {
    extraChecks.push(provenance.check);
    extraFindings.push(...provenance.findings);
  }
  // With --base, the weight lineage and the behavioral diff of `modelgate compare`, on onnxruntime-node.
  // A side without weights (a base given for its config and tokenizer only) skips the weight comparison.
  let lineage: Lineage | undefined;
  let candidates: LineageCandidate[] | undefined;
  let run: BehaviorRun | undefined;
  if (flags.base !== undefined && isDir) {
    try {
      ({ lineage, candidates } = await weightLineage(modelPath, flags.base));
    } catch (error) {
      if ((error as { usage?: boolean }).usage !== true) throw error;
      deps.log?.(`no weight comparison: ${(error as Error).message}`);
    }
    run = await runBehaviorNode(modelPath, flags.base, {
      ...compareOptions,
      ...(candidates ? { lineageCandidates: candidates } : {}),
      ...(deps.log ? { log: deps.log } : {}),
    });
  }
  let report = await buildReport({
    name,
    outcomes,
    scans,
    environment: { runtime: 'node', ...(run ? { executionProvider: 'cpu' as const } : {}) },
    ...(manifest ? { manifest: { check: manifest.check, findings: manifest.findings } } : {}),
    ...(lineage ? { lineage } : {}),
    ...(run ? { behavior: analyzeBehavior(run) } : {}),
    extraChecks,
    extraFindings,
  });
  if (provenance) report = withProvenance(report, provenance.provenance);
  return { report, ...(provenance ? { provenance } : {}) };
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

/** The signed link exactly as the portal makes it (lib/report-link.ts): the slim report, DSSE, the codec. */
export async function signedReportLink(report: Report, key: SigningKey, origin: string): Promise<string> {
  const payload = new TextEncoder().encode(JSON.stringify(reportForLink(report)));
  const bundle = await signPayload(payload, key);
  return `${origin}/r#${await encodeFragment(bundle)}`;
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
    const bom = toCycloneDx(report, report.provenance, run.provenance?.card ? { card: run.provenance.card } : {});
    await writeFile(flags.cyclonedx, `${JSON.stringify(bom, null, 2)}\n`);
  }
  if (flags.sarif) {
    const uriPrefix = sarifPrefix(modelPath, (await stat(modelPath)).isDirectory());
    await writeFile(flags.sarif, `${JSON.stringify(toSarif(report, { uriPrefix }), null, 2)}\n`);
  }
  if (key || flags.link) {
    const signer = key ?? (await ephemeralKey());
    const link = await signedReportLink(report, signer, origin);
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
