import type { LlamaArchitecture, RopeScaling } from './hf-config.ts';

/**
 * Rows of the cos/sin tables in a graph: positions 0..n−1. Capped so the constant stays a few MB for
 * 32k-position configs; a probe text is far shorter, and a longer one is refused by length before it runs.
 */
export const MAX_ROPE_TABLE_POSITIONS = 4096;

export function ropePositions(arch: Pick<LlamaArchitecture, 'maxPositions'>): number {
  return Math.min(arch.maxPositions, MAX_ROPE_TABLE_POSITIONS);
}

/**
 * cos and sin per position and dimension, as transformers computes them: freqs = position · inv_freq in float32,
 * duplicated over both halves of head_dim, then cos and sin rounded to float32.
 */
export function ropeTables(
  headDim: number,
  theta: number,
  scaling: RopeScaling,
  positions: number,
): { cos: Float32Array; sin: Float32Array } {
  const inv = ropeInverseFrequencies(headDim, theta, scaling);
  const half = headDim / 2;
  const cos = new Float32Array(positions * headDim);
  const sin = new Float32Array(positions * headDim);
  for (let p = 0; p < positions; p++) {
    for (let i = 0; i < half; i++) {
      const angle = Math.fround(p * inv[i]!);
      for (const j of [p * headDim + i, p * headDim + half + i]) {
        cos[j] = Math.cos(angle);
        sin[j] = Math.sin(angle);
      }
    }
  }
  return { cos, sin };
}

/**
 * RoPE inverse frequencies as transformers computes them (modeling_rope_utils.py: the default, linear and llama3
 * rope types), in float32 like the library, so rotations match bit for bit as far as float32 allows.
 */
export function ropeInverseFrequencies(headDim: number, theta: number, scaling: RopeScaling): Float32Array {
  const half = headDim / 2;
  const inv = new Float32Array(half);
  for (let i = 0; i < half; i++) inv[i] = 1 / Math.fround(Math.pow(theta, Math.fround((2 * i) / headDim)));
  if (scaling.type === 'default') return inv;
  if (scaling.type === 'linear') return inv.map((f) => f / scaling.factor);
  // llama3: long wavelengths are slowed by `factor`, short ones kept, and the band between is interpolated.
  const { factor, lowFreqFactor, highFreqFactor, originalMaxPositions } = scaling;
  const lowFreqWavelen = originalMaxPositions / lowFreqFactor;
  const highFreqWavelen = originalMaxPositions / highFreqFactor;
  return inv.map((f) => {
    const wavelen = (2 * Math.PI) / f;
    if (wavelen > lowFreqWavelen) return f / factor;
    if (wavelen < highFreqWavelen) return f;
    const smooth = (originalMaxPositions / wavelen - lowFreqFactor) / (highFreqFactor - lowFreqFactor);
    return (1 - smooth) * (f / factor) + smooth * f;
  });
}
