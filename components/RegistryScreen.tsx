'use client';
import { useState } from 'react';
import type { RegistryEntry } from '@/core/registry/schema';
import type { ImportConflict } from '@/core/registry/merge-import';
import { useRegistry, type ImportOutcome } from '@/hooks/use-registry';
import { downloadBlob } from '@/lib/download-blob';

const VERDICT_LABEL = { pass: 'Pass', review: 'Review', fail: 'Fail' } as const;

/** Models saved in this browser's registry: search, delete, export and import. */
export function RegistryScreen() {
  const { entries, unreadable, error, importing, remove, exportFile, importFile, resolve } = useRegistry();
  const [query, setQuery] = useState('');
  const q = query.trim().toLowerCase();
  const shown = entries?.filter((e) => e.name.toLowerCase().includes(q));

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
            {unreadable} saved record(s) could not be read by this version of ModelGate (written by a newer version, or
            damaged). They are kept as they are and are not listed.
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
      {shown && shown.length > 0 && <EntryTable entries={shown} onDelete={remove} />}
      {shown && entries && entries.length > 0 && shown.length === 0 && <p>No saved model matches “{query}”.</p>}
    </div>
  );
}

function EntryTable({ entries, onDelete }: { entries: RegistryEntry[]; onDelete: (id: string) => Promise<void> }) {
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
          <th scope="col" className="py-2 pr-3">
            Saved
          </th>
          <th scope="col" className="py-2 pr-3">
            Verdict
          </th>
          <th scope="col" className="py-2 pr-3">
            Files
          </th>
          <th scope="col" className="py-2 pr-3">
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
            <td className="py-2 pr-3 font-medium">{e.name}</td>
            <td className="py-2 pr-3">{e.version}</td>
            <td className="py-2 pr-3">{new Date(e.savedAt).toUTCString()}</td>
            <td className="py-2 pr-3" data-testid="registry-verdict">
              {VERDICT_LABEL[e.report.verdict]}
            </td>
            <td className="py-2 pr-3">{e.files.length}</td>
            <td className="py-2 pr-3">
              <code className="text-xs" title={e.rootDigest}>
                {e.rootDigest ? `${e.rootDigest.slice(0, 12)}…` : '—'}
              </code>
            </td>
            <td className="py-2 text-right">
              {confirming === e.id ? (
                <span className="inline-flex items-center gap-2">
                  <span>
                    Delete {e.name} {e.version}?
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
  const label = (e: RegistryEntry) => `${e.name} ${e.version}`;
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
        Imported {outcome.fileName}
      </h2>
      <p role="status" className="mt-1">
        {outcome.added.length} added, {outcome.identical.length} already here (skipped),{' '}
        {outcome.pending.length + outcome.resolved.length} in conflict with a saved entry.
      </p>
      {outcome.added.length > 0 && <p className="mt-1">Added: {outcome.added.map(label).join(', ')}.</p>}
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
                {c.reason === 'same-id'
                  ? `The imported entry ${label(c.imported)} has the id of the saved ${label(c.existing)} but different content.`
                  : `${label(c.imported)} is already saved with different content.`}{' '}
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
