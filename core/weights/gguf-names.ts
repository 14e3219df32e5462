/**
 * llama.cpp's tensor names (GGUF) → Hugging Face's, for the architectures whose converter is a plain rename,
 * so that a GGUF file is compared tensor by tensor with the checkpoint it claims to quantize. The names are
 * those of gguf-py's TensorNameMap (the converter's own table); the fixtures are written through it.
 */

/** GGUF `general.architecture` values whose tensors this table names (Mistral converts as `llama`). */
export const MAPPED_ARCHITECTURES: ReadonlySet<string> = new Set(['llama', 'qwen2', 'qwen3']);

const TOP: Readonly<Record<string, string>> = {
  'token_embd.weight': 'model.embed_tokens.weight',
  'output_norm.weight': 'model.norm.weight',
  'output.weight': 'lm_head.weight',
};

const BLOCK: Readonly<Record<string, string>> = {
  attn_norm: 'input_layernorm',
  attn_q: 'self_attn.q_proj',
  attn_k: 'self_attn.k_proj',
  attn_v: 'self_attn.v_proj',
  attn_output: 'self_attn.o_proj',
  attn_q_norm: 'self_attn.q_norm',
  attn_k_norm: 'self_attn.k_norm',
  ffn_norm: 'post_attention_layernorm',
  ffn_gate: 'mlp.gate_proj',
  ffn_up: 'mlp.up_proj',
  ffn_down: 'mlp.down_proj',
};

/**
 * Tensors the converter computes rather than copies: llama3-style RoPE frequency factors come from the config's
 * rope_scaling, so a checkpoint has no tensor to compare them with.
 */
export const CONVERTER_COMPUTED: ReadonlySet<string> = new Set(['rope_freqs.weight']);

const BLOCK_NAME = /^blk\.(\d+)\.([a-z_]+)\.(weight|bias)$/;

/** The Hugging Face name of a GGUF tensor, or undefined when the table has none. */
export function huggingFaceName(ggufName: string): string | undefined {
  const top = TOP[ggufName];
  if (top) return top;
  const m = BLOCK_NAME.exec(ggufName);
  const module = m ? BLOCK[m[2]!] : undefined;
  return m && module ? `model.layers.${m[1]}.${module}.${m[3]}` : undefined;
}

/**
 * llama.cpp's Llama converter (LlamaModel.permute) reorders the rows of each attention head's Q and K weights
 * from Hugging Face's rotate-half layout (first half of the head, then second) to interleaved pairs, because
 * its RoPE rotates adjacent elements. Qwen2/Qwen3 use the rotate-half RoPE in llama.cpp and are not permuted.
 * Returns the head count to undo it with, or undefined when the tensor is stored in Hugging Face's row order.
 */
export function permutedHeads(
  architecture: string,
  ggufName: string,
  heads: { query: number; keyValue: number },
): number | undefined {
  if (architecture !== 'llama') return undefined;
  if (/^blk\.\d+\.attn_q\.(weight|bias)$/.test(ggufName)) return heads.query;
  if (/^blk\.\d+\.attn_k\.(weight|bias)$/.test(ggufName)) return heads.keyValue;
  return undefined;
}

/**
 * The stored row of Hugging Face row `row` in a tensor permuted per head: within a head of `headDim` rows, HF row
 * j·headDim/2 + i (half j, position i) is stored at 2i + j.
 */
export function storedRow(row: number, headDim: number): number {
  const head = Math.floor(row / headDim);
  const within = row - head * headDim;
  const half = headDim / 2;
  const j = within >= half ? 1 : 0;
  const i = within - j * half;
  return head * headDim + 2 * i + j;
}
