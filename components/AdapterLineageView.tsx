import { SafeText } from './SafeText';
import type { Lineage } from '@/core/weights/lineage-schema';

type AdapterRecord = NonNullable<Lineage['adapter']>;

/** The verdict of an adapter compared with its base: fits, does not fit, or could not be verified. */
function verdictOf(a: AdapterRecord): [string, string, string] {
  if (a.unsupported.length > 0)
    return [
      'Adapter: could not verify',
      'This adapter type is not read: its fit and behavior were not verified.',
      'border-amber-500 bg-amber-50',
    ];
  if (!a.fits)
    return [
      'Adapter does not fit this base',
      'Its tensors do not match the named base: the base_model claim is false.',
      'border-red-600 bg-red-50',
    ];
  return [
    'Adapter for this base',
    'Every LoRA target exists in the base with matching shapes.',
    'border-slate-400 bg-white',
  ];
}

/** A PEFT adapter's lineage: its fit to the base and the size of its update per target (‖scale·B·A‖ / ‖W‖). */
export function AdapterLineageView({ lineage, adapter }: { lineage: Lineage; adapter: AdapterRecord }) {
  const [label, explanation, style] = verdictOf(adapter);
  const max = Math.max(1e-12, ...adapter.targets.map((t) => t.relativeUpdate ?? 0));
  return (
    <div className="space-y-4">
      <section
        data-testid="lineage-card"
        data-verdict={lineage.verdict}
        data-adapter-fits={adapter.fits}
        className={`rounded-xl border-2 p-6 ${style}`}
      >
        <p className="text-lg font-bold">{label}</p>
        <p className="mt-1">{explanation}</p>
        <p className="mt-2 text-sm text-slate-800" data-testid="lineage-summary">
          <SafeText text={lineage.summary} />
        </p>
        {adapter.misfits.length > 0 && (
          <p className="mt-2 text-sm" data-testid="adapter-misfits">
            Does not fit:{' '}
            <SafeText
              text={adapter.misfits
                .slice(0, 10)
                .map((m) => `${m.name} (${m.reason})`)
                .join('; ')}
            />
          </p>
        )}
        {adapter.replaced.length > 0 && (
          <p className="mt-2 text-sm">
            Replaced whole: <SafeText text={adapter.replaced.join(', ')} />
          </p>
        )}
      </section>
      {adapter.targets.length > 0 && (
        <section>
          <h2 className="mb-2 text-lg font-semibold">Update per target (‖scale·B·A‖ / ‖W‖)</h2>
          <table className="w-full text-left text-sm" data-testid="adapter-targets">
            <thead className="border-b border-slate-300 text-slate-700">
              <tr>
                <th className="py-1 pr-3">Tensor</th>
                <th className="py-1 pr-3">Relative update</th>
                <th className="py-1 pr-3 text-right">Rank · scale</th>
              </tr>
            </thead>
            <tbody>
              {adapter.targets.map((t) => (
                <tr
                  key={t.name}
                  className="border-b border-slate-100"
                  data-testid="adapter-target"
                  data-tensor={t.name}
                >
                  <td className="py-1 pr-3 font-mono text-xs">
                    <SafeText text={t.name} />
                  </td>
                  <td className="w-1/2 py-1 pr-3">
                    <div className="flex items-center gap-2">
                      <div className="h-2 flex-1 rounded bg-slate-200" aria-hidden="true">
                        <div
                          className="h-2 rounded bg-indigo-600"
                          style={{ width: `${Math.min(100, ((t.relativeUpdate ?? max) / max) * 100)}%` }}
                        />
                      </div>
                      <span className="w-16 text-right text-xs">
                        {t.relativeUpdate === null ? 'n/a' : t.relativeUpdate.toExponential(1)}
                      </span>
                    </div>
                  </td>
                  <td className="py-1 pr-3 text-right text-xs">
                    {t.rank} · {t.scale.toPrecision(3)}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      )}
    </div>
  );
}
