import {
  REGISTRY_ENTRY_VERSION,
  REGISTRY_EXPORT_FORMAT,
  REGISTRY_EXPORT_VERSION,
  RegistryEntrySchema,
  RegistryExportSchema,
  type RegistryEntry,
  type RegistryExport,
} from './schema.ts';
import { jsonBoundProblem } from '../util/bounded-json.ts';

/**
 * Upgrades of stored and exported registry records, one step per version.
 *
 * v0 (the pre-release layout): an entry had no `schemaVersion` and no `behaviorBaseline`, and an export was
 * `{format, version: 0, entries}`. v0 → v1 adds `schemaVersion: 1`; everything else carries over.
 * A v2 adds its step to ENTRY_STEPS (index 1: v1 → v2) and bumps REGISTRY_ENTRY_VERSION; readers never change.
 */
type Raw = Record<string, unknown>;
const ENTRY_STEPS: ((entry: Raw) => Raw)[] = [
  // v0 → v1
  (entry) => ({ ...entry, schemaVersion: 1 }),
];

export class RegistryFormatError extends Error {
  override name = 'RegistryFormatError';
}

function isRecord(value: unknown): value is Raw {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function versionOf(value: unknown, field: string, current: number): number {
  if (value === undefined) return 0;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    throw new RegistryFormatError(`${field} must be a whole number, got ${JSON.stringify(value)}`);
  }
  if (value > current) {
    throw new RegistryFormatError(
      `${field} ${value} is newer than this ModelGate understands (${current}); update ModelGate to read it`,
    );
  }
  return value;
}

/** Any known version of one entry → the current schema, validated. Throws RegistryFormatError. */
export function upgradeEntry(raw: unknown): RegistryEntry {
  if (!isRecord(raw)) throw new RegistryFormatError('a registry entry must be an object');
  let entry = raw;
  for (let v = versionOf(raw.schemaVersion, 'schemaVersion', REGISTRY_ENTRY_VERSION); v < REGISTRY_ENTRY_VERSION; v++) {
    entry = ENTRY_STEPS[v]!(entry);
  }
  const parsed = RegistryEntrySchema.safeParse(entry);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new RegistryFormatError(
      `registry entry ${JSON.stringify(raw.name ?? raw.id ?? '?')} is not valid: ${issue?.path.join('.') || '(root)'}: ${issue?.message}`,
    );
  }
  return parsed.data;
}

/** A parsed export file of any known version → the current export, every entry upgraded and validated. */
export function upgradeExport(raw: unknown): RegistryExport {
  if (!isRecord(raw) || raw.format !== REGISTRY_EXPORT_FORMAT) {
    throw new RegistryFormatError(`not a ModelGate registry export (expected "format": "${REGISTRY_EXPORT_FORMAT}")`);
  }
  versionOf(raw.version, 'version', REGISTRY_EXPORT_VERSION);
  if (!Array.isArray(raw.entries)) throw new RegistryFormatError('"entries" must be a list');
  // Export versions so far differ only in their entries' versions, which each entry carries itself.
  const entries = raw.entries.map(upgradeEntry);
  const exportedAt = RegistryExportSchema.shape.exportedAt.safeParse(raw.exportedAt);
  return {
    format: REGISTRY_EXPORT_FORMAT,
    version: REGISTRY_EXPORT_VERSION,
    ...(exportedAt.success && exportedAt.data ? { exportedAt: exportedAt.data } : {}),
    entries,
  };
}

/** The text of an export file → the current export. Throws RegistryFormatError with a plain message. */
export function parseExport(text: string): RegistryExport {
  let raw: unknown;
  const bound = jsonBoundProblem(text);
  if (bound) throw new RegistryFormatError(`the file is ${bound.what}`);
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new RegistryFormatError(`the file is not JSON: ${(error as Error).message}`);
  }
  return upgradeExport(raw);
}

export function makeExport(entries: readonly RegistryEntry[], exportedAt = new Date()): RegistryExport {
  return {
    format: REGISTRY_EXPORT_FORMAT,
    version: REGISTRY_EXPORT_VERSION,
    exportedAt: exportedAt.toISOString(),
    entries: [...entries],
  };
}
