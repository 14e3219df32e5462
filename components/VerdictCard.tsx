'use client';
import { useState } from 'react';
import type { Report } from '@/core/report/schema';
import { deployAnswer, verdictHeadline } from '@/core/report/verdict';
import { CHECK_NAMES, coverageOf } from '@/core/report/coverage';
import { SafeText } from './SafeText';

const STYLE = {
  pass: { label: 'Pass', box: 'border-emerald-600 bg-emerald-50', badge: 'bg-emerald-700 text-white' },
  review: { label: 'Review', box: 'border-amber-500 bg-amber-50', badge: 'bg-amber-700 text-white' },
  fail: { label: 'Fail', box: 'border-red-600 bg-red-50', badge: 'bg-red-700 text-white' },
} as const;

/**
 * Neither a claim from an unknown signer nor a Pass under a policy is drawn in the verdict's colours: neutral
 * box, outlined word.
 */
const NEUTRAL_STYLE = { box: 'border-slate-400 bg-white', badge: 'border-2 border-slate-500 text-slate-900' };

const STATUS_TEXT = {
  pass: 'passed',
  review: 'needs review',
  fail: 'failed',
  skipped: 'not run',
  error: 'could not run',
};

function claimedAnswer(report: Report): string {
  // A claimed failure is still a no: fail closed whoever says it.
  return report.verdict === 'fail'
    ? 'No (the report itself says it failed).'
    : 'Not known: the signer is unknown, so this report is only their claim.';
}

/** What a policy changed before this verdict was decided, named code by code. */
function PolicyNote({ policy }: { policy: NonNullable<Report['policy']> }) {
  const overridden = Object.entries(policy.overridden);
  return (
    <p
      className="mt-2 rounded border border-amber-500 bg-amber-50 p-2 text-sm text-amber-950"
      data-testid="policy-note"
    >
      Decided under a policy set by whoever ran the check:{' '}
      {policy.ignored.length > 0 && `findings ${policy.ignored.join(', ')} were ignored`}
      {policy.ignored.length > 0 && overridden.length > 0 && '; '}
      {overridden.length > 0 && `severity changed for ${overridden.map(([code, s]) => `${code} (to ${s})`).join(', ')}`}
      . Ask them why before relying on it.
    </p>
  );
}

/**
 * The verdict: the word, one plain sentence, "Safe to deploy?", how much was checked and how to check the
 * rest. The per-check summaries sit behind Details. A claimed verdict (unknown signer) is drawn neutral.
 */
export function VerdictCard({ report, claimed = false }: { report: Report; claimed?: boolean }) {
  const [open, setOpen] = useState(false);
  const style = STYLE[report.verdict];
  // A Pass reached by ignoring or re-rating findings is not drawn as a plain Pass: the policy is part of it.
  const look = claimed || (report.policy && report.verdict === 'pass') ? NEUTRAL_STYLE : style;
  const coverage = coverageOf(report);
  return (
    <section
      id="verdict"
      tabIndex={-1}
      data-testid="verdict-card"
      data-claimed={claimed}
      aria-labelledby="verdict-heading"
      className={`rounded-xl border-2 p-6 ${look.box}`}
    >
      {claimed && (
        <p className="mb-2 text-sm font-semibold text-slate-800" data-testid="claim-note">
          What the unknown signer&apos;s report claims (not checked by anyone you know):
        </p>
      )}
      <div className="flex flex-wrap items-center gap-3">
        <span data-testid="verdict" className={`rounded px-3 py-1 text-lg font-bold ${look.badge}`}>
          {style.label}
        </span>
        <h2 id="verdict-heading" className="min-w-0 text-lg font-medium text-slate-900">
          {claimed && 'The report claims: '}
          <SafeText text={verdictHeadline(report)} />
        </h2>
      </div>
      <p
        className="mt-3 text-base text-slate-900"
        data-testid="deploy-answer"
        data-answer={claimed ? 'Not known' : deployAnswer(report.verdict)}
      >
        <span className="font-semibold">Safe to deploy? </span>
        {claimed ? claimedAnswer(report) : deployAnswer(report.verdict)}
      </p>
      {report.policy && <PolicyNote policy={report.policy} />}
      <p className="mt-2 text-sm text-slate-800" data-testid="coverage" data-ran={coverage.ran}>
        {/* Quoted: a name is whatever the folder or the signer called it, e.g. "gpt2 (official, trusted)". */}
        Model “<SafeText text={report.subject.name} className="font-medium" />
        ”: {coverage.ran} of {coverage.total} checks ran.
      </p>
      {coverage.notRun.length > 0 && (
        <div className="mt-1 text-sm text-slate-800">
          <p>Not checked:</p>
          <ul className="list-disc pl-5" data-testid="not-checked">
            {coverage.notRun.map((c) => (
              <li key={c.id} data-check={c.id}>
                <span className="font-medium">{c.name}</span>: {c.how}
              </li>
            ))}
          </ul>
        </div>
      )}
      <button
        type="button"
        className="mt-3 text-sm text-indigo-800 underline print:hidden"
        onClick={() => setOpen(!open)}
        aria-expanded={open}
      >
        {open ? 'Hide details' : 'Show details'}
      </button>
      {open && (
        <ul className="mt-3 space-y-1 text-sm" data-testid="check-list">
          {report.checks.map((c) => (
            <li key={c.id} data-check={c.id} className="break-anywhere">
              <span className="font-semibold">{CHECK_NAMES[c.id]}</span> — {STATUS_TEXT[c.status]}:{' '}
              <SafeText text={c.summary} />
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
