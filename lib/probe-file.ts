import { MAX_PROBE_FILE, parseProbeText } from '@/core/probe/read-probe-text';
import type { ProbeSet } from '@/core/probe/types';

/**
 * A probe set the user picked (core/probe/read-probe-text.ts): ModelGate JSONL, or promptfoo tests as JSONL
 * or CSV. The size is checked before the file is read.
 */
export async function readProbeFile(file: File): Promise<ProbeSet> {
  if (file.size > MAX_PROBE_FILE) throw new Error(`${file.name}: ${file.size} bytes is too large for a probe set`);
  return parseProbeText(await file.text(), file.name);
}
