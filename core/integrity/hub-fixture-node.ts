// Test support: serves test/fixtures/hub/*.json (written by scripts/gen_hub_fixture.ts) through the
// HubFetch interface, the way the e2e tests serve it with Playwright routing.
import { readFileSync } from 'node:fs';
import type { HubFetch, HubResponse } from './hub-errors.ts';

export interface RecordedPage {
  url: string;
  headers: Record<string, string>;
  body: unknown;
}

export interface HubFixture {
  repo: string;
  commit: string;
  revision: { url: string; body: { sha: string } & Record<string, unknown> };
  pages: RecordedPage[];
}

export function loadHubFixture(name = 'tiny-sentiment'): HubFixture {
  const url = new URL(`../../test/fixtures/hub/${name}.json`, import.meta.url);
  return JSON.parse(readFileSync(url, 'utf8')) as HubFixture;
}

export function jsonResponse(status: number, body: unknown, headers: Record<string, string> = {}): HubResponse {
  const lower = new Map(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  return { status, headers: { get: (name) => lower.get(name.toLowerCase()) ?? null }, text: async () => text };
}

/**
 * A fetch that answers the fixture's URLs, records every URL asked for, and answers 404 otherwise.
 * The revision endpoint answers for the recorded branch and for the commit itself, as the Hub does.
 */
export function fixtureFetch(fixture: HubFixture): HubFetch & { requested: string[] } {
  const requested: string[] = [];
  const byCommit = fixture.revision.url.replace(/\/revision\/[^/?]+$/, `/revision/${fixture.commit}`);
  const fn = async (url: string) => {
    requested.push(url);
    if (url === fixture.revision.url || url === byCommit) return jsonResponse(200, fixture.revision.body);
    const page = fixture.pages.find((p) => p.url === url);
    return page ? jsonResponse(200, page.body, page.headers) : jsonResponse(404, { error: 'Not Found' });
  };
  return Object.assign(fn, { requested });
}
