import { readFile, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileSource } from '../core/io/byte-source-node.ts';
import { createSha256Node } from '../core/hash/sha256-node.ts';
import { buildReport } from '../core/report/build-report.ts';
import type { Report } from '../core/report/schema.ts';
import type { ModelFile } from '../core/sign/oms/manifest-check.ts';
import { signatureInside } from '../core/sign/oms/model-input-node.ts';
import type { OmsTrust } from '../core/sign/oms/result.ts';
import { signatureCheck } from '../core/sign/oms/signature-check.ts';
import { verifyModel } from '../core/sign/oms/verify-model.ts';
import { hashFiles } from './hash-command.ts';
import { collectFiles } from './walk-node.ts';

export interface VerifyFlags {
  signature?: string;
  key?: string;
  ca?: string[];
  'trusted-root'?: string;
  identity?: string;
  issuer?: string;
  'ignore-paths'?: string[];
  'ignore-unsigned'?: boolean;
}

/** A mistake in how the command was called: main.ts maps it to the usage exit code (64). */
export class UsageError extends Error {
  readonly usage = true;
}

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

/**
 * `modelgate verify <model-path>`: checks an OMS model.sig against the files and returns the Report with
 * the `signature` check. Each file is hashed once; the digests serve the report and the signature check.
 */
export async function verifyCommand(modelPath: string, flags: VerifyFlags): Promise<Report> {
  const isDir = (await stat(modelPath)).isDirectory();
  const signaturePath = flags.signature ?? join(isDir ? modelPath : dirname(modelPath), 'model.sig');
  const trust = await readTrust(flags);
  const signature = new Uint8Array(await readFile(signaturePath));
  const { name, files } = await collectFiles([modelPath]);
  const outcomes = await hashFiles(files);
  const modelFiles: ModelFile[] = await Promise.all(
    files.map(async (f, i) => {
      const outcome = outcomes[i]!;
      const source = await fileSource(f.diskPath, f.modelPath);
      return { path: f.modelPath, size: f.size, source, ...('sha256' in outcome ? { sha256: outcome.sha256 } : {}) };
    }),
  );
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
  return buildReport({
    name,
    outcomes,
    environment: { runtime: 'node' },
    extraChecks: [check],
    extraFindings: findings,
  });
}
