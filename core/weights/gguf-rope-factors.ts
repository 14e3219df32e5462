import type { ByteSource } from '../io/byte-source.ts';
import type { GgufHeader } from '../formats/gguf.ts';

/**
 * `rope_freqs.weight`: llama.cpp divides each RoPE frequency by these factors. The converter computes them from a
 * Llama 3 config's rope scaling (convert_hf_to_gguf.py, LlamaModel.generate_extra_tensors), so the checkpoint has
 * no tensor to compare them with; they are recomputed here from the base's config instead, because other factors
 * make the same weights attend differently at every position.
 */

type Json = Record<string, unknown>;
const ROPE_FREQS = 'rope_freqs.weight';
const F32 = 0;

const num = (v: unknown, fallback: number): number => (typeof v === 'number' && Number.isFinite(v) ? v : fallback);

/** The factors the converter writes for this config, or undefined when it writes none (no llama3 scaling). */
export function expectedRopeFactors(config: Json): number[] | undefined {
  const rope = (config['rope_parameters'] ?? config['rope_scaling']) as Json | undefined;
  if (!rope || String(rope['rope_type'] ?? rope['type'] ?? '').toLowerCase() !== 'llama3') return undefined;
  const theta = num(rope['rope_theta'], num(config['rope_theta'], 10000));
  const dim = num(config['head_dim'], num(config['hidden_size'], 0) / num(config['num_attention_heads'], 1));
  const factor = num(rope['factor'], 8);
  const low = num(rope['low_freq_factor'], 1);
  const high = num(rope['high_freq_factor'], 4);
  const oldContext = num(rope['original_max_position_embeddings'], 8192);
  const factors: number[] = [];
  for (let i = 0; i < dim; i += 2) {
    const freq = Math.fround(1 / Math.fround(theta ** (i / dim)));
    const wavelength = (2 * Math.PI) / freq;
    if (wavelength < oldContext / high) factors.push(1);
    else if (wavelength > oldContext / low) factors.push(factor);
    else {
      const smooth = (oldContext / wavelength - low) / (high - low);
      factors.push(1 / ((1 - smooth) / factor + smooth));
    }
  }
  return factors;
}

/** What differs between the file's rope_freqs and the base's config (empty when both agree or neither has any). */
export async function ropeFactorDifferences(source: ByteSource, header: GgufHeader, config: Json): Promise<string[]> {
  const tensor = header.tensors.find((t) => t.name === ROPE_FREQS);
  const expected = expectedRopeFactors(config);
  if (!tensor) return expected ? [`${ROPE_FREQS} is missing; the base's llama3 rope scaling needs it`] : [];
  if (!expected) return [`${ROPE_FREQS} is set; the base's config has no llama3 rope scaling`];
  const count = Number(tensor.dims.reduce((a, b) => a * b, 1n));
  if (tensor.type !== F32 || count !== expected.length)
    return [`${ROPE_FREQS} is ${tensor.typeName} with ${count} values; the converter writes ${expected.length} F32`];
  const bytes = await source.read(header.dataStart + Number(tensor.offset), count * 4);
  if (bytes.byteLength !== count * 4) return [`${ROPE_FREQS} runs past the end of the file`];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const off = expected.findIndex(
    (e, i) => Math.abs(view.getFloat32(i * 4, header.littleEndian) - e) > 1e-5 * Math.abs(e),
  );
  return off === -1
    ? []
    : [
        `${ROPE_FREQS}[${off}] is ${view.getFloat32(off * 4, header.littleEndian)}, the base's config gives ${expected[off]}`,
      ];
}
