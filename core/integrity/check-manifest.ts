import type { HashOutcome } from '../hash/hash-outcome.ts';
import { compareWithManifest, manifestUnavailable, type LocalFile, type ManifestComparison } from './compare.ts';
import { fetchHubManifest } from './hf-tree.ts';
import type { HubFetch } from './hub-errors.ts';
import { isSha256ManifestName, sha256Manifest } from './sha256sums.ts';

/** Hub files bigger than this are always Git LFS (compared by SHA-256), so they need no git blob SHA-1. */
export const GIT_SHA1_MAX_BYTES = 64 << 20;
/** A SHA256SUMS file larger than this is not a manifest of one model folder. */
export const MAX_MANIFEST_BYTES = 4 << 20;

export interface ManifestSources {
  /** The Hub revision the user named, and how to fetch from the Hub (browser fetch, Node fetch, a fixture). */
  hub?: { repo: string; revision: string; fetch: HubFetch };
  /** The model's files (relative paths), to find a SHA256SUMS / *.sha256 among them, and a reader for one. */
  files: readonly { path: string; size: number }[];
  readText(path: string): Promise<string>;
}

/** What hashing left, in the shape the manifest comparison reads. */
export function localFiles(outcomes: readonly HashOutcome[]): LocalFile[] {
  return outcomes.map((o) => ({
    path: o.path,
    size: o.size,
    ...('sha256' in o ? { sha256: o.sha256, ...(o.gitSha1 ? { gitSha1: o.gitSha1 } : {}) } : {}),
  }));
}

/**
 * Compares the hashed files with a published manifest — the Hub revision named, else a SHA256SUMS / *.sha256
 * file in the folder — the same way in the portal and the CLI. Undefined when there is none. A Hub listing
 * that cannot be fetched is an "integrity could not run" result, not an exception.
 */
export async function checkManifest(
  outcomes: readonly HashOutcome[],
  sources: ManifestSources,
): Promise<ManifestComparison | undefined> {
  const local = localFiles(outcomes);
  if (sources.hub) {
    const { repo, revision, fetch } = sources.hub;
    try {
      const manifest = await fetchHubManifest(repo, revision, fetch);
      return compareWithManifest(local, manifest, { ignore: ['model.sig'] });
    } catch (error) {
      return manifestUnavailable(`the Hub revision ${revision} of ${repo}`, (error as Error).message);
    }
  }
  const sums = sources.files.find((f) => isSha256ManifestName(f.path));
  if (!sums) return undefined;
  if (sums.size > MAX_MANIFEST_BYTES) {
    return manifestUnavailable(sums.path, `the file is ${sums.size} bytes, more than a manifest should be`);
  }
  const manifest = sha256Manifest(await sources.readText(sums.path), sums.path);
  return compareWithManifest(local, manifest, { ignore: [sums.path, 'model.sig'] });
}
