import { elementCount, readElements, type WeightTensor } from '../weights/tensors.ts';

/**
 * ‖scale·B·A‖_F without forming B·A: ‖BA‖_F² = tr(AᵀBᵀBA) = tr((BᵀB)(AAᵀ)) = Σᵢⱼ (BᵀB)ᵢⱼ (AAᵀ)ᵢⱼ, two r×r
 * Gram matrices (both symmetric). B·A itself is out × in, the size of the base weight; the Grams cost
 * r²·(in + out) and r² numbers of memory, so the footprint of a large model's adapter stays cheap.
 */

/** Rows of a [rows, cols] tensor, read whole: adapters are small (r × in + out × r). */
async function matrix(t: WeightTensor): Promise<{ rows: number; cols: number; data: Float32Array }> {
  const [rows, cols] = t.shape as [number, number];
  return { rows, cols, data: await readElements(t, 0, elementCount(t.shape)) };
}

/** A·Aᵀ for A [r, in] (Gram of the rows). */
function rowGram(m: { rows: number; cols: number; data: Float32Array }): Float64Array {
  const g = new Float64Array(m.rows * m.rows);
  for (let i = 0; i < m.rows; i++)
    for (let j = i; j < m.rows; j++) {
      let s = 0;
      for (let k = 0; k < m.cols; k++) s += m.data[i * m.cols + k]! * m.data[j * m.cols + k]!;
      g[i * m.rows + j] = s;
      g[j * m.rows + i] = s;
    }
  return g;
}

/** Bᵀ·B for B [out, r] (Gram of the columns). */
function columnGram(m: { rows: number; cols: number; data: Float32Array }): Float64Array {
  const g = new Float64Array(m.cols * m.cols);
  for (let k = 0; k < m.rows; k++)
    for (let i = 0; i < m.cols; i++) {
      const x = m.data[k * m.cols + i]!;
      for (let j = 0; j < m.cols; j++) g[i * m.cols + j] = g[i * m.cols + j]! + x * m.data[k * m.cols + j]!;
    }
  return g;
}

/**
 * ‖B·A‖²_F row by row of B·A, for a rank above the update's own size (r² > out · in): the Grams would then be
 * larger than B·A and cost more (a 1 MB adapter of r = 4096 on a 64-wide projection: two 128 MB Grams).
 */
function productNormSquared(
  a: { rows: number; cols: number; data: Float32Array },
  b: { rows: number; cols: number; data: Float32Array },
): number {
  const row = new Float64Array(a.cols);
  let sum = 0;
  for (let o = 0; o < b.rows; o++) {
    row.fill(0);
    for (let k = 0; k < a.rows; k++) {
      const bk = b.data[o * b.cols + k]!;
      if (bk === 0) continue;
      for (let i = 0; i < a.cols; i++) row[i] = row[i]! + bk * a.data[k * a.cols + i]!;
    }
    for (let i = 0; i < a.cols; i++) sum += row[i]! * row[i]!;
  }
  return sum;
}

export async function loraUpdateNorm(a: WeightTensor, b: WeightTensor, scale: number): Promise<number> {
  const ma = await matrix(a);
  const mb = await matrix(b);
  if (ma.rows * ma.rows > ma.cols * mb.rows) return Math.abs(scale) * Math.sqrt(productNormSquared(ma, mb));
  const ga = rowGram(ma);
  const gb = columnGram(mb);
  let sum = 0;
  for (let i = 0; i < ga.length; i++) sum += ga[i]! * gb[i]!;
  return Math.abs(scale) * Math.sqrt(Math.max(0, sum));
}

const CHUNK = 1 << 20;

/** ‖W‖_F, streamed in chunks (a base weight may be large). */
export async function frobeniusNorm(t: WeightTensor): Promise<number> {
  const total = elementCount(t.shape);
  let sum = 0;
  for (let from = 0; from < total; from += CHUNK) {
    const chunk = await readElements(t, from, Math.min(CHUNK, total - from));
    for (let i = 0; i < chunk.length; i++) sum += chunk[i]! * chunk[i]!;
  }
  return Math.sqrt(sum);
}
