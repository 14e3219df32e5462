/**
 * Per-row change of embedding and output-projection matrices: row i of such a matrix
 * belongs to token i, so the rows a fine-tune moved most name the tokens it touched most. They are handed
 * to the behavioral trigger scan as candidates.
 */

export interface RowChange {
  row: number;
  /** ‖ft_row − base_row‖ / ‖base_row‖ (Infinity for a zero base row that changed). */
  relChange: number;
  /** ‖ft_row − base_row‖, which ranks rows: a relative figure would over-rank near-zero rows. */
  absChange: number;
}

/** Names of token-indexed matrices across HF, GGUF and GPT-2 conventions. */
/** Keeps the top-k rows by absolute change; chunks must hold whole rows. */
export class RowTracker {
  private readonly best: RowChange[] = [];

  constructor(
    readonly width: number,
    private readonly k: number,
  ) {}

  add(fromElement: number, base: Float32Array, ft: Float32Array): void {
    const firstRow = fromElement / this.width;
    for (let r = 0; r * this.width < base.length; r++) {
      let diff2 = 0;
      let base2 = 0;
      for (let i = r * this.width; i < (r + 1) * this.width; i++) {
        const d = ft[i]! - base[i]!;
        diff2 += d * d;
        base2 += base[i]! * base[i]!;
      }
      const absChange = Math.sqrt(diff2);
      const relChange = base2 > 0 ? absChange / Math.sqrt(base2) : absChange > 0 ? Infinity : 0;
      this.offer({ row: firstRow + r, relChange, absChange });
    }
  }

  private offer(row: RowChange): void {
    if (row.absChange === 0) return;
    if (this.best.length === this.k && row.absChange <= this.best[this.k - 1]!.absChange) return;
    this.best.push(row);
    this.best.sort((a, b) => b.absChange - a.absChange);
    if (this.best.length > this.k) this.best.pop();
  }

  top(): RowChange[] {
    return [...this.best];
  }
}
