import type { ByteSource } from '../io/byte-source.ts';

/**
 * An adapter folder may ship its own tokenizer files. Whoever loads the adapter with the base's tokenizer
 * (AutoTokenizer.from_pretrained(base)) and whoever loads the adapter folder's get different token ids when the
 * files differ, and the behavior check can only probe through one of them: a trigger word renamed in the
 * adapter's vocabulary is invisible to a probe through it while live for users of the base's. So a tokenizer file
 * the adapter ships must be byte for byte the base's; otherwise the adapter is reviewed.
 */
export const TOKENIZER_FILES = [
  'tokenizer.json',
  'tokenizer_config.json',
  'special_tokens_map.json',
  'chat_template.jinja',
  'tokenizer.model',
  'vocab.json',
  'merges.txt',
] as const;

/** Why the adapter's tokenizer files are not the base's, or undefined when it ships none or the same ones. */
export async function adapterTokenizerDifference(
  adapter: { paths: readonly string[]; source(path: string): Promise<ByteSource> },
  base: readonly ByteSource[],
): Promise<string | undefined> {
  const differ: string[] = [];
  for (const name of TOKENIZER_FILES) {
    if (!adapter.paths.includes(name)) continue;
    const theirs = base.find((f) => f.name === name);
    if (!theirs) {
      differ.push(`${name} (the base has none)`);
      continue;
    }
    const mine = await adapter.source(name);
    if (!(await sameBytes(mine, theirs))) differ.push(name);
  }
  return differ.length > 0
    ? `The adapter ships tokenizer files other than the base's: ${differ.join(', ')}.`
    : undefined;
}

/** Compared in 4 MiB windows, so a large tokenizer.json is never held twice. */
async function sameBytes(a: ByteSource, b: ByteSource): Promise<boolean> {
  if (a.size !== b.size) return false;
  const window = 4 << 20;
  for (let at = 0; at < a.size; at += window) {
    const n = Math.min(window, a.size - at);
    const [x, y] = await Promise.all([a.read(at, n), b.read(at, n)]);
    for (let i = 0; i < n; i++) if (x[i] !== y[i]) return false;
  }
  return true;
}
