import type { RopeScaling } from './hf-config.ts';

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
