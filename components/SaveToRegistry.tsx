'use client';
import { useState } from 'react';
import Link from 'next/link';
import type { Report } from '@/core/report/schema';
import { useSaveToRegistry } from '@/hooks/use-save-to-registry';
import type { BehaviorBaseline } from '@/core/registry/schema';
import { ConfirmFailDialog } from './ConfirmFailDialog';

/** Why saving is not the next step for a model that did not pass: it becomes what later versions are held to. */
const NOT_PASSED = {
  fail: 'This model failed verification, so saving it is not the next step: a saved version is the reference later versions are compared with, and its problems would look like the norm. Saving asks you to confirm.',
  review:
    'This model needs review: save it once a person has looked at the findings above. Saving asks you to confirm.',
} as const;

/**
 * "Save to registry" after a verification: name (the model's folder) and a version label the user types. The
 * primary action only on Pass; a model that did not pass is saved only after a confirmation naming its problems.
 */
export function SaveToRegistry({
  modelName,
  report,
  link,
  behaviorBaseline,
}: {
  modelName: string;
  report: Report;
  link: string | null;
  /** The fine-tune's answers on the probe set (Compare page): later versions are checked for drift from it. */
  behaviorBaseline?: BehaviorBaseline;
}) {
  const [name, setName] = useState(modelName);
  const [version, setVersion] = useState('');
  const { saved, error, busy, save } = useSaveToRegistry(report, link, behaviorBaseline);
  const [asking, setAsking] = useState(false);
  const passed = report.verdict === 'pass';

  return (
    <section
      aria-labelledby="save-heading"
      data-testid="save-section"
      className="rounded-xl border border-slate-200 bg-white p-4 print:hidden"
    >
      <h2 id="save-heading" className="text-lg font-semibold">
        Save to this browser&apos;s registry
      </h2>
      <p className="mt-1 text-sm text-slate-700">
        A saved version is the reference the next verification of a model with this name is compared with
        {behaviorBaseline ? ', files and behavior on this probe set alike' : ''}.
      </p>
      {!passed && (
        <p className="mt-1 text-sm font-medium text-red-800" data-testid="save-warning">
          {NOT_PASSED[report.verdict === 'fail' ? 'fail' : 'review']}
        </p>
      )}
      <form
        className="mt-3 flex flex-wrap items-end gap-3"
        data-testid="save-registry-form"
        onSubmit={(e) => {
          e.preventDefault();
          if (passed) void save(name, version);
          else setAsking(true);
        }}
      >
        <div>
          <label htmlFor="registry-name" className="block text-sm font-medium">
            Model name
          </label>
          <input
            id="registry-name"
            data-testid="registry-name"
            value={name}
            onChange={(e) => setName(e.target.value)}
            required
            className="rounded border border-slate-300 p-2 text-sm"
          />
        </div>
        <div>
          <label htmlFor="registry-version" className="block text-sm font-medium">
            Version
          </label>
          <input
            id="registry-version"
            data-testid="registry-version"
            value={version}
            onChange={(e) => setVersion(e.target.value)}
            required
            placeholder="1.0"
            className="rounded border border-slate-300 p-2 text-sm"
          />
        </div>
        <button
          type="submit"
          data-testid="registry-save"
          className={passed ? 'btn-primary' : 'btn-secondary'}
          disabled={busy || saved !== null}
        >
          Save to registry
        </button>
      </form>
      <div role="status" className="mt-2 text-sm text-slate-800">
        {saved && (
          <span data-testid="registry-saved">
            {saved}{' '}
            <Link href="/registry" className="underline">
              Open the registry
            </Link>
          </span>
        )}
      </div>
      {error && (
        <p role="alert" data-testid="registry-save-error" className="text-sm text-red-800">
          {error}
        </p>
      )}
      {!passed && (
        <ConfirmFailDialog
          open={asking}
          action="save"
          report={report}
          onAnswer={(confirmed) => {
            setAsking(false);
            if (confirmed) void save(name, version);
          }}
        />
      )}
    </section>
  );
}
