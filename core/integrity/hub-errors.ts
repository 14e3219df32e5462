/** Why the Hub listing could not be used; every message names the repo so the report can show it as is. */
export type HubErrorKind =
  | 'invalid-repo'
  | 'invalid-revision'
  | 'unauthorized'
  | 'not-found'
  | 'rate-limited'
  | 'http'
  | 'network'
  | 'malformed'
  | 'foreign-link'
  | 'too-many-pages';

export class HubError extends Error {
  readonly kind: HubErrorKind;
  readonly repo: string;
  readonly status?: number;

  constructor(kind: HubErrorKind, repo: string, message: string, status?: number) {
    super(message);
    this.name = 'HubError';
    this.kind = kind;
    this.repo = repo;
    if (status !== undefined) this.status = status;
  }
}

/** Just what the client reads from a response: browser `Response` and test fixtures both fit. */
export interface HubResponse {
  readonly status: number;
  readonly headers: { get(name: string): string | null };
  text(): Promise<string>;
}

/** The injected fetch: `globalThis.fetch` in the browser, a fixture in tests and e2e. */
export type HubFetch = (url: string, init: { headers: Record<string, string> }) => Promise<HubResponse>;

/**
 * Maps a non-2xx answer to a message a user can act on. The Hub answers 401 (not 404) for a repo that
 * does not exist *or* is private, and says which in `X-Error-Code` when the header is readable
 * (huggingface_hub's hf_raise_for_status reads the same codes).
 */
export function httpError(repo: string, what: string, response: HubResponse): HubError {
  const status = response.status;
  const code = response.headers.get('x-error-code');
  if (code === 'RevisionNotFound') {
    return new HubError('not-found', repo, `${repo}: ${what} not found: no such revision on the Hub`, status);
  }
  if (code === 'RepoNotFound' || status === 404) {
    return new HubError(
      'not-found',
      repo,
      `${repo}: ${what} not found: no such repo or revision (or it is private)`,
      status,
    );
  }
  if (code === 'GatedRepo' || status === 401 || status === 403) {
    return new HubError(
      'unauthorized',
      repo,
      `${repo}: access refused (HTTP ${status}): the repo is gated or private, or does not exist`,
      status,
    );
  }
  if (status === 429) {
    const retry = response.headers.get('retry-after');
    const wait = retry ? `; retry after ${retry} s` : '';
    return new HubError('rate-limited', repo, `${repo}: the Hub is rate-limiting requests (HTTP 429)${wait}`, status);
  }
  return new HubError('http', repo, `${repo}: the Hub answered HTTP ${status} for ${what}`, status);
}
