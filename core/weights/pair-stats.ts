/**
 * Sums over a pair of same-shaped tensors (base, fine-tune) from which every diff metric of  is
 * derived. Chunks reduce independently and merge, so the CPU path and the WebGPU path produce the same
 * record and can be compared.
 */
export interface PairStats {
  count: number;
  /** Σ base², Σ ft², Σ (ft − base)², Σ base·ft. Accumulated in f64 on the CPU. */
  sumBase2: number;
  sumFt2: number;
  sumDiff2: number;
  dot: number;
  maxAbsDiff: number;
  /** Elements with |ft − base| > the threshold given to the reducer. */
  changed: number;
}

export const EMPTY_STATS: PairStats = {
  count: 0,
  sumBase2: 0,
  sumFt2: 0,
  sumDiff2: 0,
  dot: 0,
  maxAbsDiff: 0,
  changed: 0,
};

/** Reduces one chunk pair. The host picks the implementation (CPU here, WGSL in workers/weights.worker.ts). */
export type PairReducer = (base: Float32Array, ft: Float32Array, changedAbove: number) => Promise<PairStats>;

export function mergeStats(a: PairStats, b: PairStats): PairStats {
  return {
    count: a.count + b.count,
    sumBase2: a.sumBase2 + b.sumBase2,
    sumFt2: a.sumFt2 + b.sumFt2,
    sumDiff2: a.sumDiff2 + b.sumDiff2,
    dot: a.dot + b.dot,
    maxAbsDiff: Math.max(a.maxAbsDiff, b.maxAbsDiff),
    changed: a.changed + b.changed,
  };
}

/** The CPU reducer: plain loops with f64 accumulators. */
export const reduceOnCpu: PairReducer = async (base, ft, changedAbove) => {
  if (base.length !== ft.length) throw new Error(`chunk lengths differ: ${base.length} vs ${ft.length}`);
  let sumBase2 = 0;
  let sumFt2 = 0;
  let sumDiff2 = 0;
  let dot = 0;
  let maxAbsDiff = 0;
  let changed = 0;
  for (let i = 0; i < base.length; i++) {
    const b = base[i]!;
    const f = ft[i]!;
    const d = f - b;
    sumBase2 += b * b;
    sumFt2 += f * f;
    sumDiff2 += d * d;
    dot += b * f;
    const ad = Math.abs(d);
    if (ad > maxAbsDiff) maxAbsDiff = ad;
    if (ad > changedAbove) changed++;
  }
  return { count: base.length, sumBase2, sumFt2, sumDiff2, dot, maxAbsDiff, changed };
};
