import type { ModelKind } from './types.ts';
import { sha256Hex, utf8 } from '../util/bytes.ts';
import { canonicalJson } from '../util/canonical-json.ts';
import { MAX_JSON_BYTES, parseBoundedJson } from '../util/bounded-json.ts';
import {
  inProcessEngine,
  type EncodeResult,
  type TokenizerEngine,
  type TokenizerEngineFactory,
} from './tokenizer-engine.ts';

/**
 * A wrapper over @huggingface/tokenizers for the probe run: ids without silent truncation or undefined ids
 * (unknown words map to the model's unk token, or fail clearly), id → token, special ids, the vocabulary
 * size and a fingerprint used to refuse comparing models whose tokenizers differ. The tokenizer itself runs
 * in an engine (tokenizer-engine.ts): in process by default, in a worker thread with a time budget in the CLI.
 */

type Json = Record<string, unknown>;

/** tokenizer_config.json holds settings, special tokens and chat templates: a few hundred KiB at most. */
export const MAX_TOKENIZER_CONFIG_BYTES = 4 << 20;

export interface ProbeTokenizerOptions {
  /** Longest sequence the model accepts, when known (config max_position_embeddings). */
  maxLength?: number;
  /** Where the tokenizer runs; in process when not given. */
  engine?: TokenizerEngineFactory;
  /** The paths named in errors; `tokenizer.json` and `tokenizer_config.json` by default. */
  file?: string;
  configFile?: string;
}

export class ProbeTokenizer {
  private constructor(
    private readonly inner: TokenizerEngine,
    /** SHA-256 of the canonical model (vocab, merges) + normalizer + pre-tokenizer + added tokens. */
    readonly fingerprint: string,
    readonly specialIds: ReadonlySet<number>,
    readonly vocabSize: number,
    private readonly unkId: number | undefined,
    /** Longest sequence the model accepts, when known (config max_position_embeddings). */
    readonly maxLength: number | undefined,
  ) {}

  /**
   * Parses tokenizer.json (and tokenizer_config.json) within bounds: an error names the file and the bound
   * ("tokenizer.json: nested deeper than 256 levels"). With an engine that has a time budget, running out
   * throws TokenizerBudgetError, here or from any later call.
   */
  static async fromJson(
    tokenizerJson: string,
    tokenizerConfigJson?: string,
    opts: ProbeTokenizerOptions = {},
  ): Promise<ProbeTokenizer> {
    const file = opts.file ?? 'tokenizer.json';
    const configFile = opts.configFile ?? 'tokenizer_config.json';
    const json = parseBoundedJson(tokenizerJson, file, { maxBytes: MAX_JSON_BYTES }) as Json;
    let config: Json = {};
    if (tokenizerConfigJson) {
      const parsed = parseBoundedJson(tokenizerConfigJson, configFile, { maxBytes: MAX_TOKENIZER_CONFIG_BYTES });
      if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
        throw new Error(`${configFile}: not a JSON object`);
      }
      config = parsed as Json;
    }
    if (!json || typeof json !== 'object' || Array.isArray(json) || !json.model) {
      throw new Error(`${file}: no "model" section`);
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
    const inner = await (opts.engine ?? inProcessEngine)({
      file,
      json,
      config,
      tokenizerJson,
      ...(tokenizerConfigJson ? { tokenizerConfigJson } : {}),
    });
    try {
      const specialIds = new Set<number>(added.filter((t) => t.special).map((t) => t.id));
      const maxId = inner.maxId();
      const unkToken = typeof model.unk_token === 'string' ? model.unk_token : undefined;
      const unkId =
        typeof model.unk_id === 'number'
          ? model.unk_id
          : unkToken !== undefined
            ? inner.tokenToId(unkToken)
            : undefined;
      return new ProbeTokenizer(inner, fingerprint, specialIds, maxId + 1, unkId, opts.maxLength);
    } catch (error) {
      inner.close();
      throw error;
    }
  }

  /** Frees the engine (the CLI's worker thread); the tokenizer cannot be used afterwards. */
  close(): void {
    this.inner.close();
  }

  /** Encodings fetched ahead by `prime`, by text, for the next `encode` calls with special tokens. */
  private primed = new Map<string, EncodeResult>();

  /**
   * Encodes `texts` in one engine call and keeps the results for the `encode` calls that follow (with special
   * tokens), until `unprime`. A run encodes thousands of texts; the CLI's worker engine waits once per call.
   */
  prime(texts: readonly string[]): void {
    const unique = [...new Set(texts)].filter((t) => !this.primed.has(t));
    if (unique.length === 0) return;
    this.inner.encodeMany(unique, true).forEach((enc, i) => this.primed.set(unique[i]!, enc));
  }

  unprime(): void {
    this.primed.clear();
  }

  /** Token ids of `text`; with special tokens (BOS/CLS…) unless told otherwise. Never truncates. */
  encode(text: string, addSpecialTokens = true): number[] {
    const enc = (addSpecialTokens ? this.primed.get(text) : undefined) ?? this.inner.encode(text, addSpecialTokens);
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
    return this.inner.idToToken(id);
  }

  tokenToId(token: string): number | undefined {
    return this.inner.tokenToId(token);
  }

  /** The surface text of one token id (byte-level / metaspace markers resolved). */
  decode(ids: number[]): string {
    return this.inner.decode(ids);
  }

  /** A padding id: [PAD]/<pad> when the vocabulary has one, else 0 (masked out either way). */
  padId(): number {
    for (const t of ['[PAD]', '<pad>', '<|pad|>', '<|endoftext|>', '</s>']) {
      const id = this.inner.tokenToId(t);
      if (id !== undefined) return id;
    }
    return 0;
  }
}

/**
 * Refuses, with a plain reason, to compare two models whose answers are not comparable: different labels
 * (classifiers), or tokenizers that read the probe items differently. Two tokenizers with different
 * fingerprints are still comparable when they encode every probe text to the same ids: a fine-tune that only
 * appended tokens to the vocabulary (and the rows of its embedding and head) reads the probes as its base
 * does. Causal LMs with different vocabulary sizes are comparable only then.
 */
export function assertComparable(opts: {
  kind: ModelKind;
  base: ProbeTokenizer;
  finetune: ProbeTokenizer;
  baseLabels?: readonly string[];
  finetuneLabels?: readonly string[];
  baseVocabSize?: number;
  finetuneVocabSize?: number;
  /** Every text the run will encode (item texts, prompts, continuations). */
  texts?: readonly string[];
}): void {
  const sameTokenizer = opts.base.fingerprint === opts.finetune.fingerprint;
  const differing = sameTokenizer ? undefined : firstDifferentEncoding(opts.base, opts.finetune, opts.texts ?? []);
  if (!sameTokenizer && (opts.texts === undefined || differing !== undefined)) {
    throw new Error(
      `the base and fine-tune tokenizers differ (${opts.base.fingerprint.slice(0, 12)} vs ${opts.finetune.fingerprint.slice(0, 12)})` +
        (differing === undefined ? '' : ` and encode ${JSON.stringify(differing.slice(0, 80))} differently`) +
        ': their answers cannot be compared item by item',
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
    if (a !== b && (sameTokenizer || b < a)) {
      throw new Error(`the language models' vocabulary sizes differ: base ${a} vs fine-tune ${b}`);
    }
  }
}

function firstDifferentEncoding(a: ProbeTokenizer, b: ProbeTokenizer, texts: readonly string[]): string | undefined {
  a.prime(texts);
  b.prime(texts);
  try {
    for (const text of texts) {
      const x = a.encode(text, true);
      const y = b.encode(text, true);
      if (x.length !== y.length || x.some((id, i) => id !== y[i])) return text;
    }
    return undefined;
  } finally {
    a.unprime();
    b.unprime();
  }
}
