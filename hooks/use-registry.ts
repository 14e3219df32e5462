'use client';
import { useCallback, useEffect, useState } from 'react';
import type { RegistryEntry } from '@/core/registry/schema';
import type { ImportConflict } from '@/core/registry/merge-import';
import {
  deleteEntry,
  exportRegistry,
  importRegistry,
  listEntries,
  resolveConflict,
  unreadableCount,
} from '@/lib/registry';

export interface ImportOutcome {
  fileName: string;
  added: RegistryEntry[];
  identical: RegistryEntry[];
  /** Conflicts still waiting for the user's choice. */
  pending: ImportConflict[];
  /** Conflicts already decided, with the choice made. */
  resolved: { conflict: ImportConflict; choice: 'keep' | 'replace' }[];
  /** Entries not stored and not resolvable by one choice (core/registry/merge-import.ts). */
  refused: { imported: RegistryEntry; reason: string }[];
}

/** The registry list in IndexedDB, with delete, export and import that refresh it. */
export function useRegistry() {
  const [entries, setEntries] = useState<RegistryEntry[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [importing, setImporting] = useState<ImportOutcome | null>(null);
  const [unreadable, setUnreadable] = useState(0);

  const refresh = useCallback(async () => {
    try {
      setEntries(await listEntries());
      setUnreadable(await unreadableCount());
    } catch (e) {
      setError(`The registry could not be read: ${(e as Error).message}`);
    }
  }, []);

  useEffect(() => {
    let live = true;
    listEntries().then(
      (list) => live && setEntries(list),
      (e: Error) => live && setError(`The registry could not be read: ${e.message}`),
    );
    unreadableCount().then(
      (n) => live && setUnreadable(n),
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, []);

  const remove = useCallback(
    async (id: string) => {
      await deleteEntry(id);
      await refresh();
    },
    [refresh],
  );

  const exportFile = useCallback(() => exportRegistry(), []);

  const importFile = useCallback(
    async (file: File) => {
      setError(null);
      setImporting(null);
      try {
        const result = await importRegistry(file);
        setImporting({
          fileName: file.name,
          added: result.added,
          identical: result.identical,
          pending: result.conflicts,
          resolved: [],
          refused: result.refused,
        });
      } catch (e) {
        setError(`${file.name} could not be imported: ${(e as Error).message}`);
      }
      await refresh();
    },
    [refresh],
  );

  const resolve = useCallback(
    async (conflict: ImportConflict, choice: 'keep' | 'replace') => {
      await resolveConflict(conflict, choice);
      setImporting((current) =>
        current
          ? {
              ...current,
              pending: current.pending.filter((c) => c !== conflict),
              resolved: [...current.resolved, { conflict, choice }],
            }
          : current,
      );
      await refresh();
    },
    [refresh],
  );

  return { entries, unreadable, error, importing, remove, exportFile, importFile, resolve };
}
