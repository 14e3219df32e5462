import { importPromptfoo } from '@/core/probe/import-promptfoo';
import { parseProbeSet } from '@/core/probe/probe-set';
import type { ProbeSet } from '@/core/probe/types';

/** Probe sets above this size are refused before reading: the format's own limit is 100k lines of 16 KB. */
const MAX_PROBE_FILE = 64 * 1024 * 1024;

/**
 * A probe set the user picked: ModelGate JSONL (DESIGN.md §4), or promptfoo tests as JSONL or CSV.
 * Errors name the file and the line (core/probe/probe-set.ts).
 */
export async function readProbeFile(file: File): Promise<ProbeSet> {
  if (file.size > MAX_PROBE_FILE) throw new Error(`${file.name}: ${file.size} bytes is too large for a probe set`);
  const text = await file.text();
  if (/\.csv$/i.test(file.name) || looksLikePromptfoo(text)) return importPromptfoo(text, file.name);
  return parseProbeSet(text, file.name);
}

/** promptfoo test lines carry `vars`; ours never do. */
function looksLikePromptfoo(text: string): boolean {
  const first = text.replace(/^\uFEFF/, '').trimStart();
  return first.startsWith('[') || /^\{[^\n]*"vars"\s*:/.test(first);
}
