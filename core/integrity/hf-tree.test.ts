import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  fetchHubManifest,
  fetchHubTree,
  parseNextLink,
  resolveHubRevision,
  validateRepoId,
  type HubTreeEntry,
} from './hf-tree.ts';
import { HubError, type HubFetch } from './hub-errors.ts';
import { fixtureFetch, jsonResponse, loadHubFixture } from './hub-fixture-node.ts';

const REPO = 'acme/model';
const COMMIT = 'a'.repeat(40);
const TREE = `https://huggingface.co/api/models/${REPO}/tree/${COMMIT}?recursive=true`;

function blob(path: string, n: number): HubTreeEntry {
  return { type: 'file', path, size: n, oid: n.toString(16).padStart(40, '0') };
}

/** Pages served in order; each links to the next by cursor, as the Hub does. */
function pagedFetch(pages: HubTreeEntry[][], nextOf = (i: number) => `${TREE}&cursor=c${i + 1}`) {
  const requested: string[] = [];
  const urls = pages.map((_, i) => (i === 0 ? TREE : `${TREE}&cursor=c${i}`));
  const fn: HubFetch = async (url) => {
    requested.push(url);
    const i = urls.indexOf(url);
    if (i < 0) return jsonResponse(404, {});
    const last = i === pages.length - 1;
    return jsonResponse(200, pages[i], last ? {} : { Link: `<${nextOf(i)}>; rel="next"` });
  };
  return { fn, requested };
}

async function rejectsWith(promise: Promise<unknown>, kind: string, pattern: RegExp) {
  await assert.rejects(promise, (e: unknown) => {
    assert.ok(e instanceof HubError, `expected HubError, got ${String(e)}`);
    assert.equal(e.kind, kind);
    assert.match(e.message, pattern);
    return true;
  });
}

test('Link header parsing: rel="next" among several links, quoted or not, absent', () => {
  const u = 'https://huggingface.co/api/models/a/b/tree/main?recursive=true&cursor=xyz%3D';
  assert.equal(parseNextLink(`<${u}>; rel="next"`), u);
  assert.equal(parseNextLink(`<https://x/prev>; rel="prev", <${u}>; rel=next`), u);
  assert.equal(parseNextLink(`<${u}>; type="a"; rel="last next"`), u);
  assert.equal(parseNextLink(`<${u}>; rel="last"`), null);
  assert.equal(parseNextLink(null), null);
  assert.equal(parseNextLink(''), null);
});

test('three pages are followed in order and stop when no next link is sent', async () => {
  const { fn, requested } = pagedFetch([[blob('a', 1), blob('b', 2)], [blob('c', 3)], [blob('d', 4)]]);
  const files = await fetchHubTree(REPO, COMMIT, fn);
  assert.deepEqual(
    files.map((f) => f.path),
    ['a', 'b', 'c', 'd'],
  );
  assert.deepEqual(requested, [TREE, `${TREE}&cursor=c1`, `${TREE}&cursor=c2`]);
});

test('directories are left out; LFS files keep both the pointer id and the content SHA-256', async () => {
  const lfs = { oid: 'f'.repeat(64), size: 5_234_139_343, pointerSize: 135 };
  const page: HubTreeEntry[] = [
    { type: 'directory', path: 'onnx', size: 0, oid: 'd'.repeat(40) },
    { type: 'file', path: 'onnx/model.onnx', size: lfs.size, oid: 'e'.repeat(40), lfs },
  ];
  const files = await fetchHubTree(REPO, COMMIT, pagedFetch([page]).fn);
  assert.deepEqual(files, [
    {
      path: 'onnx/model.onnx',
      size: lfs.size,
      gitSha1: 'e'.repeat(40),
      lfs: { sha256: lfs.oid, size: lfs.size, pointerSize: 135 },
    },
  ]);
});

test('a next link to another origin is refused before it is requested', async () => {
  for (const foreign of [
    'https://evil.example/api/models/acme/model/tree/x',
    'https://huggingface.co.evil.example/api/models/acme/model/tree/x',
    'http://huggingface.co/api/models/acme/model/tree/x',
    'https://huggingface.co/some/other/page',
  ]) {
    const { fn, requested } = pagedFetch([[blob('a', 1)], [blob('b', 2)]], () => foreign);
    await rejectsWith(fetchHubTree(REPO, COMMIT, fn), 'foreign-link', /acme\/model: refused to follow/);
    assert.deepEqual(requested, [TREE]);
  }
});

test('pages are capped, and a loop back to a seen page is an error', async () => {
  const pages = Array.from({ length: 5 }, (_, i) => [blob(`f${i}`, i + 1)]);
  await rejectsWith(fetchHubTree(REPO, COMMIT, pagedFetch(pages).fn, { maxPages: 3 }), 'too-many-pages', /more than 3/);
  assert.equal((await fetchHubTree(REPO, COMMIT, pagedFetch(pages).fn, { maxPages: 5 })).length, 5);
  const loop = pagedFetch([[blob('a', 1)], [blob('b', 2)]], () => TREE);
  await rejectsWith(fetchHubTree(REPO, COMMIT, loop.fn), 'malformed', /loop back/);
});

test('a path listed on two pages means overlapping pages: refused', async () => {
  const { fn } = pagedFetch([[blob('a', 1)], [blob('a', 1)]]);
  await rejectsWith(fetchHubTree(REPO, COMMIT, fn), 'malformed', /a is listed twice/);
});

test('repo ids are validated before any request; revisions are one encoded path segment', async () => {
  for (const bad of ['model', 'a/b/c', '../x', 'a/..', 'a--b/c', 'a/b?x=1', 'a/b#f', '-a/b', 'a/b.', '', 'a/ b']) {
    assert.throws(() => validateRepoId(bad), HubError, bad);
  }
  for (const good of ['openai-community/gpt2', 'Qwen/Qwen2.5-0.5B', 'a_b/c.d-e']) validateRepoId(good);
  const requested: string[] = [];
  const fn: HubFetch = async (url) => (requested.push(url), jsonResponse(200, []));
  await fetchHubTree(REPO, 'refs/pr/1', fn);
  assert.deepEqual(requested, [`https://huggingface.co/api/models/${REPO}/tree/refs%2Fpr%2F1?recursive=true`]);
  await assert.rejects(fetchHubTree('evil.example/x/y', 'main', fn), HubError);
  await assert.rejects(fetchHubTree(REPO, 'a\nb', fn), HubError);
  assert.equal(requested.length, 1);
});

test('a branch name resolves to the commit sha of /revision/{rev}', async () => {
  const requested: string[] = [];
  const fn: HubFetch = async (url) => (requested.push(url), jsonResponse(200, { id: REPO, sha: COMMIT, siblings: [] }));
  assert.equal(await resolveHubRevision(REPO, 'main', fn), COMMIT);
  assert.deepEqual(requested, [`https://huggingface.co/api/models/${REPO}/revision/main`]);
  const noSha: HubFetch = async () => jsonResponse(200, { id: REPO });
  await rejectsWith(resolveHubRevision(REPO, 'main', noSha), 'malformed', /acme\/model: .*no commit sha/);
});

test('HTTP errors name the repo and say what went wrong', async () => {
  const cases: [number, Record<string, string>, string, RegExp][] = [
    [401, {}, 'unauthorized', /acme\/model: access refused \(HTTP 401\).*gated or private/],
    [403, { 'X-Error-Code': 'GatedRepo' }, 'unauthorized', /acme\/model: .*gated/],
    [401, { 'X-Error-Code': 'RepoNotFound' }, 'not-found', /acme\/model: .*no such repo/],
    [404, { 'X-Error-Code': 'RevisionNotFound' }, 'not-found', /acme\/model: .*no such revision/],
    [404, {}, 'not-found', /acme\/model: .*not found/],
    [429, { 'Retry-After': '30' }, 'rate-limited', /acme\/model: .*rate-limiting.*retry after 30 s/],
    [503, {}, 'http', /acme\/model: the Hub answered HTTP 503/],
  ];
  for (const [status, headers, kind, pattern] of cases) {
    const fn: HubFetch = async () => jsonResponse(status, { error: 'x' }, headers);
    await rejectsWith(fetchHubTree(REPO, COMMIT, fn), kind, pattern);
    await rejectsWith(resolveHubRevision(REPO, 'main', fn), kind, pattern);
  }
});

test('malformed answers and network failures are HubErrors naming the repo', async () => {
  const notJson: HubFetch = async () => jsonResponse(200, '<html>rate limited</html>');
  await rejectsWith(fetchHubTree(REPO, COMMIT, notJson), 'malformed', /acme\/model: .* not JSON/);
  const notArray: HubFetch = async () => jsonResponse(200, { error: 'x' });
  await rejectsWith(fetchHubTree(REPO, COMMIT, notArray), 'malformed', /acme\/model: page 1 .*not a Hub tree listing/);
  const badOid: HubFetch = async () => jsonResponse(200, [{ type: 'file', path: 'x', size: 1, oid: 'zz' }]);
  await rejectsWith(fetchHubTree(REPO, COMMIT, badOid), 'malformed', /at 0\.oid/);
  const badLfs: HubFetch = async () =>
    jsonResponse(200, [{ ...blob('x', 1), lfs: { oid: 'A'.repeat(64), size: 1, pointerSize: 1 } }]);
  await rejectsWith(fetchHubTree(REPO, COMMIT, badLfs), 'malformed', /lfs\.oid/);
  const offline: HubFetch = async () => {
    throw new TypeError('Failed to fetch');
  };
  await rejectsWith(
    fetchHubTree(REPO, COMMIT, offline),
    'network',
    /acme\/model: the Hub could not be reached.*Failed to fetch/,
  );
});

test('the recorded fixture: main resolves to the fixed commit, two pages, five files', async () => {
  const fixture = loadHubFixture();
  const fetchFn = fixtureFetch(fixture);
  const manifest = await fetchHubManifest(fixture.repo, 'main', fetchFn);
  assert.deepEqual(manifest.source, { kind: 'hub', repo: fixture.repo, revision: 'main', commit: fixture.commit });
  assert.deepEqual(fetchFn.requested, [fixture.revision.url, ...fixture.pages.map((p) => p.url)]);
  assert.deepEqual(
    manifest.entries.map((e) => [e.path, e.sha256 ? 'sha256' : 'gitSha1']),
    [
      ['README.md', 'gitSha1'],
      ['config.json', 'gitSha1'],
      ['model.safetensors', 'sha256'],
      ['onnx/model.onnx', 'sha256'],
      ['tokenizer.json', 'gitSha1'],
    ],
  );
});
