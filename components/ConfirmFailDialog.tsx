'use client';
import { useEffect, useRef } from 'react';
import type { Finding, Report } from '@/core/report/schema';
import { SafeText } from './SafeText';

/** What the user is about to do with a model that did not pass, in words that say what it commits them to. */
export type RiskyAction = 'sign' | 'save';

const ACTION = {
  sign: {
    title: 'Sign a model that did not pass?',
    meaning:
      'Signing writes a model.sig with this browser’s key: your key vouches for these files, and anyone who trusts your key will accept them as they are.',
    confirm: { fail: 'Sign it anyway, I accept the risk', review: 'Sign it, I reviewed these problems' },
  },
  save: {
    title: 'Save a model that did not pass?',
    meaning:
      'Saving makes this version the reference the next verification of this model is compared with: later versions that keep these files will look unchanged.',
    confirm: { fail: 'Save it anyway, I accept the risk', review: 'Save it, I reviewed these problems' },
  },
} as const;

/** The severities the dialog names: on Fail the serious ones; on Review everything a person must look at. */
const NAMED = { fail: ['critical', 'high'], review: ['critical', 'high', 'medium'] } as const;
const SHOWN_AT_MOST = 8;

/** The findings the dialog names for a report that did not pass: those at the verdict's severities, worst first. */
function problemsOf(report: Report): Finding[] {
  const order: readonly string[] = NAMED[report.verdict === 'fail' ? 'fail' : 'review'];
  return report.findings
    .filter((f) => order.includes(f.severity))
    .sort((a, b) => order.indexOf(a.severity) - order.indexOf(b.severity));
}

/**
 * A modal confirmation before signing or saving a model whose verdict is not Pass. `open` shows it with
 * `showModal()` (focus trapped, the page behind inert); Cancel has the focus, so Enter or Escape never confirms by
 * accident. `onAnswer(true)` only from the confirm button; Escape, Cancel or any other close is a no.
 */
export function ConfirmFailDialog({
  open,
  action,
  report,
  onAnswer,
}: {
  open: boolean;
  action: RiskyAction;
  report: Report;
  onAnswer: (confirmed: boolean) => void;
}) {
  const dialog = useRef<HTMLDialogElement>(null);
  const cancel = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    const d = dialog.current;
    if (!d) return;
    if (open && !d.open) {
      d.returnValue = '';
      d.showModal();
      cancel.current?.focus();
    } else if (!open && d.open) {
      d.close();
    }
  }, [open]);

  const text = ACTION[action];
  const level = report.verdict === 'fail' ? 'fail' : 'review';
  const findings = problemsOf(report);
  const headingId = `confirm-${action}-heading`;
  return (
    <dialog
      ref={dialog}
      aria-labelledby={headingId}
      data-testid={`confirm-${action}`}
      className="m-auto max-w-xl rounded-xl border-2 border-red-700 bg-white p-6 text-sm text-slate-900 backdrop:bg-slate-900/60"
      // Every way out of the dialog (the buttons, Escape) ends here; only the confirm button's value says yes.
      onClose={(e) => onAnswer(e.currentTarget.returnValue === 'confirm')}
    >
      <h2 id={headingId} className="text-lg font-semibold">
        {text.title}
      </h2>
      <p className="mt-2">
        <SafeText text={report.subject.name} className="font-medium" /> was verified as{' '}
        <strong>{level === 'fail' ? 'Fail' : 'Review'}</strong>
        {level === 'fail' ? ' because of these problems:' : ': a person should look at these first:'}
      </p>
      <ul className="mt-2 space-y-1" data-testid="confirm-problems">
        {findings.slice(0, SHOWN_AT_MOST).map((f, i) => (
          <li key={`${f.code}-${i}`} data-testid="confirm-problem" data-code={f.code}>
            <strong className="uppercase">{f.severity}</strong>: <SafeText text={f.title} />
            {f.file !== undefined && (
              <>
                {' '}
                in <SafeText text={f.file} className="font-mono text-xs" />
              </>
            )}
          </li>
        ))}
        {findings.length === 0 && (
          <li data-testid="confirm-problem">No single finding explains it: the verdict card lists the checks.</li>
        )}
      </ul>
      {findings.length > SHOWN_AT_MOST && (
        <p className="mt-1">…and {findings.length - SHOWN_AT_MOST} more listed under Findings on the page.</p>
      )}
      <p className="mt-3">{text.meaning}</p>
      <form method="dialog" className="mt-4 flex flex-wrap justify-end gap-3">
        <button
          ref={cancel}
          type="submit"
          value="cancel"
          data-testid={`confirm-${action}-cancel`}
          className="btn-primary"
        >
          Cancel
        </button>
        <button
          type="submit"
          value="confirm"
          data-testid={`confirm-${action}-accept`}
          className="rounded border-2 border-red-700 bg-white px-3 py-1.5 text-sm font-medium text-red-800 hover:bg-red-50"
        >
          {text.confirm[level]}
        </button>
      </form>
    </dialog>
  );
}
