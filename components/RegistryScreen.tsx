'use client';
import { useEffect, useRef, useState } from 'react';
import type { RegistryEntry } from '@/core/registry/schema';
import { compareVersions, otherVersions } from '@/core/registry/compare-versions';
import type { ImportConflict } from '@/core/registry/merge-import';
import { useRegistry, type ImportOutcome } from '@/hooks/use-registry';
import { downloadBlob } from '@/lib/download-blob';
import { plural } from './format';
import { ReportLinkBox } from './ReportLinkBox';
import { ReportView } from './ReportView';
import { RegistryComparison } from './RegistryComparison';
import { SafeText } from './SafeText';

/** The verdict as a word on a colour, never colour alone (the same colours as the verdict card). */
const VERDICT_STYLE = {
  pass: { label: 'Pass', className: 'border-emerald-600 bg-emerald-50 text-emerald-900' },
  review: { label: 'Review', className: 'border-amber-500 bg-amber-50 text-amber-900' },
  fail: { label: 'Fail', className: 'border-red-600 bg-red-50 text-red-900' },
} as const;

/** Models saved in this browser's registry: search, delete, export and import. */
export function RegistryScreen() {
  const { entries, unreadable, error, importing, remove, exportFile, importFile, resolve } = useRegistry();
  const [query, setQuery] = useState('');
  const q = query.trim().toLowerCase();
  const shown = entries?.filter((e) => e.name.toLowerCase().includes(q));
  const [openId, setOpenId] = useState<string | null>(null);
  // A deleted entry closes; an entry is looked up in the current list, never kept stale.
  const opened = entries?.find((e) => e.id === openId) ?? null;

  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-bold">Model registry</h1>
        <p className="mt-1 text-slate-700">
          Models verified and saved in this browser. Verifying a model of the same name again compares it with the
          latest saved version. Nothing here leaves this browser unless you export it.
        </p>
        {unreadable > 0 && (
          <p role="status" className="mt-2 text-sm text-amber-900" data-testid="registry-unreadable">
            {plural(unreadable, 'saved record')} could not be read by this version of ModelGate (written by a newer
            version, or damaged). They are kept as they are and are not listed.
          </p>
        )}
      </div>
      <div className="flex flex-wrap items-end gap-3">
        <div>
          <label htmlFor="registry-search" className="block text-sm font-medium">
            Search by name
          </label>
          <input
            id="registry-search"
            data-testid="registry-search"
            type="search"
            value={query}
            onChange={(e) => setQuery(e.target.value)}
            className="rounded border border-slate-300 p-2 text-sm"
          />
        </div>
        <button
          type="button"
          data-testid="registry-export"
          className="btn-secondary"
          disabled={!entries || entries.length === 0}
          onClick={async () => downloadBlob(await exportFile(), 'modelgate-registry.json')}
        >
          Export registry (JSON)
        </button>
        <div>
          <label htmlFor="registry-import" className="block text-sm font-medium">
            Import a registry file
          </label>
          <input
            id="registry-import"
            data-testid="registry-import"
            type="file"
            accept="application/json,.json"
            className="text-sm"
            onChange={(e) => {
              const file = e.target.files?.[0];
              e.target.value = '';
              if (file) void importFile(file);
            }}
          />
        </div>
      </div>
      {error && (
        <p
          role="alert"
          data-testid="registry-error"
          className="rounded border border-red-300 bg-red-50 p-3 text-red-900"
        >
          {error}
        </p>
      )}
      {importing && <ImportResult outcome={importing} onResolve={resolve} />}
      {entries === null && <p>Loading…</p>}
      {entries?.length === 0 && <p data-testid="registry-empty">No models saved yet. Verify one and save it.</p>}
      {shown && shown.length > 0 && (
        <EntryTable
          entries={shown}
          openId={opened?.id ?? null}
          onOpen={(id) => setOpenId((current) => (current === id ? null : id))}
          onDelete={remove}
        />
      )}
      {shown && entries && entries.length > 0 && shown.length === 0 && (
        <p>
          No saved model matches “<SafeText text={query} />
          ”.
        </p>
      )}
      {opened && entries && <OpenedEntry key={opened.id} entry={opened} entries={entries} />}
    </div>
  );
}

function VerdictBadge({ verdict }: { verdict: RegistryEntry['report']['verdict'] }) {
  const style = VERDICT_STYLE[verdict];
  return (
    <span
      data-testid="registry-verdict"
      data-verdict={verdict}
      className={`inline-block rounded border px-2 py-0.5 font-semibold ${style.className}`}
    >
      {style.label}
    </span>
  );
}

function EntryTable({
  entries,
  openId,
  onOpen,
  onDelete,
}: {
  entries: RegistryEntry[];
  openId: string | null;
  onOpen: (id: string) => void;
  onDelete: (id: string) => Promise<void>;
}) {
  const [confirming, setConfirming] = useState<string | null>(null);
  return (
    <table className="w-full border-collapse text-left text-sm" data-testid="registry-list">
      <caption className="sr-only">Saved models, newest first</caption>
      <thead>
        <tr className="border-b border-slate-300">
          <th scope="col" className="py-2 pr-3">
            Name
          </th>
          <th scope="col" className="py-2 pr-3">
            Version
          </th>
          <th scope="col" className="py-2 pr-3 max-sm:hidden">
            Saved
          </th>
          <th scope="col" className="py-2 pr-3">
            Verdict
          </th>
          <th scope="col" className="py-2 pr-3 max-sm:hidden">
            Files
          </th>
          <th scope="col" className="py-2 pr-3 max-sm:hidden">
            Digest
          </th>
          <th scope="col" className="py-2">
            <span className="sr-only">Actions</span>
          </th>
        </tr>
      </thead>
      <tbody>
        {entries.map((e) => (
          <tr
            key={e.id}
            data-testid="registry-entry"
            data-name={e.name}
            data-version={e.version}
            className="border-b border-slate-200"
          >
            <td className="py-2 pr-3 font-medium">
              <button
                type="button"
                data-testid="registry-open"
                className="text-left text-indigo-800 underline"
                aria-expanded={openId === e.id}
                aria-controls={openId === e.id ? 'registry-opened' : undefined}
                aria-label={`Open the saved report of ${e.name} ${e.version}`}
                onClick={() => onOpen(e.id)}
              >
                <SafeText text={e.name} />
              </button>
            </td>
            <td className="py-2 pr-3">
              <SafeText text={e.version} />
            </td>
            {/* On a phone the row keeps name, version, verdict and actions; the report has the rest. */}
            <td className="py-2 pr-3 max-sm:hidden">{new Date(e.savedAt).toUTCString()}</td>
            <td className="py-2 pr-3">
              <VerdictBadge verdict={e.report.verdict} />
            </td>
            <td className="py-2 pr-3 max-sm:hidden">{e.files.length}</td>
            <td className="py-2 pr-3 max-sm:hidden">
              <code className="text-xs" title={e.rootDigest}>
                {e.rootDigest ? `${e.rootDigest.slice(0, 12)}…` : '—'}
              </code>
            </td>
            <td className="py-2 text-right">
              {confirming === e.id ? (
                <span className="inline-flex flex-wrap items-center justify-end gap-2">
                  <span>
                    Delete <SafeText text={e.name} /> <SafeText text={e.version} />?
                  </span>
                  <button
                    type="button"
                    data-testid="registry-delete-confirm"
                    className="btn-primary"
                    onClick={async () => {
                      setConfirming(null);
                      await onDelete(e.id);
                    }}
                  >
                    Delete
                  </button>
                  <button type="button" className="btn-secondary" onClick={() => setConfirming(null)}>
                    Cancel
                  </button>
                </span>
              ) : (
                <button
                  type="button"
                  data-testid="registry-delete"
                  className="btn-secondary"
                  aria-label={`Delete ${e.name} ${e.version}`}
                  onClick={() => setConfirming(e.id)}
                >
                  Delete
                </button>
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function ImportResult({
  outcome,
  onResolve,
}: {
  outcome: ImportOutcome;
  onResolve: (conflict: ImportConflict, choice: 'keep' | 'replace') => Promise<void>;
}) {
  const label = (e: RegistryEntry) => (
    <>
      <SafeText text={e.name} /> <SafeText text={e.version} />
    </>
  );
  return (
    <section
      aria-labelledby="import-heading"
      data-testid="registry-import-result"
      data-added={outcome.added.length}
      data-identical={outcome.identical.length}
      data-conflicts={outcome.pending.length + outcome.resolved.length}
      className="rounded border border-slate-300 bg-white p-4 text-sm"
    >
      <h2 id="import-heading" className="text-lg font-semibold">
        Imported <SafeText text={outcome.fileName} />
      </h2>
      <p role="status" className="mt-1">
        {outcome.added.length} added, {outcome.identical.length} already here (skipped),{' '}
        {outcome.pending.length + outcome.resolved.length} in conflict with a saved entry.
      </p>
      {outcome.added.length > 0 && (
        <p className="mt-1">
          Added:{' '}
          {outcome.added.map((e, i) => (
            <span key={e.id}>
              {i > 0 && ', '}
              {label(e)}
            </span>
          ))}
          .
        </p>
      )}
      {outcome.refused.length > 0 && (
        <ul className="mt-2 space-y-1" data-testid="registry-refused">
          {outcome.refused.map((r) => (
            <li key={r.imported.id} className="rounded border border-red-300 bg-red-50 p-2">
              Not imported: {label(r.imported)}, because {r.reason}. Delete or rename the saved entry first if you want
              it.
            </li>
          ))}
        </ul>
      )}
      {outcome.pending.length > 0 && (
        <ul className="mt-3 space-y-2">
          {outcome.pending.map((c) => (
            <li
              key={`${c.existing.id}-${c.imported.id}`}
              data-testid="registry-conflict"
              className="rounded border border-amber-400 bg-amber-50 p-3"
            >
              <p>
                {c.reason === 'same-id' ? (
                  <>
                    The imported entry {label(c.imported)} has the id of the saved {label(c.existing)} but different
                    content.
                  </>
                ) : (
                  <>{label(c.imported)} is already saved with different content.</>
                )}{' '}
                Saved {new Date(c.existing.savedAt).toUTCString()}; imported one saved{' '}
                {new Date(c.imported.savedAt).toUTCString()}.
              </p>
              <div className="mt-2 flex gap-2">
                <button
                  type="button"
                  data-testid="registry-conflict-keep"
                  className="btn-secondary"
                  onClick={() => void onResolve(c, 'keep')}
                >
                  Keep the saved one
                </button>
                <button
                  type="button"
                  data-testid="registry-conflict-replace"
                  className="btn-secondary"
                  onClick={() => void onResolve(c, 'replace')}
                >
                  Replace with the imported one
                </button>
              </div>
            </li>
          ))}
        </ul>
      )}
      {outcome.resolved.length > 0 && (
        <ul className="mt-3 space-y-1" data-testid="registry-conflicts-resolved">
          {outcome.resolved.map(({ conflict, choice }) => (
            <li key={`${conflict.existing.id}-${conflict.imported.id}`}>
              {label(conflict.imported)}:{' '}
              {choice === 'keep' ? 'kept the saved entry' : 'replaced with the imported entry'}.
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

/**
 * One saved entry opened: its signed link and its saved report, and a file-by-file comparison with another
 * saved version of the same model. Focus moves to its heading, so the opened report is where the reader is.
 */
function OpenedEntry({ entry, entries }: { entry: RegistryEntry; entries: RegistryEntry[] }) {
  const heading = useRef<HTMLHeadingElement>(null);
  const others = otherVersions(entry, entries);
  const [otherId, setOtherId] = useState('');
  const other = others.find((e) => e.id === otherId);
  const diff = other ? compareVersions(entry, other) : null;
  useEffect(() => {
    heading.current?.scrollIntoView({ block: 'start' });
    heading.current?.focus({ preventScroll: true });
  }, []);
  return (
    <section
      id="registry-opened"
      data-testid="registry-opened"
      data-name={entry.name}
      data-version={entry.version}
      aria-labelledby="registry-opened-heading"
      className="space-y-4 border-t border-slate-300 pt-4"
    >
      <h2 id="registry-opened-heading" ref={heading} tabIndex={-1} className="text-xl font-semibold">
        <SafeText text={entry.name} /> <SafeText text={entry.version} />, saved {new Date(entry.savedAt).toUTCString()}
      </h2>
      {others.length > 0 && (
        <div className="space-y-2">
          <label htmlFor="registry-diff-with" className="block text-sm font-medium">
            Compare its files with another saved version
          </label>
          <select
            id="registry-diff-with"
            data-testid="registry-diff-with"
            value={otherId}
            onChange={(e) => setOtherId(e.target.value)}
            className="rounded border border-slate-300 p-2 text-sm"
          >
            <option value="">Choose a version</option>
            {others.map((e) => (
              <option key={e.id} value={e.id}>
                {e.version} (saved {new Date(e.savedAt).toUTCString()})
              </option>
            ))}
          </select>
          {diff && <RegistryComparison comparison={diff.comparison} to={diff.to.version} />}
        </div>
      )}
      {entry.signedLink ? (
        <ReportLinkBox link={entry.signedLink} />
      ) : (
        <p className="text-sm text-slate-700" data-testid="registry-no-link">
          No signed link was saved with this version (the report could not be signed when it was saved).
        </p>
      )}
      <ReportView report={entry.report} />
    </section>
  );
}
