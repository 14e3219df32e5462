/**
 * How far each ggml type's dequantized weights lie from the weights it quantized: the relative error
 * ‖dequantized − base‖ / ‖base‖ of one tensor. Measured by `python scripts/gen_gguf_fixtures.py --bands` on the
 * development seeds (Llama-shaped checkpoints, BF16 weights drawn Gaussian or Student-t with ν = 3, whose tails
 * stretch block scales; gguf-py's quantizer for the legacy types, scripts/gguf_kquants.py for the k-quants)
 * before the committed fixtures (validation seeds) were generated. `limit` is 1.5 × the largest development
 * figure: trained weights have heavier outliers than either distribution, and llama.cpp's scale search only
 * lowers the error. The validation seeds measured inside every development range (docs/gguf.md).
 *
 * The band is the second condition of "a quantization of the base"; the first, that every value sits on its
 * grid (quantization-grid.ts), is what tells a quantized fine-tune apart. The band catches the grid's one
 * freedom, the block scales: scales too coarse for the weights put every value on a level, far from it.
 */
export interface QuantizationBand {
  /** Smallest and largest per-tensor relative error on the development seeds. */
  measured: readonly [number, number];
  /** The largest relative error a quantization of the base may show. */
  limit: number;
}

export const QUANTIZATION_BANDS: Readonly<Record<string, QuantizationBand>> = {
  Q8_0: { measured: [0.0053, 0.0087], limit: 0.013 },
  Q4_0: { measured: [0.0854, 0.1305], limit: 0.196 },
  Q4_1: { measured: [0.0779, 0.1061], limit: 0.16 },
  Q5_0: { measured: [0.0424, 0.0669], limit: 0.1 },
  Q5_1: { measured: [0.0376, 0.049], limit: 0.074 },
  Q2_K: { measured: [0.3262, 0.3906], limit: 0.59 },
  Q3_K: { measured: [0.1544, 0.1947], limit: 0.29 },
  Q4_K: { measured: [0.078, 0.1065], limit: 0.16 },
  Q5_K: { measured: [0.0379, 0.0497], limit: 0.075 },
  Q6_K: { measured: [0.0187, 0.0271], limit: 0.041 },
};
