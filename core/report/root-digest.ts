import type { ReportFile } from './schema.ts';

/**
 * One digest for the whole model: SHA-256 of the `sha256sum` listing of every file, sorted by path
 * ("<hex>  <path>\n" per line). Anyone can recompute it with
 * `find . -type f | sort | xargs sha256sum | sha256sum` (with paths relative to the model root, no "./").
 * Undefined when any file has no digest: a partial model has no root digest.
 */
export async function rootDigest(files: readonly ReportFile[]): Promise<string | undefined> {
  if (files.some((f) => !f.sha256)) return undefined;
  const listing = [...files]
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))
    .map((f) => `${f.sha256}  ${f.path}\n`)
    .join('');
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(listing));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}
