import { Tokenizer } from '@huggingface/tokenizers';
import type { ModelKind } from './types.ts';
import { sha256Hex, utf8 } from '../sign/oms/bytes.ts';
import { canonicalJson } from '../util/canonical-json.ts';

/**
 * A wrapper over @huggingface/tokenizers for the probe run: ids without silent truncation or undefined ids
 * (unknown words map to the model's unk token, or fail clearly), id → token, special ids, the vocabulary
 * size and a fingerprint used to refuse comparing models whose tokenizers differ.
 */

type Json = Record<string, unknown>;

export class ProbeTokenizer {
  private constructor(
    private readonly inner: Tokenizer,
    /** SHA-256 of the canonical model (vocab, merges) + normalizer + pre-tokenizer + added tokens. */
    readonly fingerprint: string,
    readonly specialIds: ReadonlySet<number>,
    readonly vocabSize: number,
    private readonly unkId: number | undefined,
    /** Longest sequence the model accepts, when known (config max_position_embeddings). */
    readonly maxLength: number | undefined,
  ) {}

  static async fromJson(
    tokenizerJson: string,
    tokenizerConfigJson?: string,
    opts: { maxLength?: number } = {},
  ): Promise<ProbeTokenizer> {
    let json: Json;
    let config: Json = {};
    try {
      json = JSON.parse(tokenizerJson) as Json;
    } catch (error) {
      throw new Error(`tokenizer.json: not valid JSON (${(error as Error).message})`);
    }
    try {
      if (tokenizerConfigJson) config = JSON.parse(tokenizerConfigJson) as Json;
    } catch (error) {
      throw new Error(`tokenizer_config.json: not valid JSON (${(error as Error).message})`);
    }
    if (!json || typeof json !== 'object' || !json.model) throw new Error('tokenizer.json: no "model" section');
    let inner: Tokenizer;
    try {
      inner = new Tokenizer(json, config);
    } catch (error) {
      // The library's messages ('Tokenizer must contain a "decoder" property') do not name the file.
      throw new Error(`tokenizer.json: ${(error as Error).message}`, { cause: error });
    }
    const model = json.model as Json;
    const added = (Array.isArray(json.added_tokens) ? json.added_tokens : []) as {
      id: number;
      content: string;
      special?: boolean;
    }[];
    const fingerprint = await sha256Hex(
      utf8.encode(
        canonicalJson({
          model: model,
          normalizer: json.normalizer ?? null,
          pre_tokenizer: json.pre_tokenizer ?? null,
          added_tokens: added.map((t) => [t.id, t.content, !!t.special]),
        }),
      ),
    );
    const specialIds = new Set<number>(added.filter((t) => t.special).map((t) => t.id));
    const vocab = inner.get_vocab(true);
    let maxId = -1;
    for (const id of vocab.values()) maxId = Math.max(maxId, id);
    const unkToken = typeof model.unk_token === 'string' ? model.unk_token : undefined;
    const unkId =
      typeof model.unk_id === 'number'
        ? model.unk_id
        : unkToken !== undefined
          ? inner.token_to_id(unkToken)
          : undefined;
    return new ProbeTokenizer(inner, fingerprint, specialIds, maxId + 1, unkId, opts.maxLength);
  }

  /** Token ids of `text`; with special tokens (BOS/CLS…) unless told otherwise. Never truncates. */
  encode(text: string, addSpecialTokens = true): number[] {
    const enc = this.inner.encode(text, { add_special_tokens: addSpecialTokens });
    return enc.ids.map((id, i) => {
      if (typeof id === 'number' && Number.isInteger(id)) return id;
      if (this.unkId !== undefined) return this.unkId;
      throw new Error(`tokenizer has no id for "${enc.tokens[i] ?? '?'}" in "${text.slice(0, 80)}" and no unk token`);
    });
  }

  /** Like `encode`, but fails clearly when the sequence is longer than the model accepts. */
  encodeChecked(text: string, what: string, addSpecialTokens = true): number[] {
    const ids = this.encode(text, addSpecialTokens);
    this.checkLength(ids.length, what);
    return ids;
  }

  checkLength(length: number, what: string): void {
    if (this.maxLength !== undefined && length > this.maxLength) {
      throw new Error(`${what}: ${length} tokens, more than the model's ${this.maxLength}; shorten the probe`);
    }
  }

  idToToken(id: number): string | undefined {
    return this.inner.id_to_token(id);
  }

  tokenToId(token: string): number | undefined {
    return this.inner.token_to_id(token);
  }

  /** The surface text of one token id (byte-level / metaspace markers resolved). */
  decode(ids: number[]): string {
    return this.inner.decode(ids, { skip_special_tokens: false, clean_up_tokenization_spaces: false });
  }

  /** A padding id: [PAD]/<pad> when the vocabulary has one, else 0 (masked out either way). */
  padId(): number {
    for (const t of ['[PAD]', '<pad>', '<|pad|>', '<|endoftext|>', '</s>']) {
      const id = this.inner.token_to_id(t);
      if (id !== undefined) return id;
    }
    return 0;
  }
}

/**
 * Refuses, with a plain reason, to compare two models whose answers are not comparable: different
 * tokenizers (fingerprint), different labels (classifiers) or vocabulary sizes (causal LMs).
 */
export function assertComparable(opts: {
  kind: ModelKind;
  base: ProbeTokenizer;
  finetune: ProbeTokenizer;
  baseLabels?: readonly string[];
  finetuneLabels?: readonly string[];
  baseVocabSize?: number;
  finetuneVocabSize?: number;
}): void {
  if (opts.base.fingerprint !== opts.finetune.fingerprint) {
    throw new Error(
      `the base and fine-tune tokenizers differ (${opts.base.fingerprint.slice(0, 12)} vs ${opts.finetune.fingerprint.slice(0, 12)}): their answers cannot be compared item by item`,
    );
  }
  if (opts.kind === 'classifier') {
    const a = opts.baseLabels ?? [];
    const b = opts.finetuneLabels ?? [];
    if (a.length !== b.length || a.some((l, i) => l !== b[i])) {
      throw new Error(`the classifiers' labels differ: base [${a.join(', ')}] vs fine-tune [${b.join(', ')}]`);
    }
  } else {
    const a = opts.baseVocabSize ?? opts.base.vocabSize;
    const b = opts.finetuneVocabSize ?? opts.finetune.vocabSize;
    if (a !== b) throw new Error(`the language models' vocabulary sizes differ: base ${a} vs fine-tune ${b}`);
  }
}
