import type { EntryComparison } from '@/core/registry/compare-entry';
import { plural } from './format';
import { SafeText } from './SafeText';

/**
 * The line that says which saved version this run was compared with; the differences are report findings.
 * Between two saved versions (the registry page) there is no report to carry findings, so `to` names the later
 * version and the changed, added and missing files are listed here.
 */
export function RegistryComparison({ comparison, to }: { comparison: EntryComparison; to?: string }) {
  const { against, changed, added, removed, unchanged } = comparison;
  const same = changed.length === 0 && added.length === 0 && removed.length === 0;
  const counts = `${changed.length} changed, ${added.length} added, ${removed.length} missing, ${unchanged} unchanged`;
  return (
    <section
      aria-label={to === undefined ? 'Comparison with the saved version' : 'Comparison of two saved versions'}
      data-testid="registry-comparison"
      data-changed={changed.length}
      data-added={added.length}
      data-removed={removed.length}
      className="rounded border border-slate-300 bg-slate-50 p-3 text-sm text-slate-800"
    >
      <p className="font-medium">
        {to === undefined ? (
          <>
            Compared with saved version <SafeText text={against.version} /> ({new Date(against.savedAt).toUTCString()}).
          </>
        ) : (
          <>
            From version <SafeText text={against.version} /> ({new Date(against.savedAt).toUTCString()}) to version{' '}
            <SafeText text={to} />:
          </>
        )}
      </p>
      <p className="mt-1">
        {same
          ? `${unchanged === 1 ? 'The 1 file is' : `All ${plural(unchanged, 'file')} are`} the same as in ${to === undefined ? 'the saved version' : 'both versions'}.`
          : to === undefined
            ? `${counts}; see the findings below.`
            : `${counts}.`}
      </p>
      {to !== undefined && !same && (
        <ul className="mt-2 space-y-1" data-testid="version-diff-files">
          {[
            ...changed.map((path) => ({ path, what: 'changed' })),
            ...added.map((path) => ({ path, what: 'added' })),
            ...removed.map((path) => ({ path, what: 'missing' })),
          ].map(({ path, what }) => (
            <li key={`${what}-${path}`} data-testid="version-diff-file" data-change={what} data-path={path}>
              <span className="font-semibold">{what}</span>: <SafeText text={path} className="font-mono" />
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
