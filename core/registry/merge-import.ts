import { canonicalJson } from '../util/canonical-json.ts';
import type { RegistryEntry } from './schema.ts';

/** An imported entry that clashes with a stored one: the user keeps the stored one or replaces it. */
export interface ImportConflict {
  existing: RegistryEntry;
  imported: RegistryEntry;
  /** Why they clash: the same id, or the same name and version, with different content. */
  reason: 'same-id' | 'same-name-version';
}

export interface MergeResult {
  /** New entries: safe to store as they are. */
  added: RegistryEntry[];
  /** Entries already stored with exactly this content: skipped. */
  identical: RegistryEntry[];
  /** Never overwritten silently: each waits for the user's keep-or-replace choice. */
  conflicts: ImportConflict[];
  /**
   * Entries that cannot be stored and cannot be resolved by one keep-or-replace choice: they clash with two
   * different saved entries (one by id, another by name and version), or with a saved record this version
   * of ModelGate cannot read. Nothing is stored for them.
   */
  refused: { imported: RegistryEntry; reason: string }[];
}

const nameVersion = (e: RegistryEntry) => `${e.name}\u0000${e.version}`;

/** Sorts imported entries into added / identical / conflicts against what is stored. Changes nothing. */
export function mergeImport(
  existing: readonly RegistryEntry[],
  imported: readonly RegistryEntry[],
  /** Ids of saved records that could not be read (a newer schema, damage): never written over. */
  unreadableIds: ReadonlySet<string> = new Set(),
): MergeResult {
  const byId = new Map(existing.map((e) => [e.id, e]));
  const byNameVersion = new Map(existing.map((e) => [nameVersion(e), e]));
  const result: MergeResult = { added: [], identical: [], conflicts: [], refused: [] };
  const seen = new Set<string>();
  for (const entry of imported) {
    // The same entry twice in one file counts once.
    const key = canonicalJson(entry);
    if (seen.has(key)) continue;
    seen.add(key);
    const sameId = byId.get(entry.id);
    const sameNameVersion = byNameVersion.get(nameVersion(entry));
    const clash = sameId ?? sameNameVersion;
    if (unreadableIds.has(entry.id)) {
      result.refused.push({ imported: entry, reason: 'a saved record with this id could not be read' });
    } else if (sameId && sameNameVersion && sameId !== sameNameVersion) {
      result.refused.push({
        imported: entry,
        reason: `its id is that of ${sameId.name} ${sameId.version}, its name and version those of another saved entry`,
      });
    } else if (!clash) {
      result.added.push(entry);
      byId.set(entry.id, entry);
      byNameVersion.set(nameVersion(entry), entry);
    } else if (canonicalJson(clash) === key) {
      result.identical.push(entry);
    } else {
      result.conflicts.push({ existing: clash, imported: entry, reason: sameId ? 'same-id' : 'same-name-version' });
    }
  }
  return result;
}
