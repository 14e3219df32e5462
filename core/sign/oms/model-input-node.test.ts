import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { modelInputFromPath } from './model-input-node.ts';

test('the OMS input follows links (hashed under the link path) and keeps a FIFO as a file that cannot be read', async () => {
  const base = mkdtempSync(join(tmpdir(), 'mg-oms-input-'));
  const model = join(base, 'model');
  mkdirSync(model);
  writeFileSync(join(base, 'outside.bin'), 'outside');
  writeFileSync(join(model, 'a.bin'), 'a');
  symlinkSync('a.bin', join(model, 'b.bin'));
  symlinkSync('../outside.bin', join(model, 'c.bin'));
  execFileSync('mkfifo', [join(model, 'pipe.bin')]);
  const { model: input, events } = await modelInputFromPath(model);
  assert.deepEqual(
    input.files.map((f) => `${f.path} ${f.size}`),
    ['a.bin 1', 'b.bin 1', 'c.bin 7', 'pipe.bin 0'],
  );
  const pipe = input.files.find((f) => f.path === 'pipe.bin');
  await assert.rejects(pipe!.source!.read(0, 1), /pipe\.bin is a named pipe \(FIFO\); refused/);
  assert.deepEqual(
    events.map((e) => (e.kind === 'link' ? `${e.path} ${e.scope}` : `${e.path} ${e.kind}`)),
    ['b.bin inside', 'c.bin outside', 'pipe.bin special'],
  );
});
