/**
 * Token-indexed matrices (input embeddings, output projections): row i belongs to token i, so a fine-tune
 * that extends the vocabulary appends rows to them and leaves the other dimensions alone.
 */

/** HF, GPT-2, T5 and GGUF names of token-indexed matrices. */
const TOKEN_MATRIX = /(embed|(^|\.)wte\.|lm_head|(^|\.)shared\.|token_embd|(^|\.)output\.weight$)/i;
/** Embeddings indexed by position or segment, not by token: a longer context is not an added token. */
const NOT_TOKEN_INDEXED = /(position|pos_emb|token_type|(^|\.)wpe\.)/i;

export function isTokenMatrix(name: string, shape: readonly number[]): boolean {
  return shape.length === 2 && TOKEN_MATRIX.test(name) && !NOT_TOKEN_INDEXED.test(name);
}

/**
 * The vocabulary's row count as the weights show it: the most rows of any 2-D tensor (embeddings and output
 * heads have one row per token, more than any hidden dimension). A matrix with that many rows is treated as
 * token-indexed whatever its name, so renaming a tensor cannot hide its rows from the trigger scan.
 */
export function vocabularyRows(shapes: readonly (readonly number[])[]): number {
  return Math.max(0, ...shapes.filter((s) => s.length === 2).map((s) => s[0]!));
}

/** A token matrix by name, or by having the vocabulary's row count. */
export function hasTokenRows(name: string, shape: readonly number[], vocabRows: number): boolean {
  if (shape.length !== 2 || NOT_TOKEN_INDEXED.test(name)) return false;
  return isTokenMatrix(name, shape) || (vocabRows > shape[1]! && shape[0] === vocabRows);
}

/**
 * Rows the fine-tune appended to a token matrix (its first rows are the base's tokens), or 0 when the
 * shapes differ otherwise: fewer rows, another width, or not a token matrix.
 */
export function appendedRows(name: string, base: readonly number[], finetune: readonly number[]): number {
  if (!isTokenMatrix(name, base) || finetune.length !== 2) return 0;
  if (finetune[1] !== base[1]) return 0;
  return Math.max(0, finetune[0]! - base[0]!);
}
