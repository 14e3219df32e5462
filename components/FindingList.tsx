import type { Finding } from '@/core/report/schema';
import { SafeText } from './SafeText';

const ORDER = ['critical', 'high', 'medium', 'low', 'info'] as const;
const BADGE = {
  critical: 'bg-red-700 text-white',
  high: 'bg-orange-700 text-white',
  medium: 'bg-amber-200 text-amber-900',
  low: 'bg-slate-200 text-slate-800',
  info: 'bg-sky-100 text-sky-900',
};

/**
 * Findings, worst first. Text only: report content is untrusted. Title and file name go through SafeText
 * (a hidden character in them is shown, not obeyed); detail and remedy wrap anywhere, as they quote names.
 */
export function FindingList({ findings }: { findings: readonly Finding[] }) {
  if (findings.length === 0) return <p className="text-sm text-slate-700">No findings.</p>;
  const sorted = [...findings].sort((a, b) => ORDER.indexOf(a.severity) - ORDER.indexOf(b.severity));
  return (
    <ul className="space-y-3" data-testid="findings">
      {sorted.map((f, i) => (
        <li
          key={`${f.code}-${f.file ?? ''}-${i}`}
          data-testid="finding"
          data-code={f.code}
          className="rounded border border-slate-200 bg-white p-3 text-sm"
        >
          <div className="flex flex-wrap items-center gap-2">
            <span className={`rounded px-2 py-0.5 text-xs font-semibold ${BADGE[f.severity]}`}>{f.severity}</span>
            <span className="font-mono text-xs text-slate-600">{f.code}</span>
            <SafeText text={f.title} className="min-w-0 font-medium text-slate-900" />
            {f.file && (
              <span data-testid="finding-file" className="min-w-0 font-mono text-xs text-slate-700">
                <SafeText text={f.file} />
              </span>
            )}
          </div>
          {/* Details quote names from the model's files: hidden characters in them are shown too. */}
          <p className="mt-1 text-slate-700">
            <SafeText text={f.detail} />
          </p>
          {f.remedy && (
            <p className="mt-1 text-slate-700">
              What to do: <SafeText text={f.remedy} />
            </p>
          )}
        </li>
      ))}
    </ul>
  );
}
