// A small safetensors writer for bench:weights: one F32 tensor per 64 MB block, seeded, streamed to disk, so a
// ~500 MB file never sits in memory whole. The fine-tune file is the base plus small seeded noise.
import { existsSync, statSync } from 'node:fs';
import { writeAtomically } from './util.ts';

const BLOCK_ELEMENTS = (64 * 1e6) / 4;

/** xorshift32 in [-1, 1): a fast seeded generator (the data only has to be reproducible, not random). */
function fill(out: Float32Array, seed: number): void {
  let x = seed >>> 0 || 1;
  for (let i = 0; i < out.length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = (x >>> 0) / 2 ** 31 - 1;
  }
}

function header(sizes: readonly number[]): Uint8Array {
  const entries: Record<string, unknown> = {};
  let offset = 0;
  sizes.forEach((n, i) => {
    entries[`layers.${i}.weight`] = { dtype: 'F32', shape: [n], data_offsets: [offset, offset + n * 4] };
    offset += n * 4;
  });
  let json = JSON.stringify(entries);
  json += ' '.repeat((8 - ((8 + json.length) % 8)) % 8);
  const bytes = new Uint8Array(8 + json.length);
  new DataView(bytes.buffer).setBigUint64(0, BigInt(json.length), true);
  bytes.set(new TextEncoder().encode(json), 8);
  return bytes;
}

/** Writes `path` with `mb` MB of F32 data; `noise` > 0 adds seeded noise of that scale to the same base values. */
export async function ensureSafetensorsPair(
  dir: string,
  mb: number,
  log: (s: string) => void,
): Promise<{ base: string; finetune: string; bytes: number }> {
  const total = Math.floor((mb * 1e6) / 4);
  const sizes: number[] = [];
  for (let left = total; left > 0; left -= BLOCK_ELEMENTS) sizes.push(Math.min(BLOCK_ELEMENTS, left));
  const head = header(sizes);
  const fileBytes = head.byteLength + total * 4;
  const base = `${dir}/base-${mb}mb/model.safetensors`;
  const finetune = `${dir}/finetune-${mb}mb/model.safetensors`;
  for (const [path, noise] of [
    [base, 0],
    [finetune, 1e-3],
  ] as const) {
    if (existsSync(path) && statSync(path).size === fileBytes) continue;
    const started = performance.now();
    await writeAtomically(path, async (append) => {
      await append(head);
      const values = new Float32Array(BLOCK_ELEMENTS);
      const jitter = new Float32Array(BLOCK_ELEMENTS);
      for (const [i, n] of sizes.entries()) {
        const block = values.subarray(0, n);
        fill(block, 1 + i);
        if (noise > 0) {
          fill(jitter, 1_000_003 + i);
          for (let k = 0; k < n; k++) block[k]! += noise * jitter[k]!;
        }
        await append(new Uint8Array(block.buffer, 0, n * 4));
      }
    });
    log(
      `generated ${path} (${(fileBytes / 1e6).toFixed(0)} MB) in ${((performance.now() - started) / 1000).toFixed(1)} s`,
    );
  }
  return { base, finetune, bytes: total * 4 };
}
