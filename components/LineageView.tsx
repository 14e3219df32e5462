import { AdapterLineageView } from './AdapterLineageView';
import { SafeText } from './SafeText';
import { QuantizationView } from './QuantizationView';
import type { Lineage } from '@/core/weights/lineage-schema';

const VERDICT = {
  // Not green: only the verdict card is, so a good lineage never reads as "safe" beside a failed scan.
  identical: ['Identical', 'The weights are the same as the base (up to rounding).', 'border-slate-400 bg-white'],
  quantized: [
    'Quantization of the base',
    'Every quantized value is the base’s own value rounded to its block’s grid, within the type’s error band.',
    'border-slate-400 bg-white',
  ],
  derived: ['Derived', 'A real fine-tune: every layer stays close to the base.', 'border-slate-400 bg-white'],
  'partially-derived': [
    'Partially derived',
    'Some layers were replaced or re-initialized: check that the model card declares it.',
    'border-amber-500 bg-amber-50',
  ],
  unrelated: [
    'Unrelated',
    'These weights do not come from the named base: the base_model claim is false.',
    'border-red-600 bg-red-50',
  ],
  unverified: [
    'Could not verify',
    'No weight could be compared with the base, so nothing is known about where they come from.',
    'border-amber-500 bg-amber-50',
  ],
} as const;

/** Lineage verdict and a per-tensor bar chart of relative change (the layer-by-layer view). */
export function LineageView({ lineage }: { lineage: Lineage }) {
  if (lineage.adapter) return <AdapterLineageView lineage={lineage} adapter={lineage.adapter} />;
  const [label, explanation, style] = VERDICT[lineage.verdict];
  // Non-finite figures (a zero base tensor) arrive as null: drawn as a full bar, printed as "n/a".
  const max = Math.max(1e-12, ...lineage.tensors.map((t) => t.relChange ?? 0));
  return (
    <div className="space-y-4">
      <section data-testid="lineage-card" data-verdict={lineage.verdict} className={`rounded-xl border-2 p-6 ${style}`}>
        <p className="text-lg font-bold">{label}</p>
        <p className="mt-1">{explanation}</p>
        <p className="mt-2 text-sm text-slate-800">
          <SafeText text={lineage.summary} />
        </p>
        {lineage.changedLayers.length > 0 && (
          <p className="mt-2 text-sm" data-testid="changed-layers">
            Changed layers: <SafeText text={lineage.changedLayers.join(', ')} />
          </p>
        )}
      </section>
      <QuantizationView lineage={lineage} />
      <section>
        <h2 className="mb-2 text-lg font-semibold">Change per tensor (‖fine-tune − base‖ / ‖base‖)</h2>
        <table className="w-full text-left text-sm" data-testid="lineage-tensors">
          <thead className="border-b border-slate-300 text-slate-700">
            <tr>
              <th className="py-1 pr-3">Tensor</th>
              <th className="py-1 pr-3">Relative change</th>
              <th className="py-1 pr-3 text-right">Cosine</th>
            </tr>
          </thead>
          <tbody>
            {lineage.tensors.map((t) => (
              <tr key={t.name} className="border-b border-slate-100" data-testid="lineage-row" data-tensor={t.name}>
                <td className="py-1 pr-3 font-mono text-xs">
                  <SafeText text={t.name} />
                </td>
                <td className="w-1/2 py-1 pr-3">
                  <div className="flex items-center gap-2">
                    <div className="h-2 flex-1 rounded bg-slate-200" aria-hidden="true">
                      <div
                        className={`h-2 rounded ${(t.cosine ?? 0) < 0.5 ? 'bg-red-600' : 'bg-indigo-600'}`}
                        style={{
                          width: `${Math.min(100, ((t.relChange ?? max) / max) * 100)}%`,
                        }}
                      />
                    </div>
                    <span className="w-16 text-right text-xs">
                      {t.relChange === null ? 'n/a' : t.relChange.toExponential(1)}
                    </span>
                  </div>
                </td>
                <td className="py-1 pr-3 text-right text-xs">{t.cosine === null ? 'n/a' : t.cosine.toFixed(3)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    </div>
  );
}
