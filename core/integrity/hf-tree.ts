import { z } from 'zod';
import { GIT_SHA1_HEX } from '../hash/git-blob-sha1.ts';
import { HubError, httpError, type HubFetch, type HubResponse } from './hub-errors.ts';
import type { Manifest, ManifestEntry } from './manifest.ts';

/**
 * The Hugging Face Hub tree API client. Only this origin is
 * ever contacted, and only the two endpoints below; pages are followed by the `Link` header.
 */
export const HUB_ORIGIN = 'https://huggingface.co';
const DEFAULT_MAX_PAGES = 100; // the Hub pages 1000 entries: 100k files is past any real model repo

const sha256Hex = z.string().regex(/^[0-9a-f]{64}$/);
const gitSha1Hex = z.string().regex(GIT_SHA1_HEX);
const size = z.number().int().nonnegative();

export const HubTreeEntrySchema = z.object({
  type: z.enum(['file', 'directory']),
  path: z.string().min(1).max(4096),
  size,
  /** The git object id: for an LFS file, that of its pointer, not of its content. */
  oid: gitSha1Hex,
  lfs: z.object({ oid: sha256Hex, size, pointerSize: size }).nullish(),
});
const HubTreePageSchema = z.array(HubTreeEntrySchema);
/** `/api/models/{repo}/revision/{rev}` is model_info at a revision; only the commit is read here. */
const HubRevisionSchema = z.object({ sha: gitSha1Hex });

export type HubTreeEntry = z.infer<typeof HubTreeEntrySchema>;

export interface HubFile {
  path: string;
  size: number;
  gitSha1: string;
  lfs?: { sha256: string; size: number; pointerSize: number };
}

export interface HubOptions {
  maxPages?: number;
}

/**
 * `owner/name` as the Hub allows them (huggingface_hub validate_repo_id): word characters, `-` and `.`,
 * starting and ending with a word character, no `--` or `..`, at most 96 characters. Checked before
 * the id goes into a URL, so it can never add a path segment or a query.
 */
export function validateRepoId(repo: string): void {
  const part = /^[A-Za-z0-9_](?:[\w.-]*[A-Za-z0-9_])?$/;
  const parts = repo.split('/');
  const ok =
    repo.length <= 96 &&
    parts.length === 2 &&
    parts.every((p) => part.test(p)) &&
    !repo.includes('--') &&
    !repo.includes('..');
  if (!ok) throw new HubError('invalid-repo', repo, `${repo}: not a Hub repo id (expected owner/name)`);
}

function checkRevision(repo: string, revision: string): void {
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
  if (revision === '' || revision.length > 256 || /[\u0000-\u001f\u007f]/.test(revision)) {
    throw new HubError('invalid-revision', repo, `${repo}: invalid revision ${JSON.stringify(revision)}`);
  }
}

/** Revisions like `refs/pr/1` are one path segment to the API, so `/` is encoded too (as huggingface_hub does). */
function modelUrl(repo: string, endpoint: 'tree' | 'revision', revision: string): string {
  const query = endpoint === 'tree' ? '?recursive=true' : '';
  return `${HUB_ORIGIN}/api/models/${repo}/${endpoint}/${encodeURIComponent(revision)}${query}`;
}

async function getJson(
  fetchFn: HubFetch,
  url: string,
  repo: string,
  what: string,
): Promise<{ body: unknown; link: string | null }> {
  let response: HubResponse;
  try {
    response = await fetchFn(url, { headers: { accept: 'application/json' } });
  } catch (error) {
    // Offline, DNS, CORS or the portal's CSP: fetch only says "TypeError", so pass its words on.
    const reason = error instanceof Error ? error.message : String(error);
    throw new HubError('network', repo, `${repo}: the Hub could not be reached for ${what} (${reason})`);
  }
  if (response.status < 200 || response.status > 299) throw httpError(repo, what, response);
  const text = await response.text();
  try {
    return { body: JSON.parse(text) as unknown, link: response.headers.get('link') };
  } catch {
    throw new HubError('malformed', repo, `${repo}: the Hub's answer for ${what} is not JSON`, response.status);
  }
}

/** The commit a branch, tag or commit names; the report records it so the comparison can be repeated. */
export async function resolveHubRevision(repo: string, revision: string, fetchFn: HubFetch): Promise<string> {
  validateRepoId(repo);
  checkRevision(repo, revision);
  const what = `revision ${revision}`;
  const { body } = await getJson(fetchFn, modelUrl(repo, 'revision', revision), repo, what);
  const parsed = HubRevisionSchema.safeParse(body);
  if (!parsed.success) throw new HubError('malformed', repo, `${repo}: the Hub's answer for ${what} has no commit sha`);
  return parsed.data.sha;
}

/**
 * The `rel="next"` target of a Link header (RFC 8288), or null. Several links may be comma-separated and
 * `rel` may list several relation types.
 */
export function parseNextLink(header: string | null): string | null {
  if (!header) return null;
  for (const match of header.matchAll(/<([^>]*)>((?:\s*;\s*[^;,]*)*)/g)) {
    const rel = /;\s*rel\s*=\s*(?:"([^"]*)"|([^\s;,]+))/i.exec(match[2] ?? '');
    const types = (rel?.[1] ?? rel?.[2] ?? '').toLowerCase().split(/\s+/);
    if (types.includes('next')) return match[1] ?? null;
  }
  return null;
}

/** Every file of the repo at `revision`, all pages followed. Directories are left out. */
export async function fetchHubTree(
  repo: string,
  revision: string,
  fetchFn: HubFetch,
  options: HubOptions = {},
): Promise<HubFile[]> {
  validateRepoId(repo);
  checkRevision(repo, revision);
  const maxPages = options.maxPages ?? DEFAULT_MAX_PAGES;
  const files = new Map<string, HubFile>();
  const visited = new Set<string>();
  let url: string | null = modelUrl(repo, 'tree', revision);
  for (let page = 1; url !== null; page += 1) {
    if (page > maxPages)
      throw new HubError('too-many-pages', repo, `${repo}: the file list has more than ${maxPages} pages`);
    visited.add(url);
    const { body, link } = await getJson(fetchFn, url, repo, `the file list (page ${page})`);
    for (const entry of parsePage(repo, page, body)) addFile(repo, files, entry);
    url = nextPage(repo, link, visited);
  }
  return [...files.values()];
}

function parsePage(repo: string, page: number, body: unknown): HubTreeEntry[] {
  const parsed = HubTreePageSchema.safeParse(body);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const where = issue ? ` at ${issue.path.join('.') || 'top level'}: ${issue.message}` : '';
  throw new HubError('malformed', repo, `${repo}: page ${page} of the file list is not a Hub tree listing${where}`);
}

function addFile(repo: string, files: Map<string, HubFile>, entry: HubTreeEntry): void {
  if (entry.type !== 'file') return;
  // A path listed twice means the pages overlap (a cursor bug); the listing can no longer be trusted.
  if (files.has(entry.path)) throw new HubError('malformed', repo, `${repo}: ${entry.path} is listed twice`);
  const file: HubFile = { path: entry.path, size: entry.size, gitSha1: entry.oid };
  if (entry.lfs) file.lfs = { sha256: entry.lfs.oid, size: entry.lfs.size, pointerSize: entry.lfs.pointerSize };
  files.set(entry.path, file);
}

/** Only the Hub's own API may be followed: a Link to any other origin would leak the request elsewhere. */
function nextPage(repo: string, link: string | null, visited: Set<string>): string | null {
  const next = parseNextLink(link);
  if (next === null) return null;
  if (!next.startsWith(`${HUB_ORIGIN}/api/models/`)) {
    throw new HubError('foreign-link', repo, `${repo}: refused to follow a next-page link to ${next}`);
  }
  if (visited.has(next)) throw new HubError('malformed', repo, `${repo}: the file list pages loop back to ${next}`);
  return next;
}

/** What the Hub publishes for each file: SHA-256 for LFS files, the git blob id for the others. */
export function hubManifestEntries(files: readonly HubFile[]): ManifestEntry[] {
  return files.map((f) =>
    f.lfs
      ? {
          path: f.path,
          sha256: f.lfs.sha256,
          size: f.lfs.size,
          lfsPointer: { gitSha1: f.gitSha1, size: f.lfs.pointerSize },
        }
      : { path: f.path, gitSha1: f.gitSha1, size: f.size },
  );
}

/**
 * The Hub's manifest of `repo` at `revision`: the revision is resolved to a commit first and the tree is
 * read at that commit, so a branch that moves between the two calls cannot mix two versions.
 */
export async function fetchHubManifest(
  repo: string,
  revision: string,
  fetchFn: HubFetch,
  options: HubOptions = {},
): Promise<Manifest> {
  const commit = await resolveHubRevision(repo, revision, fetchFn);
  const files = await fetchHubTree(repo, commit, fetchFn, options);
  return { source: { kind: 'hub', repo, revision, commit }, entries: hubManifestEntries(files), problems: [] };
}
