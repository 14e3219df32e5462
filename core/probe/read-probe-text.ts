import { importPromptfoo } from './import-promptfoo.ts';
import { parseProbeSet } from './probe-set.ts';
import type { ProbeSet } from './types.ts';

/**
 * Probe sets above this size are refused before reading (by the browser's File and the CLI's stat): the
 * format's own limit is 100k lines of 16 KB.
 */
export const MAX_PROBE_FILE = 64 * 1024 * 1024;

/**
 * A probe set's text, read the same way by the browser and the CLI: ModelGate JSONL, or
 * promptfoo tests as JSONL or CSV (a `.csv` name, a JSON array, or lines carrying `vars`). Errors name the
 * file and the line (core/probe/probe-set.ts).
 */
export function parseProbeText(text: string, fileName: string): ProbeSet {
  if (/\.csv$/i.test(fileName) || looksLikePromptfoo(text)) return importPromptfoo(text, fileName);
  return parseProbeSet(text, fileName);
}

/** promptfoo test lines carry `vars`; ours never do. */
function looksLikePromptfoo(text: string): boolean {
  const first = text.replace(/^\uFEFF/, '').trimStart();
  return first.startsWith('[') || /^\{[^\n]*"vars"\s*:/.test(first);
}
