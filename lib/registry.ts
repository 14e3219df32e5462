import { getDB } from './db';
import type { Report } from '@/core/report/schema';
import { REGISTRY_ENTRY_VERSION, type BehaviorBaseline, type RegistryEntry } from '@/core/registry/schema';
import { makeExport, parseExport, upgradeEntry } from '@/core/registry/upgrade';
import { mergeImport, type ImportConflict, type MergeResult } from '@/core/registry/merge-import';

/** This browser's model registry: every record is upgraded and validated as it is read. */

export class RegistryError extends Error {
  override name = 'RegistryError';
}

async function readAll(): Promise<{ entries: RegistryEntry[]; unreadable: string[] }> {
  const raw = await (await getDB()).getAll('registry');
  // A record that no longer validates is left out of the list rather than breaking the page, and counted.
  const entries: RegistryEntry[] = [];
  const unreadable: string[] = [];
  for (const r of raw) {
    try {
      entries.push(upgradeEntry(r));
    } catch {
      unreadable.push(String((r as { id?: unknown }).id ?? '?'));
    }
  }
  return { entries, unreadable };
}

const newestFirst = (a: RegistryEntry, b: RegistryEntry) =>
  a.savedAt < b.savedAt ? 1 : a.savedAt > b.savedAt ? -1 : 0;

export async function listEntries(): Promise<RegistryEntry[]> {
  return (await readAll()).entries.sort(newestFirst);
}

/** How many saved records this version cannot read (written by a newer ModelGate, or damaged). */
export async function unreadableCount(): Promise<number> {
  return (await readAll()).unreadable.length;
}

/** The most recently saved entry of this model name, if any. */
export async function latestByName(name: string): Promise<RegistryEntry | undefined> {
  const raw = await (await getDB()).getAllFromIndex('registry', 'name', name);
  const entries = raw.flatMap((r) => {
    try {
      return [upgradeEntry(r)];
    } catch {
      return [];
    }
  });
  return entries.sort(newestFirst)[0];
}

export interface SaveInput {
  name: string;
  version: string;
  report: Report;
  signedLink?: string | null;
  behaviorBaseline?: BehaviorBaseline;
}

/** Saves a verified model. Refuses a name and version already saved: a version is never silently replaced. */
export async function saveEntry(input: SaveInput): Promise<RegistryEntry> {
  const name = input.name.trim();
  const version = input.version.trim();
  if (!name) throw new RegistryError('Give the model a name.');
  if (!version) throw new RegistryError('Give this version a label, for example 1.0.');
  const db = await getDB();
  const same = await db.getAllFromIndex('registry', 'name', name);
  if (same.some((e) => e.version === version)) {
    throw new RegistryError(`Version ${version} of ${name} is already saved. Pick another version label.`);
  }
  const entry = upgradeEntry({
    schemaVersion: REGISTRY_ENTRY_VERSION,
    id: crypto.randomUUID(),
    name,
    version,
    savedAt: new Date().toISOString(),
    ...(input.report.subject.rootDigest ? { rootDigest: input.report.subject.rootDigest } : {}),
    files: input.report.subject.files.map(({ path, size, sha256 }) => ({ path, size, ...(sha256 ? { sha256 } : {}) })),
    report: input.report,
    ...(input.signedLink ? { signedLink: input.signedLink } : {}),
    ...(input.behaviorBaseline ? { behaviorBaseline: input.behaviorBaseline } : {}),
  });
  await db.add('registry', entry);
  return entry;
}

export async function deleteEntry(id: string): Promise<void> {
  await (await getDB()).delete('registry', id);
}

/** The whole registry as a JSON file (`{format: "modelgate.registry", version: 1, entries}`). */
export async function exportRegistry(): Promise<Blob> {
  const text = JSON.stringify(makeExport(await listEntries()), null, 2);
  return new Blob([text], { type: 'application/json' });
}

/**
 * Reads an export file and stores its new entries. Identical entries are skipped; conflicts are stored
 * nowhere and returned for the user to resolve with `resolveConflict`. Throws on an invalid file.
 */
export async function importRegistry(file: Blob): Promise<MergeResult> {
  const parsed = parseExport(await file.text());
  const { entries, unreadable } = await readAll();
  const result = mergeImport(entries, parsed.entries, new Set(unreadable));
  const db = await getDB();
  const tx = db.transaction('registry', 'readwrite');
  await Promise.all([...result.added.map((e) => tx.store.add(e)), tx.done]);
  return result;
}

/** "keep" leaves the stored entry as it is; "replace" stores the imported entry in its place. */
export async function resolveConflict(conflict: ImportConflict, choice: 'keep' | 'replace'): Promise<void> {
  if (choice === 'keep') return;
  const db = await getDB();
  const tx = db.transaction('registry', 'readwrite');
  await Promise.all([tx.store.delete(conflict.existing.id), tx.store.put(conflict.imported), tx.done]);
}
