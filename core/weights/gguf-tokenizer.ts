import { z } from 'zod';
import type { ByteSource } from '../io/byte-source.ts';
import { readGgufHeader, readGgufIntArray, readGgufStringArray } from '../formats/gguf.ts';
import { MAX_JSON_BYTES, parseBoundedJson } from '../util/bounded-json.ts';
import type { GgufTokenizerComparison } from './lineage-schema.ts';

/**
 * A GGUF file carries its tokenizer as metadata (tokenizer.ggml.tokens: the token strings in id order;
 * tokenizer.ggml.merges for BPE). llama.cpp's converter copies them from the checkpoint's tokenizer, so a
 * quantization of the base has the base's strings under the base's ids. Another tokenizer under the same
 * weights would make the same ids mean other text.
 */

/** A vocabulary of a million tokens is ten times the largest in use; 64 MiB of strings bounds the read. */
const LIMITS = { maxItems: 1 << 20, maxBytes: 64 << 20 };
const EXAMPLES = 5;

const TokenizerJson = z.object({
  model: z.object({
    // BPE, WordPiece, WordLevel: token → id; Unigram: [piece, score] in id order.
    vocab: z.union([z.record(z.string(), z.number().int().nonnegative()), z.array(z.tuple([z.string(), z.number()]))]),
    merges: z.array(z.union([z.string(), z.tuple([z.string(), z.string()])])).optional(),
  }),
  added_tokens: z.array(z.object({ id: z.number().int().nonnegative(), content: z.string() })).optional(),
});

export async function compareGgufTokenizer(
  gguf: ByteSource,
  base: { name: string; text: string } | undefined,
): Promise<GgufTokenizerComparison> {
  const notCompared = (detail: string): GgufTokenizerComparison => ({ result: 'not-compared', detail });
  if (!base) return notCompared('the base has no tokenizer.json to compare the GGUF tokenizer with');
  const header = await readGgufHeader(gguf);
  const tokens = await readGgufStringArray(gguf, header, 'tokenizer.ggml.tokens', LIMITS);
  if (!tokens) return notCompared(`${gguf.name} has no tokenizer.ggml.tokens`);
  const parsed = TokenizerJson.safeParse(parseBoundedJson(base.text, base.name, { maxBytes: MAX_JSON_BYTES }));
  if (!parsed.success) return notCompared(`${base.name}: no vocabulary this comparison reads`);
  const expected = tokensById(parsed.data);
  const differing = differingIds(expected, tokens);
  const merges = await mergesDiffer(gguf, header, parsed.data);
  const control = await controlOutsideAddedTokens(gguf, header, parsed.data, tokens);
  const counts = `${tokens.length} tokens in ${gguf.name}, ${expected.length} in ${base.name}`;
  if (differing.length === 0 && !merges && !control)
    return { result: 'same', detail: `Same token strings by id (${counts}) and merges.`, tokens: tokens.length };
  const examples = differing
    .slice(0, EXAMPLES)
    .map((id) => `id ${id}: ${JSON.stringify(tokens[id] ?? null)} vs ${JSON.stringify(expected[id] ?? null)}`);
  return {
    result: 'different',
    detail: [
      differing.length > 0 ? `${differing.length} token id(s) differ (${counts}): ${examples.join(', ')}.` : '',
      merges ?? '',
      control ?? '',
    ]
      .filter(Boolean)
      .join(' '),
    tokens: tokens.length,
    differingTokens: differing.length,
  };
}

/**
 * A CONTROL token (type 3) is never produced from text: llama.cpp hides it from tokenization and rendering. The
 * converter marks only added tokens so; an ordinary vocabulary token marked CONTROL would vanish from every input.
 */
async function controlOutsideAddedTokens(
  gguf: ByteSource,
  header: Awaited<ReturnType<typeof readGgufHeader>>,
  json: z.infer<typeof TokenizerJson>,
  tokens: readonly string[],
): Promise<string | undefined> {
  const CONTROL = 3;
  const types = await readGgufIntArray(gguf, header, 'tokenizer.ggml.token_type', LIMITS.maxItems);
  if (!types) return undefined;
  const added = new Set((json.added_tokens ?? []).map((t) => t.id));
  const marked = types.flatMap((type, id) => (type === CONTROL && !added.has(id) ? [id] : []));
  if (marked.length === 0) return undefined;
  const names = marked.slice(0, EXAMPLES).map((id) => `${id} ${JSON.stringify(tokens[id] ?? null)}`);
  return `${marked.length} ordinary token(s) marked CONTROL in tokenizer.ggml.token_type: ${names.join(', ')}.`;
}

function tokensById(json: z.infer<typeof TokenizerJson>): (string | undefined)[] {
  const out: (string | undefined)[] = [];
  const vocab = json.model.vocab;
  if (Array.isArray(vocab)) vocab.forEach(([piece], id) => (out[id] = piece));
  else for (const [token, id] of Object.entries(vocab)) if (id < LIMITS.maxItems) out[id] = token;
  for (const t of json.added_tokens ?? []) if (t.id < LIMITS.maxItems) out[t.id] = t.content;
  return out;
}

/** Ids whose strings differ, over both lengths: an id only one side has differs too. */
function differingIds(expected: readonly (string | undefined)[], tokens: readonly string[]): number[] {
  const out: number[] = [];
  for (let id = 0; id < Math.max(expected.length, tokens.length); id++) if (expected[id] !== tokens[id]) out.push(id);
  return out;
}

async function mergesDiffer(
  gguf: ByteSource,
  header: Awaited<ReturnType<typeof readGgufHeader>>,
  json: z.infer<typeof TokenizerJson>,
): Promise<string | undefined> {
  const stored = await readGgufStringArray(gguf, header, 'tokenizer.ggml.merges', LIMITS);
  const expected = (json.model.merges ?? []).map((m) => (typeof m === 'string' ? m : m.join(' ')));
  if (!stored)
    return expected.length > 0
      ? `${gguf.name} has no tokenizer.ggml.merges; the base has ${expected.length}.`
      : undefined;
  const first = stored.findIndex((m, i) => m !== expected[i]);
  if (first === -1 && stored.length === expected.length) return undefined;
  const at = first === -1 ? Math.min(stored.length, expected.length) : first;
  return `Merges differ from rank ${at} (${stored.length} in the GGUF file, ${expected.length} in the base).`;
}
