import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { memorySource } from '../io/byte-source.ts';
import { scanFile } from './scan-file.ts';
import { isImageArchive, looksLikeOciDocument } from './scan-oci.ts';
import { LEGACY_CODES } from './legacy-format-codes.ts';

const fixture = (name: string) =>
  new Uint8Array(readFileSync(new URL(`../../test/fixtures/formats/legacy-and-oci/${name}`, import.meta.url)));
const scan = (name: string, bytes = fixture(name)) => scanFile(memorySource(name.split('/').pop()!, bytes));
const codes = (o: { findings: { code: string }[] }) => o.findings.map((f) => f.code);

test('an image whose layers hold benign model files is benign; a model file inside a layer keeps its own verdict', async () => {
  const benign = await scan('oci/mxnet-model-image.tar');
  assert.equal(benign.verdict, 'benign', benign.reason);
  assert.equal(benign.format, 'oci-layout');
  const payload = await scan('oci/torch7-payload-image.tar');
  assert.equal(payload.verdict, 'malicious');
  assert.ok(
    codes(payload).includes(LEGACY_CODES.t7Function.code),
    'the gzip layer blob was routed by content to Torch7',
  );
  assert.ok(payload.findings.some((f) => f.member?.includes('models/model.t7')));
});

test('blobs the index or manifest names must be in the archive with their size and digest', async () => {
  const missing = await scan('oci/missing-layer-blob.tar');
  assert.equal(missing.verdict, 'invalid');
  assert.ok(codes(missing).includes(LEGACY_CODES.ociMissingBlob.code));
  // Change one byte of the index's manifest descriptor size: the manifest no longer matches.
  const text = new TextDecoder('latin1').decode(fixture('oci/mxnet-model-image.tar'));
  const edited = text.replace(
    /("size": )(\d+)(,\s*"annotations")/,
    (_m, a: string, n: string, b: string) =>
      `${a}${String(Number(n) + 1)
        .padStart(n.length, '0')
        .slice(-n.length)}${b}`,
  );
  assert.notEqual(edited, text);
  const bytes = Uint8Array.from(edited, (c) => c.charCodeAt(0));
  const outcome = await scan('oci/edited.tar', bytes);
  assert.notEqual(outcome.verdict, 'benign');
});

test('a blob whose bytes do not hash to its name is reported', async () => {
  const text = new TextDecoder('latin1').decode(fixture('oci/mxnet-model-image.tar'));
  const edited = text.replace('image.config.v1+json', 'image.config.v9+json');
  assert.notEqual(edited, text);
  const outcome = await scan(
    'oci/edited.tar',
    Uint8Array.from(edited, (c) => c.charCodeAt(0)),
  );
  assert.equal(outcome.verdict, 'invalid');
  assert.ok(outcome.findings.some((f) => /does not hash to its name/.test(f.detail)));
});

test('remote layers are unverified, whiteouts are a benign note, docker save archives are checked too', async () => {
  const remote = await scan('oci/remote-layer.tar');
  assert.equal(remote.verdict, 'unverified');
  assert.ok(codes(remote).includes(LEGACY_CODES.ociRemoteLayer.code));
  const whiteout = await scan('oci/whiteout-layers.tar');
  assert.equal(whiteout.verdict, 'benign', whiteout.reason);
  assert.ok(codes(whiteout).includes(LEGACY_CODES.ociWhiteout.code));
  const docker = await scan('docker/docker-save.tar');
  assert.equal(docker.verdict, 'benign', docker.reason);
  assert.equal(docker.format, 'docker-archive');
  const escape = await scan('docker/docker-save-escape.tar');
  assert.equal(escape.verdict, 'invalid');
  assert.ok(codes(escape).includes('MG-SCAN-103'), 'the tar rule for paths out of the archive still applies in layers');
  assert.ok(codes(escape).includes(LEGACY_CODES.ociMissingBlob.code));
});

test('standalone index/manifest documents are recognised; configs are not', async () => {
  assert.equal(looksLikeOciDocument(fixture('oci/index.json')), true);
  assert.equal((await scan('oci/index.json')).format, 'oci-index');
  const config = new TextEncoder().encode('{"architecture": "amd64", "os": "linux", "config": {}}');
  assert.equal(looksLikeOciDocument(config), false);
  const broken = new TextEncoder().encode('{"schemaVersion": 2, "manifests": [{"digest": "md5:x"}]}');
  const outcome = await scan('index.json', broken);
  assert.equal(outcome.verdict, 'invalid');
  assert.equal(outcome.findings[0]!.code, LEGACY_CODES.ociDescriptorInvalid.code);
});

test('a gzip-compressed docker save archive reaches the image check through the compression handler', async () => {
  const packed = gzipSync(fixture('docker/docker-save.tar'));
  const outcome = await scan('image.tar.gz', packed);
  assert.equal(outcome.format, 'gzip');
  assert.equal(outcome.verdict, 'benign', outcome.reason);
  const escape = await scan('escape.tar.gz', gzipSync(fixture('docker/docker-save-escape.tar')));
  assert.ok(codes(escape).includes(LEGACY_CODES.ociMissingBlob.code), 'the image check ran on the decompressed tar');
});

test('plain tars are left to the tar scanner', async () => {
  const mx = fixture('docker/docker-save.tar');
  assert.equal(await isImageArchive(mx.subarray(0, 4096), memorySource('a.tar', mx)), true);
  const rds = fixture('r/coefficients.rds');
  assert.equal(await isImageArchive(rds.subarray(0, 4096), memorySource('a.rds', rds)), false);
});
