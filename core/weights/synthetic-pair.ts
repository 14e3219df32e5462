import { mulberry32 } from '../util/mulberry32.ts';

/**
 * A seeded base/fine-tune pair for self-tests and benchmarks: base ~ N(0, 0.02²) like an initialised layer,
 * and the fine-tune moves 30% of the elements by ~N(0, (2e-3)²) (the rest stay bit-identical), so every
 * PairStats field is non-trivial and the pair looks "derived".
 */
export function syntheticPair(n: number, seed = 1): { base: Float32Array; ft: Float32Array } {
  const next = mulberry32(seed);
  const gaussian = () => {
    // Box–Muller; 1 − u keeps log's argument in (0, 1].
    const u = 1 - next();
    const v = next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  };
  const base = new Float32Array(n);
  const ft = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const b = 0.02 * gaussian();
    base[i] = b;
    ft[i] = next() < 0.3 ? b + 2e-3 * gaussian() : b;
  }
  return { base, ft };
}
