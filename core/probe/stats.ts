/**
 * The statistics of the behavioral diff: exact McNemar on the
 * discordant pairs, Holm's step-down correction, a seeded paired bootstrap, Jensen–Shannon divergence,
 * top-1 agreement and the Wilson score interval. Pure functions, no dependencies.
 */

import { mulberry32 } from '../util/mulberry32.ts';

export { mulberry32 };

const LN2 = Math.log(2);

/**
 * Two-sided exact McNemar test: min(1, 2·P[X ≤ min(b, c)]) with X ~ Bin(b + c, ½); 1 when b + c = 0.
 * b = items that went pass→fail, c = fail→pass. Summed in log space so large counts do not underflow.
 */
export function mcnemarExact(b: number, c: number): number {
  if (!Number.isInteger(b) || !Number.isInteger(c) || b < 0 || c < 0) {
    throw new RangeError('mcnemarExact: b and c must be non-negative integers');
  }
  const n = b + c;
  if (n === 0) return 1;
  const k = Math.min(b, c);
  // log C(n, i) built up term by term; log pmf(i) = log C(n, i) − n·ln 2.
  let logC = 0;
  const logs: number[] = [];
  for (let i = 0; i <= k; i++) {
    if (i > 0) logC += Math.log(n - i + 1) - Math.log(i);
    logs.push(logC - n * LN2);
  }
  // pmf rises up to n/2 and k ≤ n/2, so the last term is the largest.
  const max = logs[k] ?? 0;
  const tail = Math.exp(max) * logs.reduce((s, l) => s + Math.exp(l - max), 0);
  return Math.min(1, 2 * tail);
}

/** Holm's step-down adjusted p-values, in the input order: monotone in the sorted order and capped at 1. */
export function holm(pValues: readonly number[]): number[] {
  const m = pValues.length;
  const order = pValues.map((p, i) => ({ p, i })).sort((a, b) => a.p - b.p || a.i - b.i);
  const adjusted = new Array<number>(m).fill(1);
  let running = 0;
  order.forEach(({ p, i }, rank) => {
    running = Math.max(running, Math.min(1, (m - rank) * p));
    adjusted[i] = running;
  });
  return adjusted;
}

export interface BootstrapOptions {
  /** Number of resamples; at least 2000 (garak uses 10,000, lm-eval 100,000). */
  resamples?: number;
  seed?: number;
  /** Two-sided confidence level of the percentile interval. */
  level?: number;
}

/** Linear-interpolated quantile (type 7) of sorted values. */
function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  const a = sorted[lo] ?? Number.NaN;
  const b = sorted[hi] ?? Number.NaN;
  return a + (b - a) * (pos - lo);
}

/**
 * Percentile bootstrap CI of any statistic of n items: each resample draws n item indices with
 * replacement and hands them to `statistic`. Resamples whose statistic is not finite are dropped.
 */
export function bootstrapCI(
  n: number,
  statistic: (indices: Uint32Array) => number,
  { resamples = 2000, seed = 1, level = 0.95 }: BootstrapOptions = {},
): [number, number] {
  if (resamples < 2000) throw new RangeError('bootstrap: at least 2000 resamples');
  if (!(level > 0 && level < 1)) throw new RangeError('bootstrap: level must be in (0, 1)');
  if (n === 0) return [Number.NaN, Number.NaN];
  const random = mulberry32(seed);
  const indices = new Uint32Array(n);
  const stats: number[] = [];
  for (let r = 0; r < resamples; r++) {
    for (let i = 0; i < n; i++) indices[i] = Math.floor(random() * n);
    const s = statistic(indices);
    if (Number.isFinite(s)) stats.push(s);
  }
  stats.sort((a, b) => a - b);
  const tail = (1 - level) / 2;
  return [quantile(stats, tail), quantile(stats, 1 - tail)];
}

const num = (v: boolean | number): number => (typeof v === 'boolean' ? (v ? 1 : 0) : v);

/**
 * Paired bootstrap CI of mean(after) − mean(before), resampling item indices (the same items for both
 * models), as in Miller 2024 "Adding Error Bars to Evals".
 */
export function pairedBootstrapCI(
  before: readonly (boolean | number)[],
  after: readonly (boolean | number)[],
  options: BootstrapOptions = {},
): [number, number] {
  if (before.length !== after.length) throw new RangeError('pairedBootstrapCI: arrays differ in length');
  const diff = before.map((b, i) => num(after[i] ?? Number.NaN) - num(b));
  return bootstrapCI(
    diff.length,
    (idx) => {
      let s = 0;
      for (const i of idx) s += diff[i] ?? 0;
      return s / idx.length;
    },
    options,
  );
}

/** Jensen–Shannon divergence in nats (0 ≤ JS ≤ ln 2). Inputs are normalized; zero entries are fine. */
export function jsDivergence(p: readonly number[], q: readonly number[]): number {
  if (p.length !== q.length) throw new RangeError('jsDivergence: distributions differ in length');
  const sp = p.reduce((s, v) => s + v, 0);
  const sq = q.reduce((s, v) => s + v, 0);
  if (!(sp > 0) || !(sq > 0)) return Number.NaN;
  let js = 0;
  for (let i = 0; i < p.length; i++) {
    const a = (p[i] ?? 0) / sp;
    const b = (q[i] ?? 0) / sq;
    const m = (a + b) / 2;
    if (a > 0) js += 0.5 * a * Math.log(a / m);
    if (b > 0) js += 0.5 * b * Math.log(b / m);
  }
  return Math.min(LN2, Math.max(0, js));
}

/** Share of positions where the two top-1 answers agree; 1 for empty input. */
export function top1Agreement(a: readonly number[], b: readonly number[]): number {
  if (a.length !== b.length) throw new RangeError('top1Agreement: arrays differ in length');
  if (a.length === 0) return 1;
  let same = 0;
  a.forEach((x, i) => {
    if (x === b[i]) same++;
  });
  return same / a.length;
}

/** Wilson score interval for k successes in n trials (z = 1.96 for 95%); [0, 1] when n = 0. */
export function wilsonInterval(k: number, n: number, z = 1.959963984540054): [number, number] {
  if (n === 0) return [0, 1];
  const p = k / n;
  const z2 = z * z;
  const centre = (p + z2 / (2 * n)) / (1 + z2 / n);
  const half = (z / (1 + z2 / n)) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  return [Math.max(0, centre - half), Math.min(1, centre + half)];
}

/** The rule of three: with 0 events in n trials, the 95% upper bound of the rate is about 3/n. */
export function ruleOfThree(n: number): number {
  return n === 0 ? 1 : Math.min(1, 3 / n);
}

export function mean(values: readonly number[]): number {
  return values.length === 0 ? Number.NaN : values.reduce((s, v) => s + v, 0) / values.length;
}

/** Rounds to 4 significant digits to keep the signed link short; non-finite values pass through. */
export function sig4(x: number): number {
  return Number.isFinite(x) && x !== 0 ? Number(x.toPrecision(4)) : x;
}
