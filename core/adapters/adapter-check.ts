import type { Check, Finding } from '../check/types.ts';
import { lineageCheck } from '../weights/lineage-check.ts';
import type { Lineage } from '../weights/lineage-schema.ts';
import { adapterFindings } from './adapter-findings.ts';

/**
 * The `lineage` check, with an adapter's findings when the fine-tune is a PEFT adapter. An adapter that could
 * not be read as a plain LoRA, or whose file holds tensors peft would ignore, never passes: what runs on the
 * base was not fully followed ("could not verify" is reviewed, never a pass).
 */
export function lineageCheckWithAdapter(lineage: Lineage): { check: Check; findings: Finding[] } {
  const result = lineageCheck(lineage);
  if (!lineage.adapter) return result;
  const adapter = adapterFindings(lineage.adapter);
  const status = adapter.reviewed && result.check.status === 'pass' ? 'review' : result.check.status;
  return { check: { ...result.check, status }, findings: [...result.findings, ...adapter.findings] };
}
