import type { BehaviorCategory } from '@/core/probe/behavior-schema';

const ROW = 34;
const LABEL_W = 150;
const TRACK_W = 380;
const PAD = 12;

const pct = (v: number) => `${Math.round(v * 100)}%`;
const x = (rate: number) => LABEL_W + Math.max(0, Math.min(1, rate)) * TRACK_W;

/**
 * Per category: where the base stands (grey), where the fine-tune stands (indigo, red when flagged), and the
 * 95% CI of the change drawn around the fine-tune's mark. People would rather look than read;
 * the table below the chart carries the same figures for screen readers.
 */
export function BehaviorChart({ categories, goodAnswer }: { categories: BehaviorCategory[]; goodAnswer: string }) {
  const height = categories.length * ROW + 2 * PAD + 18;
  const summary = categories
    .map((c) => `${c.category}: base ${pct(c.baseRate)}, fine-tune ${pct(c.ftRate)}${c.flagged ? ' (flagged)' : ''}`)
    .join('; ');
  return (
    <figure className="overflow-x-auto">
      <svg
        role="img"
        aria-label={`Share of items with ${goodAnswer}, base vs fine-tune. ${summary}`}
        viewBox={`0 0 ${LABEL_W + TRACK_W + 60} ${height}`}
        className="w-full max-w-3xl"
        data-testid="behavior-chart"
      >
        {[0, 0.25, 0.5, 0.75, 1].map((t) => (
          <g key={t}>
            <line x1={x(t)} x2={x(t)} y1={PAD} y2={height - 18} className="stroke-slate-200" />
            <text x={x(t)} y={height - 4} textAnchor="middle" className="fill-slate-600 text-[10px]">
              {pct(t)}
            </text>
          </g>
        ))}
        {categories.map((c, i) => {
          const y = PAD + i * ROW + ROW / 2;
          const [lo, hi] = c.ci;
          const color = c.flagged ? 'fill-red-600' : 'fill-indigo-600';
          return (
            <g key={c.category} data-testid="behavior-chart-row" data-category={c.category}>
              <text x={LABEL_W - 8} y={y + 4} textAnchor="end" className="fill-slate-900 text-[12px]">
                {c.category.length > 22 ? `${c.category.slice(0, 21)}…` : c.category}
              </text>
              <line x1={LABEL_W} x2={LABEL_W + TRACK_W} y1={y} y2={y} className="stroke-slate-300" />
              {lo !== null && hi !== null && (
                <rect
                  x={x(c.baseRate + lo)}
                  y={y - 6}
                  width={Math.max(1, x(c.baseRate + hi) - x(c.baseRate + lo))}
                  height={12}
                  rx={3}
                  className={c.flagged ? 'fill-red-200' : 'fill-indigo-100'}
                />
              )}
              <line x1={x(c.baseRate)} x2={x(c.ftRate)} y1={y} y2={y} className="stroke-slate-500" strokeWidth={2} />
              <circle cx={x(c.baseRate)} cy={y} r={5} className="fill-slate-400" />
              <circle cx={x(c.ftRate)} cy={y} r={6} className={color} />
            </g>
          );
        })}
      </svg>
      <figcaption className="mt-1 text-xs text-slate-700">
        Grey: base model. Colored: fine-tune (red when flagged). Shaded band: 95% confidence interval of the change
        (paired bootstrap). Axis: share of items with {goodAnswer}.
      </figcaption>
    </figure>
  );
}
