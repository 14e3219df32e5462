'use client';
import { useState } from 'react';
import type { Report } from '@/core/report/schema';
import { verdictHeadline } from '@/core/report/verdict';

const STYLE = {
  pass: { label: 'Pass', box: 'border-emerald-600 bg-emerald-50', badge: 'bg-emerald-700' },
  review: { label: 'Review', box: 'border-amber-500 bg-amber-50', badge: 'bg-amber-700' },
  fail: { label: 'Fail', box: 'border-red-600 bg-red-50', badge: 'bg-red-700' },
} as const;

const STATUS_TEXT = {
  pass: 'passed',
  review: 'needs review',
  fail: 'failed',
  skipped: 'not run',
  error: 'could not run',
};

/** The verdict in one plain sentence, with each check's summary one click away. */
export function VerdictCard({ report }: { report: Report }) {
  const [open, setOpen] = useState(false);
  const style = STYLE[report.verdict];
  const ran = report.checks.filter((c) => c.status !== 'skipped');
  const skipped = report.checks.filter((c) => c.status === 'skipped');
  return (
    <section id="verdict" tabIndex={-1} data-testid="verdict-card" className={`rounded-xl border-2 p-6 ${style.box}`}>
      <div className="flex items-center gap-3">
        <span data-testid="verdict" className={`rounded px-3 py-1 text-lg font-bold text-white ${style.badge}`}>
          {style.label}
        </span>
        <p className="text-lg font-medium text-slate-900">{verdictHeadline(report.verdict)}</p>
      </div>
      <p className="mt-2 text-sm text-slate-800">
        {report.subject.name}: {ran.length} of {report.checks.length} checks ran.
        {skipped.length > 0 && ` Not checked yet: ${skipped.map((c) => c.id).join(', ')}.`}
      </p>
      <button
        type="button"
        className="mt-3 text-sm text-indigo-800 underline"
        onClick={() => setOpen(!open)}
        aria-expanded={open}
      >
        {open ? 'Hide details' : 'Show details'}
      </button>
      {open && (
        <ul className="mt-3 space-y-1 text-sm" data-testid="check-list">
          {report.checks.map((c) => (
            <li key={c.id}>
              <span className="font-semibold">{c.id}</span> — {STATUS_TEXT[c.status]}: {c.summary}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
