/**
 * A published manifest: what the model's publisher says its files are. Each entry
 * carries the digests that source publishes: the Hub gives SHA-256 only for LFS files and a git blob
 * SHA-1 for the rest; SHA256SUMS gives SHA-256 and no size.
 */
export interface ManifestEntry {
  /** Relative to the model root, `/` separators, no `./` prefix. */
  path: string;
  sha256?: string;
  gitSha1?: string;
  size?: number;
  /**
   * For Hub LFS files: the git id and size of the pointer file git stores in their place. A local file
   * matching it is a checkout made without git-lfs, not tampering.
   */
  lfsPointer?: { gitSha1: string; size: number };
}

export type ManifestSource =
  { kind: 'hub'; repo: string; revision: string; commit: string } | { kind: 'sha256sums'; path: string };

/** A manifest line that could not be understood (kept so the report can say so, with its number). */
export interface ManifestProblem {
  line: number;
  message: string;
}

export interface Manifest {
  source: ManifestSource;
  entries: ManifestEntry[];
  problems: ManifestProblem[];
}

/** How the report names a manifest: the Hub commit in full, so the report records what was compared. */
export function describeManifest(source: ManifestSource): string {
  if (source.kind === 'sha256sums') return source.path;
  const named = source.revision === source.commit ? '' : ` (${source.revision})`;
  return `the Hub revision ${source.commit}${named} of ${source.repo}`;
}
