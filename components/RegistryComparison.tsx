import type { EntryComparison } from '@/core/registry/compare-entry';

/** The line that says which saved version this run was compared with; the differences are report findings. */
export function RegistryComparison({ comparison }: { comparison: EntryComparison }) {
  const { against, changed, added, removed, unchanged } = comparison;
  const same = changed.length === 0 && added.length === 0 && removed.length === 0;
  return (
    <section
      aria-label="Comparison with the saved version"
      data-testid="registry-comparison"
      data-changed={changed.length}
      className="rounded border border-slate-300 bg-slate-50 p-3 text-sm text-slate-800"
    >
      <p className="font-medium">
        Compared with saved version {against.version} ({new Date(against.savedAt).toUTCString()}).
      </p>
      <p className="mt-1">
        {same
          ? `All ${unchanged} files are the same as in the saved version.`
          : `${changed.length} changed, ${added.length} added, ${removed.length} missing, ${unchanged} unchanged; see the findings below.`}
      </p>
    </section>
  );
}
