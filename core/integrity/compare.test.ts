import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { memorySource } from '../io/byte-source.ts';
import { gitBlobSha1Factory } from '../hash/git-blob-sha1.ts';
import { hashSourceMulti } from '../hash/hash-source.ts';
import { createSha256Wasm } from '../hash/sha256-wasm.ts';
import { FindingSchema } from '../report/schema.ts';
import { compareWithManifest, manifestUnavailable, type LocalFile } from './compare.ts';
import { fetchHubManifest } from './hf-tree.ts';
import { fixtureFetch, loadHubFixture } from './hub-fixture-node.ts';
import type { Manifest } from './manifest.ts';
import { sha256Manifest } from './sha256sums.ts';

const DEMO = fileURLToPath(new URL('../../public/demo/tiny-sentiment', import.meta.url));
const A = 'a'.repeat(64);
const B = 'b'.repeat(64);

function demoFiles(): Map<string, Uint8Array> {
  const walk = (dir: string): string[] =>
    readdirSync(dir).flatMap((n) => (statSync(join(dir, n)).isDirectory() ? walk(join(dir, n)) : [join(dir, n)]));
  return new Map(walk(DEMO).map((p) => [relative(DEMO, p).split(sep).join('/'), new Uint8Array(readFileSync(p))]));
}

/** Hashes like the portal's worker: SHA-256 always, the git blob id in the same pass. */
async function hashAll(files: Map<string, Uint8Array>): Promise<LocalFile[]> {
  const out: LocalFile[] = [];
  for (const [path, bytes] of files) {
    const hashers = { sha256: createSha256Wasm, gitSha1: gitBlobSha1Factory(bytes.byteLength) };
    const d = await hashSourceMulti(memorySource(path, bytes, 1000), hashers);
    out.push({ path, size: bytes.byteLength, sha256: d.sha256, gitSha1: d.gitSha1! });
  }
  return out;
}

async function hubManifest(): Promise<Manifest> {
  const fixture = loadHubFixture();
  return fetchHubManifest(fixture.repo, 'main', fixtureFetch(fixture));
}

function flip(bytes: Uint8Array, at: number): Uint8Array {
  const copy = bytes.slice();
  copy[at] = (copy[at] ?? 0) ^ 1;
  return copy;
}

test('the demo model matches the recorded Hub fixture file for file, and the summary names the commit', async () => {
  const manifest = await hubManifest();
  const result = compareWithManifest(await hashAll(demoFiles()), manifest);
  assert.deepEqual(result.findings, [], 'demo changed? rerun scripts/gen_hub_fixture.ts');
  assert.equal(result.counts.matched, 5);
  assert.equal(result.check.status, 'pass');
  assert.equal(
    result.check.summary,
    `5 of 5 files match the Hub revision ${manifest.source.kind === 'hub' && manifest.source.commit} (main) of modelgate/tiny-sentiment.`,
  );
});

test('one flipped byte is caught by SHA-256 in an LFS file and by git blob SHA-1 in a small file', async () => {
  const files = demoFiles();
  files.set('model.safetensors', flip(files.get('model.safetensors')!, 4000));
  files.set('config.json', flip(files.get('config.json')!, 10));
  const result = compareWithManifest(await hashAll(files), await hubManifest());
  assert.equal(result.check.status, 'fail');
  assert.deepEqual(
    result.findings.map((f) => [f.code, f.severity, f.file]),
    [
      ['MG-INT-010', 'critical', 'config.json'],
      ['MG-INT-010', 'critical', 'model.safetensors'],
    ],
  );
  assert.match(result.findings[0]!.detail, /git blob SHA-1/);
  assert.match(result.findings[1]!.detail, /SHA-256/);
  assert.ok(result.findings[1]!.evidence?.expectedSha256);
  for (const f of result.findings) FindingSchema.parse(f);
  assert.match(result.check.summary, /^3 of 5 files match .* \(2 modified\)\.$/);
});

test('missing and extra files are findings of their own; Hub download metadata is not extra', async () => {
  const files = demoFiles();
  files.delete('tokenizer.json');
  files.set('onnx/extra.onnx', new Uint8Array([1, 2, 3]));
  files.set('.cache/huggingface/download/config.json.metadata', new Uint8Array([1]));
  const result = compareWithManifest(await hashAll(files), await hubManifest());
  assert.deepEqual(
    result.findings.map((f) => [f.code, f.severity, f.file]),
    [
      ['MG-INT-011', 'high', 'tokenizer.json'],
      ['MG-INT-012', 'medium', 'onnx/extra.onnx'],
    ],
  );
  assert.equal(result.check.status, 'review');
  assert.match(result.check.summary, /^4 of 5 files match .* \(1 missing, 1 extra file\)\.$/);
});

test('a file without the digest the manifest gives cannot be compared, but a size mismatch still is', async () => {
  const local = (await hashAll(demoFiles())).map((f) =>
    f.path === 'tokenizer.json' ? { path: f.path, size: f.size, sha256: f.sha256! } : f,
  );
  const unreadable = local.map((f) => (f.path === 'model.safetensors' ? { path: f.path, size: f.size } : f));
  const result = compareWithManifest(unreadable, await hubManifest());
  assert.deepEqual(
    result.findings.map((f) => [f.code, f.file]),
    [
      ['MG-INT-013', 'model.safetensors'],
      ['MG-INT-013', 'tokenizer.json'],
    ],
  );
  assert.equal(result.check.status, 'review');
  const resized = local.map((f) => (f.path === 'tokenizer.json' ? { ...f, size: f.size + 1 } : f));
  assert.equal(compareWithManifest(resized, await hubManifest()).findings[0]?.code, 'MG-INT-010');
});

test('a checkout without git-lfs (pointer files) is named as such, not as tampering', async () => {
  const manifest = await hubManifest();
  const files = demoFiles();
  const entry = manifest.entries.find((e) => e.path === 'model.safetensors')!;
  const pointer = `version https://git-lfs.github.com/spec/v1\noid sha256:${entry.sha256}\nsize ${entry.size}\n`;
  files.set('model.safetensors', new TextEncoder().encode(pointer));
  const result = compareWithManifest(await hashAll(files), manifest);
  assert.deepEqual(
    result.findings.map((f) => [f.code, f.severity, f.file]),
    [['MG-INT-014', 'high', 'model.safetensors']],
  );
  assert.equal(result.check.status, 'review');
});

test('SHA256SUMS from sha256sum of the demo: all match; the manifest and ignored files are not extra', async () => {
  const files = demoFiles();
  const local = await hashAll(files);
  const sums = local.map((f) => `${f.sha256}  ./${f.path}`).join('\n') + '\n';
  const manifest = sha256Manifest(sums, 'SHA256SUMS');
  const withManifest = [...local, { path: 'SHA256SUMS', size: sums.length }, { path: 'model.sig', size: 10 }];
  const result = compareWithManifest(withManifest, manifest, { ignore: ['model.sig'] });
  assert.deepEqual(result.findings, []);
  assert.equal(result.check.summary, '5 of 5 files match SHA256SUMS.');
});

test('SHA256SUMS: modified by SHA-256, unreadable lines reported once with their numbers', () => {
  const manifest = sha256Manifest(`${A}  w.bin\n${B}  x.bin\nbroken\n`, 'SHA256SUMS');
  const local: LocalFile[] = [
    { path: 'w.bin', size: 1, sha256: A },
    { path: 'x.bin', size: 1, sha256: A },
  ];
  const result = compareWithManifest(local, manifest);
  assert.deepEqual(
    result.findings.map((f) => [f.code, f.file]),
    [
      ['MG-INT-010', 'x.bin'],
      ['MG-INT-015', 'SHA256SUMS'],
    ],
  );
  assert.match(result.findings[1]!.detail, /^line 3: /);
  assert.equal(result.check.status, 'fail');
  assert.match(result.check.summary, /1 of 2 files match SHA256SUMS \(1 modified, 1 unreadable manifest lines\)/);
});

test('a Hub listing that could not be fetched is an integrity error, never a pass', () => {
  const result = manifestUnavailable('modelgate/tiny-sentiment at main', 'modelgate/tiny-sentiment: access refused');
  assert.equal(result.check.status, 'error');
  assert.deepEqual(
    result.findings.map((f) => [f.code, f.severity]),
    [['MG-INT-016', 'medium']],
  );
});
