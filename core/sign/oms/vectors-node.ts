// Test helper (Node): the OMS vectors vendored in test/fixtures/oms (see its README for provenance) and how to
// run one labelled case.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { verifyModel } from './verify-model.ts';
import { modelInputFromPath, signatureInside } from './model-input-node.ts';
import type { OmsTrust } from './result.ts';

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
export const VECTORS = join(repoRoot, 'test', 'fixtures', 'oms');

export interface LabelCase {
  id: string;
  method: 'key' | 'certificate' | 'sigstore';
  model_path: string;
  signature: string;
  options: { ignore_unsigned_files: boolean; extra_ignore_paths: string[] };
  expected: 'pass' | 'fail';
  public_key?: string;
  ca_certs?: string[];
  trusted_root?: string;
  identity?: string;
  oidc_issuer?: string;
}

function trustFor(c: LabelCase): OmsTrust {
  const read = (p: string) => readFileSync(join(VECTORS, p), 'utf8');
  if (c.method === 'key') return { method: 'key', publicKeyPem: read(c.public_key!) };
  if (c.method === 'certificate') return { method: 'certificate', caPems: c.ca_certs!.map(read) };
  return { method: 'sigstore', trustedRootJson: read(c.trusted_root!), identity: c.identity!, issuer: c.oidc_issuer! };
}

export async function runCase(c: LabelCase) {
  const modelPath = join(VECTORS, c.model_path);
  const signaturePath = join(VECTORS, c.signature);
  const { model } = await modelInputFromPath(modelPath);
  const inside = signatureInside(modelPath, signaturePath);
  return verifyModel({
    signature: new Uint8Array(readFileSync(signaturePath)),
    model,
    trust: trustFor(c),
    options: {
      ignorePaths: c.options.extra_ignore_paths,
      ignoreUnsigned: c.options.ignore_unsigned_files,
      ...(inside ? { signaturePath: inside } : {}),
    },
  });
}
