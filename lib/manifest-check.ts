import { checkManifest as compareWithPublished, type ManifestSources } from '@/core/manifest/check-manifest';
import type { ManifestComparison } from '@/core/manifest/compare';
import type { HashOutcome } from '@/core/report/integrity-check';
import type { ModelFile } from './model-files';
import type { VerifyOptions } from './verify-options';

export { GIT_SHA1_MAX_BYTES } from '@/core/manifest/check-manifest';

/**
 * The Verify page's manifest comparison (core/manifest/check-manifest.ts) over the dropped files: the Hub
 * revision the user named, or a SHA256SUMS / *.sha256 file dropped with the model.
 */
export function checkManifest(
  files: readonly ModelFile[],
  outcomes: readonly HashOutcome[],
  options: VerifyOptions,
): Promise<ManifestComparison | undefined> {
  const byPath = new Map(files.map((f) => [f.path, f.file]));
  const sources: ManifestSources = {
    // Only this JSON listing is fetched; the CSP of the ?hub=on page allows huggingface.co and nothing else.
    ...(options.hubRepo
      ? {
          hub: {
            repo: options.hubRepo,
            revision: options.hubRevision || 'main',
            fetch: (url, init) => fetch(url, init),
          },
        }
      : {}),
    files: files.map((f) => ({ path: f.path, size: f.file.size })),
    readText: (path) => byPath.get(path)!.text(),
  };
  return compareWithPublished(outcomes, sources);
}
