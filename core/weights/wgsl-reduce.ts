import { EMPTY_STATS, type PairStats } from './pair-stats.ts';

/**
 * The WGSL reducer of two f32 arrays → one partial PairStats record per workgroup, summed by the
 * host in f64 (mergePartials). Precision comes from three layers, each bounding the f32 error of the one
 * below: Kahan-compensated accumulation per thread over ELEMENTS_PER_THREAD elements, a pairwise (tree)
 * reduction over the workgroup in shared memory, and f64 across workgroups and chunks. A plain f32 loop
 * over a 16M-element tensor loses ~3 digits; this keeps the GPU within 1e-6 of the f64 CPU path
 * (wgsl-reduce.test.ts emulates this exact order in TS). GPU calls live in workers/gpu-reducer.ts.
 */
export const WORKGROUP_SIZE = 256;
export const ELEMENTS_PER_THREAD = 64;
/** Elements covered by one workgroup: thread t reads block + k·WORKGROUP_SIZE + t (coalesced). */
export const ELEMENTS_PER_WORKGROUP = WORKGROUP_SIZE * ELEMENTS_PER_THREAD;
/**
 * u32 words per workgroup partial: f32 bits of Σbase², Σft², Σdiff², Σbase·ft, max|diff|, then u32 count and
 * changed, then one word of padding.
 */
export const PARTIAL_WORDS = 8;
/** Bytes of the uniform block: n (u32), changedAbove (f32), two words of padding (16-byte uniform rule). */
export const PARAMS_BYTES = 16;

export const REDUCE_WGSL = /* wgsl */ `
struct Params {
  n: u32,
  changedAbove: f32,
  pad0: u32,
  pad1: u32,
}

@group(0) @binding(0) var<storage, read> base: array<f32>;
@group(0) @binding(1) var<storage, read> ft: array<f32>;
@group(0) @binding(2) var<storage, read_write> partials: array<u32>;
@group(0) @binding(3) var<uniform> params: Params;

const WG: u32 = ${WORKGROUP_SIZE}u;
const PER_THREAD: u32 = ${ELEMENTS_PER_THREAD}u;

var<workgroup> sums: array<vec4<f32>, WG>;
var<workgroup> maxes: array<f32, WG>;
var<workgroup> changes: array<u32, WG>;

@compute @workgroup_size(${WORKGROUP_SIZE})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let start = wid.x * WG * PER_THREAD;
  // Kahan per lane: sum + compensation, the four sums side by side in a vec4.
  var sum = vec4<f32>(0.0);
  var comp = vec4<f32>(0.0);
  var mx = 0.0;
  var changed = 0u;
  for (var k = 0u; k < PER_THREAD; k++) {
    let i = start + k * WG + lid;
    if (i >= params.n) {
      break;
    }
    let b = base[i];
    let f = ft[i];
    let d = f - b;
    let y = vec4<f32>(b * b, f * f, d * d, b * f) - comp;
    let t = sum + y;
    comp = (t - sum) - y;
    sum = t;
    let ad = abs(d);
    mx = max(mx, ad);
    if (ad > params.changedAbove) {
      changed += 1u;
    }
  }
  sums[lid] = sum - comp;
  maxes[lid] = mx;
  changes[lid] = changed;
  // Pairwise tree: log2(WG) levels of f32 rounding instead of WG.
  for (var stride = WG / 2u; stride > 0u; stride >>= 1u) {
    workgroupBarrier();
    if (lid < stride) {
      sums[lid] = sums[lid] + sums[lid + stride];
      maxes[lid] = max(maxes[lid], maxes[lid + stride]);
      changes[lid] = changes[lid] + changes[lid + stride];
    }
  }
  if (lid == 0u) {
    let o = wid.x * ${PARTIAL_WORDS}u;
    let s = sums[0];
    partials[o] = bitcast<u32>(s.x);
    partials[o + 1u] = bitcast<u32>(s.y);
    partials[o + 2u] = bitcast<u32>(s.z);
    partials[o + 3u] = bitcast<u32>(s.w);
    partials[o + 4u] = bitcast<u32>(maxes[0]);
    partials[o + 5u] = select(0u, min(params.n - start, WG * PER_THREAD), start < params.n);
    partials[o + 6u] = changes[0];
    partials[o + 7u] = 0u;
  }
}
`;

/** Workgroups to dispatch for n elements (one partial record each). */
export function workgroupsFor(n: number): number {
  return Math.ceil(n / ELEMENTS_PER_WORKGROUP);
}

/**
 * The f32 threshold that makes the shader's `ad > t32` equal the CPU's f64 `ad > t` for every f32 `ad`:
 * the largest f32 ≤ t (round toward −∞). Math.fround rounds to nearest, so step down one ulp if it went up.
 */
export function thresholdToF32(t: number): number {
  const r = Math.fround(t);
  if (r <= t || Number.isNaN(r)) return r;
  const bits = new Float32Array([r]);
  const u = new Uint32Array(bits.buffer);
  if (r > 0) u[0] = u[0]! - 1;
  else if (r === 0) u[0] = 0x80000001;
  else u[0] = u[0]! + 1;
  return bits[0]!;
}

/**
 * Sums `workgroups` partial records (two views of the same readback: f32 for the sums and max, u32 for the
 * counts) in f64. Both views index words; record w starts at word w·PARTIAL_WORDS.
 */
export function mergePartials(floats: Float32Array, uints: Uint32Array, workgroups: number): PairStats {
  if (floats.length < workgroups * PARTIAL_WORDS || uints.length < workgroups * PARTIAL_WORDS) {
    throw new Error(`partials hold fewer than ${workgroups} records`);
  }
  const s = { ...EMPTY_STATS };
  for (let w = 0; w < workgroups; w++) {
    const o = w * PARTIAL_WORDS;
    s.sumBase2 += floats[o]!;
    s.sumFt2 += floats[o + 1]!;
    s.sumDiff2 += floats[o + 2]!;
    s.dot += floats[o + 3]!;
    s.maxAbsDiff = Math.max(s.maxAbsDiff, floats[o + 4]!);
    s.count += uints[o + 5]!;
    s.changed += uints[o + 6]!;
  }
  return s;
}

export const STATS_FIELDS = ['count', 'sumBase2', 'sumFt2', 'sumDiff2', 'dot', 'maxAbsDiff', 'changed'] as const;

/** |a − b| / max(|a|, |b|) per field (0 when both are 0): how far two reducers' answers are apart. */
export function relativeDifferences(a: PairStats, b: PairStats): Record<keyof PairStats, number> {
  const out = {} as Record<keyof PairStats, number>;
  for (const k of STATS_FIELDS) {
    const scale = Math.max(Math.abs(a[k]), Math.abs(b[k]));
    out[k] = scale === 0 ? 0 : Math.abs(a[k] - b[k]) / scale;
  }
  return out;
}
