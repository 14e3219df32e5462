import { Tokenizer } from '@huggingface/tokenizers';

/**
 * What ProbeTokenizer needs of a tokenizer, and where it runs. A tokenizer.json carries regular expressions
 * (normalizer and pre-tokenizer `Replace`/`Split` patterns) that @huggingface/tokenizers runs on every text:
 * one that backtracks exponentially (`([a-z ]+)+#`) hangs whatever thread encodes a probe. The in-process
 * engine below is for trusted tokenizers and the browser (whose inference worker the page terminates on its
 * own deadline, lib/behavior-compare.ts); the CLI injects an engine that runs the tokenizer in a worker thread
 * and ends it when its time budget runs out (cli/tokenize-worker-node.ts).
 */

/**
 * The time one tokenizer may spend, construction and every call together, before it is stopped. A real
 * tokenizer needs well under a millisecond per probe sentence, so a whole behavioral run (a few hundred probe
 * items, the trigger scan's candidates inserted into the held-out items, vocabulary look-ups) costs it one to
 * two seconds even on a 256k vocabulary; twenty seconds is ten times that, and short enough that a hostile
 * tokenizer cannot hold a CI job.
 */
export const TOKENIZER_BUDGET_MS = 20_000;

export interface EncodeResult {
  ids: (number | undefined)[];
  tokens: string[];
}

/** The calls that run a tokenizer's own code; synchronous, as the probe run uses them. */
export interface TokenizerEngine {
  encode(text: string, addSpecialTokens: boolean): EncodeResult;
  /** Many texts at once: one call where a call is costly (the CLI's worker thread waits for each). */
  encodeMany(texts: readonly string[], addSpecialTokens: boolean): EncodeResult[];
  /** Without skipping special tokens and without clean-up, as the trigger scan reads single ids. */
  decode(ids: number[]): string;
  idToToken(id: number): string | undefined;
  tokenToId(token: string): number | undefined;
  /** The largest id of the vocabulary with the added tokens; -1 when it is empty. */
  maxId(): number;
  /** Frees what the engine holds (the CLI's worker thread); calls after it fail. */
  close(): void;
}

/** A tokenizer's files, already parsed within bounds (core/util/bounded-json.ts), and the path named in errors. */
export interface TokenizerSource {
  file: string;
  json: Record<string, unknown>;
  config: Record<string, unknown>;
  /** The texts the objects were parsed from, for an engine that parses them again elsewhere (a worker). */
  tokenizerJson: string;
  tokenizerConfigJson?: string;
}

export type TokenizerEngineFactory = (source: TokenizerSource) => Promise<TokenizerEngine>;

/** @huggingface/tokenizers on the calling thread: no time budget. */
export const inProcessEngine: TokenizerEngineFactory = async (source) => {
  let inner: Tokenizer;
  try {
    inner = new Tokenizer(source.json, source.config);
  } catch (error) {
    // The library's messages ('Tokenizer must contain a "decoder" property') do not name the file.
    throw new Error(`${source.file}: ${(error as Error).message}`, { cause: error });
  }
  return engineOver(inner);
};

/** The engine over a constructed Tokenizer; the worker thread runs the same calls (cli/tokenize-worker.mjs). */
export function engineOver(inner: Tokenizer): TokenizerEngine {
  const encode = (text: string, addSpecialTokens: boolean): EncodeResult => {
    const enc = inner.encode(text, { add_special_tokens: addSpecialTokens });
    return { ids: enc.ids, tokens: enc.tokens };
  };
  return {
    encode,
    encodeMany: (texts, addSpecialTokens) => texts.map((text) => encode(text, addSpecialTokens)),
    decode: (ids) => inner.decode(ids, { skip_special_tokens: false, clean_up_tokenization_spaces: false }),
    idToToken: (id) => inner.id_to_token(id),
    tokenToId: (token) => inner.token_to_id(token),
    maxId: () => {
      let max = -1;
      for (const id of inner.get_vocab(true).values()) max = Math.max(max, id);
      return max;
    },
    close: () => {},
  };
}

/** A tokenizer that ran past its time budget and was stopped; the run it belonged to cannot go on. */
export class TokenizerBudgetError extends Error {
  readonly file: string;
  readonly budgetMs: number;
  /** What it was doing: "loading", "encoding \"…\"", "decoding" … */
  readonly step: string;
  /** The model folder, when the caller named it. */
  readonly folder: string | undefined;
  constructor(file: string, budgetMs: number, step: string, folder?: string) {
    super(
      `${folder ? `${folder}/` : ''}${file}: the tokenizer ran past its ${formatSeconds(budgetMs)} time budget while ${step} and was stopped`,
    );
    this.name = 'TokenizerBudgetError';
    this.file = file;
    this.budgetMs = budgetMs;
    this.step = step;
    this.folder = folder;
  }
}

export function formatSeconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${(ms / 1000).toFixed(1)} s`;
}

/** "encoding \"terrific rather ph…\"": a step name with a short, printable excerpt of its text. */
export function stepName(op: string, text?: string): string {
  if (text === undefined) return op;
  const clean = text.replace(/\p{Cc}/gu, ' ');
  return `${op} ${JSON.stringify(clean.length > 40 ? `${clean.slice(0, 40)}…` : clean)}`;
}
