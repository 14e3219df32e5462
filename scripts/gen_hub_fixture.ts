// Writes test/fixtures/hub/tiny-sentiment.json: the Hub's tree and revision answers, in their recorded
// shape, for a fake repo holding public/demo/tiny-sentiment at a fixed
// commit. Rerun when the demo changes: `node --import tsx scripts/gen_hub_fixture.ts`.
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

const ROOT = join(import.meta.dirname, '..');
const DEMO = join(ROOT, 'public/demo/tiny-sentiment');
const OUT = join(ROOT, 'test/fixtures/hub/tiny-sentiment.json');
const REPO = 'modelgate/tiny-sentiment';
const REVISION = 'main';
// A made-up commit: fixed so e2e tests and the report can name it.
const COMMIT = '5d3c9a0e1f2b4c6d8e0f1a2b3c4d5e6f7a8b9c0d';
// What a Hub .gitattributes sends to LFS for these files.
const LFS = /\.(safetensors|onnx)$/;
const API = `https://huggingface.co/api/models/${REPO}`;

const gitBlob = (bytes: Buffer) => createHash('sha1').update(`blob ${bytes.length}\0`).update(bytes).digest('hex');

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) =>
    statSync(join(dir, name)).isDirectory() ? walk(join(dir, name)) : [join(dir, name)],
  );
}

function fileEntry(path: string) {
  const bytes = readFileSync(join(DEMO, path));
  if (!LFS.test(path)) return { type: 'file', oid: gitBlob(bytes), size: bytes.length, path };
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  // The pointer git stores in place of an LFS file (git-lfs spec v1): the tree's oid is its blob id.
  const pointer = Buffer.from(
    `version https://git-lfs.github.com/spec/v1\noid sha256:${sha256}\nsize ${bytes.length}\n`,
  );
  const lfs = { oid: sha256, size: bytes.length, pointerSize: pointer.length };
  return { type: 'file', oid: gitBlob(pointer), size: bytes.length, path, lfs };
}

function directories(paths: string[]) {
  const dirs = new Set(
    paths.flatMap((p) =>
      p
        .split('/')
        .slice(0, -1)
        .map((_, i, a) => a.slice(0, i + 1).join('/')),
    ),
  );
  // The Hub gives a directory's oid as its git tree id; nothing compares it, so any stable 40-hex will do.
  return [...dirs].map((path) => ({ type: 'directory', oid: gitBlob(Buffer.from(path)), size: 0, path }));
}

const files = walk(DEMO)
  .map((p) => relative(DEMO, p).split(sep).join('/'))
  .sort();
const entries = [...directories(files), ...files.map(fileEntry)].sort((a, b) => (a.path < b.path ? -1 : 1));
const half = Math.ceil(entries.length / 2);
const first = `${API}/tree/${COMMIT}?recursive=true`;
const cursor = Buffer.from(JSON.stringify({ file_name: entries[half - 1]?.path }) + `:${half}`).toString('base64');
const second = `${first}&cursor=${encodeURIComponent(cursor)}`;
const fixture = {
  repo: REPO,
  commit: COMMIT,
  revision: {
    url: `${API}/revision/${REVISION}`,
    body: {
      _id: '6650f0c0a1b2c3d4e5f60718',
      id: REPO,
      modelId: REPO,
      author: 'modelgate',
      sha: COMMIT,
      lastModified: '2025-01-01T00:00:00.000Z',
      private: false,
      disabled: false,
      gated: false,
      tags: ['onnx', 'safetensors', 'text-classification'],
      siblings: files.map((rfilename) => ({ rfilename })),
    },
  },
  pages: [
    { url: first, headers: { link: `<${second}>; rel="next"` }, body: entries.slice(0, half) },
    { url: second, headers: {}, body: entries.slice(half) },
  ],
};
mkdirSync(join(OUT, '..'), { recursive: true });
writeFileSync(OUT, JSON.stringify(fixture, null, 2) + '\n');
console.log(`wrote ${relative(ROOT, OUT)}: ${files.length} files, ${fixture.pages.length} pages`);
