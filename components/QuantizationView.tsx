import { SafeText } from './SafeText';
import type { Lineage } from '@/core/weights/lineage-schema';

const TOKENIZER = {
  same: 'Same as the base’s tokenizer.json',
  different: 'Differs from the base’s tokenizer.json',
  'not-compared': 'Not compared',
} as const;

/** A GGUF file's quantization, type by type against its error band, and the tokenizer it carries. */
export function QuantizationView({ lineage }: { lineage: Lineage }) {
  const { quantization, ggufTokenizer } = lineage;
  if (!quantization && !ggufTokenizer) return null;
  return (
    <section data-testid="quantization" data-of-the-base={String(quantization?.ofTheBase ?? false)}>
      <h2 className="mb-2 text-lg font-semibold">Quantization</h2>
      {quantization && quantization.types.length > 0 && (
        <table className="w-full text-left text-sm">
          <thead className="border-b border-slate-300 text-slate-700">
            <tr>
              <th className="py-1 pr-3">Type</th>
              <th className="py-1 pr-3 text-right">Tensors</th>
              <th className="py-1 pr-3 text-right">Largest error</th>
              <th className="py-1 pr-3 text-right">Band limit</th>
              <th className="py-1 pr-3 text-right">Values off the grid</th>
            </tr>
          </thead>
          <tbody>
            {quantization.types.map((t) => (
              <tr key={t.type} className="border-b border-slate-100" data-testid="quantization-type" data-type={t.type}>
                <td className="py-1 pr-3 font-mono text-xs">
                  <SafeText text={t.type} />
                </td>
                <td className="py-1 pr-3 text-right">{t.tensors}</td>
                <td className="py-1 pr-3 text-right">
                  {t.largestError === null ? 'n/a' : t.largestError.toPrecision(3)}
                </td>
                <td className="py-1 pr-3 text-right">{t.errorLimit ?? 'none'}</td>
                <td className="py-1 pr-3 text-right" data-testid="off-grid">
                  {t.offGrid} of {t.elements}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {quantization && quantization.unsupported > 0 && (
        <p className="mt-2 text-sm text-amber-800">
          {quantization.unsupported} tensor(s) use a quantization that is not read: nothing is known about them.
        </p>
      )}
      {ggufTokenizer && (
        <p className="mt-2 text-sm" data-testid="gguf-tokenizer" data-result={ggufTokenizer.result}>
          Tokenizer in the GGUF file: {TOKENIZER[ggufTokenizer.result]}. <SafeText text={ggufTokenizer.detail} />
        </p>
      )}
    </section>
  );
}
