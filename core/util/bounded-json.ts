/**
 * JSON.parse for untrusted files (tokenizer.json, tokenizer_config.json, config.json) with a size and a
 * nesting bound. V8's JSON.parse itself does not recurse, but everything that walks its result does
 * (JSON.stringify, structuredClone, canonical JSON, the tokenizer library), so a file nested 100 000 levels
 * deep parses fine and then ends the process with "Maximum call stack size exceeded" somewhere else. The
 * depth is measured first, by a loop over the text, so nothing recursive ever sees a value past the bound.
 */

/** Real configs and tokenizers nest fewer than 10 levels; a walker over 256 levels stays far from the stack limit. */
export const MAX_JSON_DEPTH = 256;
/** tokenizer.json holds the whole vocabulary: a 256k-token one is ~30 MB. */
export const MAX_JSON_BYTES = 64 << 20;

export interface JsonBounds {
  maxDepth?: number;
  /** UTF-8 bytes of the text. */
  maxBytes?: number;
}

export type JsonBound = 'size' | 'depth' | 'syntax';

/** A file that broke a bound; the message names the file and the bound in plain words. */
export class BoundedJsonError extends Error {
  readonly file: string;
  readonly bound: JsonBound;
  constructor(file: string, bound: JsonBound, what: string) {
    super(`${file}: ${what}`);
    this.name = 'BoundedJsonError';
    this.file = file;
    this.bound = bound;
  }
}

/** "64 MiB" for a whole number of MiB, else bytes. */
function formatByteLimit(n: number): string {
  return n >= 1 << 20 && n % (1 << 20) === 0 ? `${n / (1 << 20)} MiB` : `${n} bytes`;
}

/** True when `text` takes more than `max` bytes in UTF-8, without encoding it. */
export function utf8LengthOver(text: string, max: number): boolean {
  if (text.length > max) return true;
  if (text.length * 3 <= max) return false;
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      const d = text.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        bytes += 4;
        i++;
      } else bytes += 3;
    } else bytes += 3;
    if (bytes > max) return true;
  }
  return false;
}

/**
 * The deepest nesting of `[` and `{` outside strings, scanned in one loop (no recursion); stops early and
 * returns `stopAbove + 1` once past `stopAbove`. Text that is not JSON gets a number too: JSON.parse judges it.
 */
export function jsonNestingDepth(text: string, stopAbove = Infinity): number {
  let depth = 0;
  let max = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      // Skip the string: to the next quote not escaped by an odd run of backslashes.
      for (i++; i < text.length; i++) {
        const s = text.charCodeAt(i);
        if (s === 0x5c) i++;
        else if (s === 0x22) break;
      }
    } else if (c === 0x5b || c === 0x7b) {
      if (++depth > max) {
        max = depth;
        if (max > stopAbove) return max;
      }
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return max;
}

/** Which bound `text` breaks, in plain words ("nested deeper than 256 levels"), or undefined; does not parse it. */
export function jsonBoundProblem(
  text: string,
  bounds: JsonBounds = {},
): { bound: JsonBound; what: string } | undefined {
  const maxBytes = bounds.maxBytes ?? MAX_JSON_BYTES;
  const maxDepth = bounds.maxDepth ?? MAX_JSON_DEPTH;
  if (utf8LengthOver(text, maxBytes)) return { bound: 'size', what: `larger than ${formatByteLimit(maxBytes)}` };
  if (jsonNestingDepth(text, maxDepth) > maxDepth)
    return { bound: 'depth', what: `nested deeper than ${maxDepth} levels` };
  return undefined;
}

/** Throws BoundedJsonError when `text` is larger or nested deeper than the bounds; does not parse it. */
export function checkJsonBounds(text: string, file: string, bounds: JsonBounds = {}): void {
  const problem = jsonBoundProblem(text, bounds);
  if (problem) throw new BoundedJsonError(file, problem.bound, problem.what);
}

/**
 * Parses an untrusted JSON file. Throws BoundedJsonError ("tokenizer.json: nested deeper than 256 levels",
 * "config.json: larger than 64 MiB", "config.json: not valid JSON (…)") and nothing else.
 */
export function parseBoundedJson(text: string, file: string, bounds: JsonBounds = {}): unknown {
  checkJsonBounds(text, file, bounds);
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new BoundedJsonError(file, 'syntax', `not valid JSON (${(error as Error).message})`);
  }
}
