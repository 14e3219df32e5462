import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/** A valid safetensors file holding one U8 tensor of random bytes (so the scan can call it benign). */
function safetensors(bytes: number): Buffer {
  let header = JSON.stringify({ w: { dtype: 'U8', shape: [bytes], data_offsets: [0, bytes] } });
  header += ' '.repeat((8 - (header.length % 8)) % 8);
  const length = Buffer.alloc(8);
  length.writeBigUInt64LE(BigInt(header.length));
  return Buffer.concat([length, Buffer.from(header), randomBytes(bytes)]);
}

/** A model folder with nested directories and a multi-chunk weight file, made fresh for each test run. */
export function makeModelFolder(): { dir: string; files: string[]; cleanup: () => void } {
  const root = mkdtempSync(join(tmpdir(), 'mg-e2e-'));
  const dir = join(root, 'nested-model');
  const files: Record<string, Uint8Array | string> = {
    'config.json': '{"model_type":"test"}\n',
    // A complete model card (pinned dataset, license, from scratch): the provenance check passes.
    'README.md': readFileSync('public/demo/tiny-sentiment/README.md'),
    'onnx/model.onnx': readFileSync('public/demo/tiny-sentiment/onnx/model.onnx'),
    'shards/part-00001-of-00002.safetensors': safetensors(9 * 1024 * 1024 + 13), // several 4 MiB reads
    'shards/part-00002-of-00002.safetensors': safetensors(3 * 1024 * 1024),
    'empty.txt': '',
  };
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
  return { dir, files: Object.keys(files).sort(), cleanup: () => rmSync(root, { recursive: true, force: true }) };
}

/** What coreutils' sha256sum says, the reference every digest is compared with. */
export function sha256sum(dir: string, files: string[]): Map<string, string> {
  const out = execFileSync('sha256sum', files, { cwd: dir, encoding: 'utf8' });
  return new Map(
    out
      .trim()
      .split('\n')
      .map((line) => {
        const [digest, path] = line.split(/\s+\*?/);
        return [path!, digest!];
      }),
  );
}

/** A sharded-checkpoint-like folder: `count` small files spread over nested directories. */
export function makeManyFiles(count: number): { dir: string; cleanup: () => void } {
  const root = mkdtempSync(join(tmpdir(), 'mg-e2e-many-'));
  const dir = join(root, 'sharded');
  for (let i = 0; i < count; i++) {
    const path = join(dir, `layer-${i % 30}`, `shard-${String(i).padStart(5, '0')}.bin`);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, `shard ${i}\n`);
  }
  return { dir, cleanup: () => rmSync(root, { recursive: true, force: true }) };
}
