// A small GGUF writer for bench:weights: the base of the generated safetensors pair quantized to Q8_0 (GGUF v3,
// one tensor per 64 MB block, streamed), so the diff's GGUF path is timed beside the safetensors one on the same
// values. Q8_0 as llama.cpp's reference quantizer makes it: d = max|x| / 127 per 32 values, codes round(x / d).
import { existsSync, statSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { writeAtomically } from './util.ts';

const QK8_0 = 32;
const Q8_0_BYTES = 34;
const ALIGNMENT = 32;
const GGML_Q8_0 = 8;

/** f32 → f16 bits, rounding to nearest even (scales of bench data are normal f16 numbers). */
function f16Bits(value: number): number {
  const f32 = new Float32Array([value]);
  const bits = new Uint32Array(f32.buffer)[0]!;
  const sign = (bits >>> 16) & 0x8000;
  const exponent = ((bits >>> 23) & 0xff) - 127 + 15;
  if (exponent <= 0) return sign; // below f16's normal range: bench scales never are
  if (exponent >= 31) return sign | 0x7c00;
  const mantissa = bits & 0x7fffff;
  let half = sign | (exponent << 10) | (mantissa >>> 13);
  const rest = mantissa & 0x1fff;
  if (rest > 0x1000 || (rest === 0x1000 && (half & 1) === 1)) half += 1;
  return half;
}

function quantizeQ8_0(values: Float32Array): Uint8Array {
  const out = new Uint8Array((values.length / QK8_0) * Q8_0_BYTES);
  const view = new DataView(out.buffer);
  for (let b = 0; b < values.length / QK8_0; b++) {
    let amax = 0;
    for (let j = 0; j < QK8_0; j++) amax = Math.max(amax, Math.abs(values[b * QK8_0 + j]!));
    const d = amax / 127;
    const id = d > 0 ? 1 / d : 0;
    view.setUint16(b * Q8_0_BYTES, f16Bits(d), true);
    for (let j = 0; j < QK8_0; j++) view.setInt8(b * Q8_0_BYTES + 2 + j, Math.round(values[b * QK8_0 + j]! * id));
  }
  return out;
}

const pad = (n: number): number => Math.ceil(n / ALIGNMENT) * ALIGNMENT;

function ggufHeader(tensors: readonly { name: string; elements: number }[]): Uint8Array {
  const parts: Uint8Array[] = [];
  const u32 = (v: number) => new Uint8Array(new Uint32Array([v]).buffer);
  const u64 = (v: number) => new Uint8Array(new BigUint64Array([BigInt(v)]).buffer);
  const str = (s: string) => [u64(new TextEncoder().encode(s).length), new TextEncoder().encode(s)];
  parts.push(new TextEncoder().encode('GGUF'), u32(3), u64(tensors.length), u64(1));
  parts.push(...str('general.architecture'), u32(8), ...str('bench'));
  let offset = 0;
  for (const t of tensors) {
    parts.push(...str(t.name), u32(1), u64(t.elements), u32(GGML_Q8_0), u64(offset));
    offset = pad(offset + (t.elements / QK8_0) * Q8_0_BYTES);
  }
  const size = parts.reduce((n, p) => n + p.byteLength, 0);
  const out = new Uint8Array(pad(size));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.byteLength;
  }
  return out;
}

/** `gguf` next to the safetensors base: its F32 tensors (`layers.N.weight`, 1-D) quantized to Q8_0. */
export async function ensureQ8Gguf(base: string, gguf: string, log: (s: string) => void): Promise<number> {
  const file = await open(base, 'r');
  try {
    const lengthBytes = Buffer.alloc(8);
    await file.read(lengthBytes, 0, 8, 0);
    const headerLength = Number(lengthBytes.readBigUInt64LE(0));
    const json = Buffer.alloc(headerLength);
    await file.read(json, 0, headerLength, 8);
    const entries = Object.entries(
      JSON.parse(json.toString('utf8')) as Record<string, { shape: number[]; data_offsets: [number, number] }>,
    );
    const tensors = entries.map(([name, e]) => ({
      name,
      elements: e.shape[0]!,
      start: 8 + headerLength + e.data_offsets[0],
    }));
    if (tensors.some((t) => t.elements % QK8_0 !== 0)) throw new Error('bench tensors must hold whole Q8_0 blocks');
    const head = ggufHeader(tensors);
    const bytes = head.byteLength + tensors.reduce((n, t) => n + pad((t.elements / QK8_0) * Q8_0_BYTES), 0);
    if (existsSync(gguf) && statSync(gguf).size === bytes) return bytes;
    const started = performance.now();
    await writeAtomically(gguf, async (append) => {
      await append(head);
      for (const t of tensors) {
        const values = Buffer.alloc(t.elements * 4);
        await file.read(values, 0, values.byteLength, t.start);
        const blocks = quantizeQ8_0(new Float32Array(values.buffer, values.byteOffset, t.elements));
        await append(blocks);
        await append(new Uint8Array(pad(blocks.byteLength) - blocks.byteLength));
      }
    });
    log(`generated ${gguf} (${(bytes / 1e6).toFixed(0)} MB) in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    return bytes;
  } finally {
    await file.close();
  }
}
