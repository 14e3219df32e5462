import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isSha256ManifestName, parseSha256File, parseSha256Sums, sha256Manifest } from './sha256sums.ts';

const A = 'a'.repeat(64);
const B = 'b'.repeat(64);
const ABC = 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad';

test('text and binary markers, ./ prefixes, uppercase hex and the BSD single space', () => {
  const text = `${A}  model.safetensors\n${B} *onnx/model.onnx\n${A.toUpperCase()}  ./config.json\n${B} tok.json\n`;
  assert.deepEqual(parseSha256Sums(text), {
    entries: [
      { path: 'model.safetensors', sha256: A },
      { path: 'onnx/model.onnx', sha256: B },
      { path: 'config.json', sha256: A },
      { path: 'tok.json', sha256: B },
    ],
    problems: [],
  });
});

test('names keep their spaces; a leading space after the text marker belongs to the name', () => {
  const { entries } = parseSha256Sums(`${A}  my model.bin\n${B}   lead.bin\n`);
  assert.deepEqual(
    entries.map((e) => e.path),
    ['my model.bin', ' lead.bin'],
  );
});

test('coreutils escapes: a leading backslash, then \\\\, \\n and \\r in the name', () => {
  const text = `\\${A}  back\\\\slash\\nnew\\rline\n\\SHA256 (tag\\\\ged) = ${B}\n`;
  assert.deepEqual(parseSha256Sums(text).entries, [
    { path: 'back\\slash\nnew\rline', sha256: A },
    { path: 'tag\\ged', sha256: B },
  ]);
  // Without the leading backslash the name is taken as written.
  assert.equal(parseSha256Sums(`${A}  a\\nb\n`).entries[0]?.path, 'a\\nb');
  assert.deepEqual(parseSha256Sums(`\\${A}  bad\\x\n`).problems, [
    { line: 1, message: 'invalid backslash escape in the file name' },
  ]);
});

test('the --tag form, CRLF line ends, comments and blank lines', () => {
  const text = `# made by release.sh\r\nSHA256 (weights.bin) = ${A}\r\n\r\n${B}  config.json\r\n`;
  assert.deepEqual(parseSha256Sums(text), {
    entries: [
      { path: 'weights.bin', sha256: A },
      { path: 'config.json', sha256: B },
    ],
    problems: [],
  });
});

test('malformed lines are reported with their numbers and the rest is kept', () => {
  const text = [
    `${A}  ok.bin`,
    'd41d8cd98f00b204e9800998ecf8427e  md5.bin',
    'not a checksum line',
    `${A}`,
    `${A}  /etc/passwd`,
    `${A}  ../outside.bin`,
    `${A}  a//b`,
    `SHA512 (x) = ${A}${A}`,
    `${B}  ok.bin`,
    `${A}  ok.bin`,
  ].join('\n');
  const { entries, problems } = parseSha256Sums(text);
  assert.deepEqual(entries, [{ path: 'ok.bin', sha256: A }]);
  assert.deepEqual(
    problems.map((p) => p.line),
    [2, 3, 4, 5, 6, 7, 8, 9],
  );
  assert.match(problems[0]!.message, /32 hex characters, SHA-256 has 64/);
  assert.match(problems[3]!.message, /absolute path/);
  assert.match(problems[4]!.message, /outside the model folder/);
  assert.match(problems[7]!.message, /different digest on line 1/);
});

test('real sha256sum output, text and binary mode, with an escaped name, parses to its digests', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'mg-sums-'));
  try {
    writeFileSync(join(dir, 'abc.txt'), 'abc');
    writeFileSync(join(dir, 'back\\slash'), 'abc');
    let out: string;
    try {
      out = execFileSync('sha256sum', ['abc.txt', 'back\\slash'], { cwd: dir, encoding: 'utf8' });
      out += execFileSync('sha256sum', ['-b', './abc.txt'], { cwd: dir, encoding: 'utf8' });
    } catch {
      return t.skip('sha256sum is not installed');
    }
    assert.deepEqual(parseSha256Sums(out), {
      entries: [
        { path: 'abc.txt', sha256: ABC },
        { path: 'back\\slash', sha256: ABC },
      ],
      problems: [],
    });
  } finally {
    rmSync(dir, { recursive: true });
  }
});

test('*.sha256 files: a bare digest names the file beside it; a named line is used as written', () => {
  assert.deepEqual(parseSha256File(`${A}\n`, 'onnx/model.onnx.sha256'), {
    entries: [{ path: 'model.onnx', sha256: A }],
    problems: [],
  });
  assert.deepEqual(parseSha256File(`${B}  weights.bin\r\n`, 'weights.bin.sha256').entries, [
    { path: 'weights.bin', sha256: B },
  ]);
  assert.equal(parseSha256File('xyz\n', 'w.sha256').problems[0]?.line, 1);
});

test('manifest names are re-rooted at the folder of the SHA256SUMS file', () => {
  const m = sha256Manifest(`${A}  model.onnx\n`, 'onnx/SHA256SUMS');
  assert.deepEqual(m.source, { kind: 'sha256sums', path: 'onnx/SHA256SUMS' });
  assert.deepEqual(m.entries, [{ path: 'onnx/model.onnx', sha256: A }]);
  assert.deepEqual(sha256Manifest(`${B}\n`, 'sub/w.bin.sha256').entries, [{ path: 'sub/w.bin', sha256: B }]);
});

test('which dropped files are SHA-256 manifests', () => {
  for (const yes of ['SHA256SUMS', 'sub/sha256sums.txt', 'model.safetensors.sha256', 'X.SHA256']) {
    assert.ok(isSha256ManifestName(yes), yes);
  }
  for (const no of ['SHA256SUMS.sig', 'model.safetensors', '.sha256', 'sha256sums.json']) {
    assert.ok(!isSha256ManifestName(no), no);
  }
});
