import { compareWithManifest, manifestUnavailable, type ManifestComparison } from '@/core/manifest/compare';
import { fetchHubManifest } from '@/core/manifest/hf-tree';
import { isSha256ManifestName, sha256Manifest } from '@/core/manifest/sha256sums';
import type { HashOutcome } from '@/core/report/integrity-check';
import type { ModelFile } from './model-files';
import type { VerifyOptions } from './verify-options';

/** Hub files bigger than this are always Git LFS (the Hub refuses larger plain files), so they need no SHA-1. */
export const GIT_SHA1_MAX_BYTES = 64 << 20;
/** A SHA256SUMS file larger than this is not a manifest of one model folder. */
const MAX_MANIFEST_BYTES = 4 << 20;

/**
 * Compares the hashed files with a published manifest: the Hub revision the user named, or a SHA256SUMS /
 * *.sha256 file dropped with the model. Undefined when there is none. Never throws: a manifest that cannot
 * be fetched or read is an "integrity could not run" result.
 */
export async function checkManifest(
  files: readonly ModelFile[],
  outcomes: readonly HashOutcome[],
  options: VerifyOptions,
): Promise<ManifestComparison | undefined> {
  const local = outcomes.map((o) => ({
    path: o.path,
    size: o.size,
    ...('sha256' in o ? { sha256: o.sha256, ...(o.gitSha1 ? { gitSha1: o.gitSha1 } : {}) } : {}),
  }));
  if (options.hubRepo) {
    const revision = options.hubRevision || 'main';
    try {
      // Only this JSON listing is fetched; the CSP of the ?hub=on page allows huggingface.co and nothing else.
      const manifest = await fetchHubManifest(options.hubRepo, revision, (url, init) => fetch(url, init));
      return compareWithManifest(local, manifest, { ignore: ['model.sig'] });
    } catch (error) {
      return manifestUnavailable(`the Hub revision ${revision} of ${options.hubRepo}`, (error as Error).message);
    }
  }
  const sums = files.find((f) => isSha256ManifestName(f.path));
  if (!sums) return undefined;
  if (sums.file.size > MAX_MANIFEST_BYTES) {
    return manifestUnavailable(sums.path, `the file is ${sums.file.size} bytes, more than a manifest should be`);
  }
  const manifest = sha256Manifest(await sums.file.text(), sums.path);
  return compareWithManifest(local, manifest, { ignore: [sums.path, 'model.sig'] });
}
