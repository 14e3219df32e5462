import { makeFinding } from '../check/make-finding.ts';
import type { Finding } from '../check/types.ts';
import { ADAPTER_CODES } from './adapter-codes.ts';
import type { AdapterRecord } from '../weights/lineage-adapter-schema.ts';

/**
 * The findings of an adapter's lineage record; `reviewed` when the lineage check must not pass it (an
 * unsupported adapter, tensors peft would ignore): fail closed, "could not verify" is never "fits".
 */
export function adapterFindings(a: AdapterRecord): { findings: Finding[]; reviewed: boolean } {
  const findings: Finding[] = [];
  if (a.misfits.length > 0) {
    findings.push(
      makeFinding(ADAPTER_CODES, 'MG-ADP-001', {
        detail: a.misfits
          .slice(0, 20)
          .map((m) => `${m.name}: ${m.reason}`)
          .join('; '),
        evidence: { misfits: a.misfits.slice(0, 100), declaredBase: a.declaredBase },
      }),
    );
  }
  const pickle = a.unsupported.find((u) => u.includes('pickle'));
  if (pickle) findings.push(makeFinding(ADAPTER_CODES, 'MG-ADP-003', { detail: pickle }));
  const other = a.unsupported.filter((u) => u !== pickle);
  if (other.length > 0)
    findings.push(
      makeFinding(ADAPTER_CODES, 'MG-ADP-002', {
        detail: other.slice(0, 20).join('; '),
        evidence: { unsupported: other.slice(0, 100) },
      }),
    );
  if (a.ignored.length > 0) {
    findings.push(
      makeFinding(ADAPTER_CODES, 'MG-ADP-004', {
        detail: a.ignored
          .slice(0, 20)
          .map((i) => `${i.name}: ${i.reason}`)
          .join('; '),
      }),
    );
  }
  if (a.tokenizerDiffers) findings.push(makeFinding(ADAPTER_CODES, 'MG-ADP-005', { detail: a.tokenizerDiffers }));
  return { findings, reviewed: a.unsupported.length > 0 || a.ignored.length > 0 || !!a.tokenizerDiffers };
}
