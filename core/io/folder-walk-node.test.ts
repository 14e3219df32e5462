import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FolderEvent } from './folder-event.ts';
import { hfCacheBlob, listPath, walkFolder } from './folder-walk-node.ts';

/** A model folder `model/` beside an `outside/` folder, in a fresh temp dir. */
function fixture(): { base: string; model: string; outside: string } {
  const base = mkdtempSync(join(tmpdir(), 'mg-walk-'));
  const model = join(base, 'model');
  const outside = join(base, 'outside');
  mkdirSync(model);
  mkdirSync(outside);
  writeFileSync(join(model, 'config.json'), '{}');
  return { base, model, outside };
}

const byKind = (events: readonly FolderEvent[], kind: FolderEvent['kind']) => events.filter((e) => e.kind === kind);

test('a link inside the folder is followed, listed at its own path and named with scope inside', async () => {
  const { model } = fixture();
  symlinkSync('config.json', join(model, 'alias.json'));
  const { files, events } = await walkFolder(model);
  assert.deepEqual(
    files.map((f) => f.modelPath),
    ['alias.json', 'config.json'],
  );
  assert.deepEqual(events, [
    { kind: 'link', path: 'alias.json', target: 'config.json', scope: 'inside', directory: false },
  ]);
});

test('a link leaving the folder is followed and named with scope outside', async () => {
  const { model, outside } = fixture();
  writeFileSync(join(outside, 'evil.bin'), 'evil');
  symlinkSync('../outside/evil.bin', join(model, 'pytorch_model.bin'));
  const { files, events } = await walkFolder(model);
  const linked = files.find((f) => f.modelPath === 'pytorch_model.bin');
  assert.equal(linked?.size, 4);
  assert.deepEqual(byKind(events, 'link'), [
    { kind: 'link', path: 'pytorch_model.bin', target: '../outside/evil.bin', scope: 'outside', directory: false },
  ]);
});

test('a link to a folder is walked under the link path; a link back up is a loop, said once and not followed', async () => {
  const { model, outside } = fixture();
  mkdirSync(join(outside, 'shards'));
  writeFileSync(join(outside, 'shards', 'a.bin'), 'a');
  symlinkSync('../outside/shards', join(model, 'shards'));
  mkdirSync(join(model, 'sub'));
  symlinkSync('..', join(model, 'sub', 'up'));
  const { files, events } = await walkFolder(model);
  assert.ok(files.some((f) => f.modelPath === 'shards/a.bin'));
  assert.deepEqual(
    byKind(events, 'link').map((e) => e.kind === 'link' && `${e.path} ${e.scope} ${e.directory}`),
    ['shards outside true', 'sub/up inside true'],
  );
  assert.deepEqual(byKind(events, 'loop'), [{ kind: 'loop', path: 'sub/up', target: '..', circle: false }]);
});

test('dangling links and links in a circle are events, never files', async () => {
  const { model } = fixture();
  symlinkSync('nothere', join(model, 'dangling.bin'));
  symlinkSync('loop2', join(model, 'loop1'));
  symlinkSync('loop1', join(model, 'loop2'));
  const { files, events } = await walkFolder(model);
  assert.deepEqual(
    files.map((f) => f.modelPath),
    ['config.json'],
  );
  const dangling = byKind(events, 'dangling');
  assert.equal(dangling.length, 1);
  assert.match(dangling[0]!.kind === 'dangling' ? dangling[0]!.error : '', /ENOENT/);
  assert.deepEqual(
    byKind(events, 'loop').map((e) => e.path),
    ['loop1', 'loop2'],
  );
});

test('a FIFO, a socket and a link to a FIFO are refused without being opened', async () => {
  const { model, outside } = fixture();
  execFileSync('mkfifo', [join(model, 'pipe.bin')]);
  execFileSync('mkfifo', [join(outside, 'far.pipe')]);
  symlinkSync('../outside/far.pipe', join(model, 'linked.bin'));
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(join(model, 'model.sock'), resolve));
  try {
    // Opening a FIFO for reading blocks until a writer comes: finishing at all shows nothing opened it.
    const { files, events } = await walkFolder(model);
    assert.deepEqual(
      files.map((f) => f.modelPath),
      ['config.json'],
    );
    assert.deepEqual(
      byKind(events, 'special').map((e) => e.kind === 'special' && `${e.path}: ${e.type}`),
      ['linked.bin: named pipe (FIFO)', 'model.sock: socket', 'pipe.bin: named pipe (FIFO)'],
    );
  } finally {
    server.close();
  }
});

test('a FIFO named directly is refused, and a character device too', async () => {
  const { model } = fixture();
  execFileSync('mkfifo', [join(model, 'pipe')]);
  const pipe = await listPath(join(model, 'pipe'));
  assert.deepEqual(pipe.files, []);
  assert.deepEqual(pipe.events, [{ kind: 'special', path: 'pipe', type: 'named pipe (FIFO)' }]);
  symlinkSync('/dev/zero', join(model, 'zeros.bin'));
  const { events } = await walkFolder(model);
  assert.ok(events.some((e) => e.kind === 'special' && e.path === 'zeros.bin' && e.type === 'character device'));
});

test('a folder the system cannot list is an unreadable event naming the OS error', async (t) => {
  // Root reads a chmod-000 folder anyway, so the OS error comes from a path longer than PATH_MAX instead:
  // the folder is made with relative steps, and listing it through its full path fails (ENAMETOOLONG).
  const { model } = fixture();
  const step = 'd'.repeat(200);
  const depth = 25;
  try {
    const script = `process.chdir(process.argv[1]); for (let i = 0; i < ${depth}; i++) { fs.mkdirSync('${step}'); process.chdir('${step}'); } fs.writeFileSync('f', 'x');`;
    execFileSync(process.execPath, ['-e', script, model], { stdio: 'ignore' });
  } catch {
    t.skip('this file system cannot hold a path this deep');
    return;
  }
  const { events } = await walkFolder(model);
  const unreadable = byKind(events, 'unreadable');
  assert.ok(unreadable.length > 0, 'the too-deep folder is named');
  const first = unreadable[0]!;
  assert.ok(first.kind === 'unreadable' && /ENAMETOOLONG/.test(first.error), JSON.stringify(first));
  assert.ok(first.path.startsWith(`${step}/`));
});

test('chmod 000: an unreadable file is listed (its read fails later, by name); skipped as root', async (t) => {
  if (process.getuid?.() === 0) {
    t.skip(
      'runs as root, which reads a chmod-000 file anyway; the read-time error is covered by the CLI test with /proc/self/mem',
    );
    return;
  }
  const { model } = fixture();
  writeFileSync(join(model, 'secret.bin'), 'x', { mode: 0o000 });
  mkdirSync(join(model, 'closed'), { mode: 0o000 });
  const { files, events } = await walkFolder(model);
  assert.ok(files.some((f) => f.modelPath === 'secret.bin'));
  assert.ok(events.some((e) => e.kind === 'unreadable' && e.path === 'closed' && /EACCES/.test(e.error)));
});

test('a Hugging Face cache link is recognized only from snapshots/ into blobs/ of the same repository cache', () => {
  const repo = '/c/hub/models--org--name';
  assert.equal(hfCacheBlob(`${repo}/snapshots/abc`, `${repo}/blobs/123`), '123');
  assert.equal(hfCacheBlob(`${repo}/snapshots/abc/sub`, `${repo}/blobs/123`), '123');
  assert.equal(hfCacheBlob(`${repo}/snapshots/abc`, '/c/hub/models--other--name/blobs/123'), undefined);
  assert.equal(hfCacheBlob(`${repo}/snapshots/abc`, `${repo}/blobs/x/123`), undefined);
  assert.equal(hfCacheBlob('/c/plain/folder', `${repo}/blobs/123`), undefined);
});
