import { compareWithEntry, type EntryComparison } from './compare-entry.ts';
import type { RegistryEntry } from './schema.ts';

export interface VersionDiff {
  /** The version saved first: the reference. */
  from: RegistryEntry;
  /** The version saved later: what changed in it, added to it, or is missing from it. */
  to: RegistryEntry;
  comparison: EntryComparison;
}

/**
 * Two saved versions of one model, file by file, in the order they were saved (whichever is passed first):
 * the same comparison a new verification gets against the saved version, so both read alike.
 */
export function compareVersions(a: RegistryEntry, b: RegistryEntry): VersionDiff {
  if (a.name !== b.name) throw new Error(`${a.name} and ${b.name} are different models, not two versions of one`);
  const [from, to] = a.savedAt <= b.savedAt ? [a, b] : [b, a];
  return { from, to, comparison: compareWithEntry(from, to.files) };
}

/** The other saved versions of an entry's model, newest first: what it can be compared with. */
export function otherVersions(entry: RegistryEntry, entries: readonly RegistryEntry[]): RegistryEntry[] {
  return entries
    .filter((e) => e.name === entry.name && e.id !== entry.id)
    .sort((x, y) => (x.savedAt < y.savedAt ? 1 : x.savedAt > y.savedAt ? -1 : 0));
}
