import { makeFinding } from '../check/make-finding.ts';
import type { Finding, ReportFile } from '../check/types.ts';
import { REGISTRY_CODES } from './registry-codes.ts';
import type { RegistryEntry } from './schema.ts';

export interface EntryComparison {
  /** The saved version compared with, for the "Compared with saved version X" line. */
  against: { id: string; name: string; version: string; savedAt: string };
  changed: string[];
  added: string[];
  removed: string[];
  unchanged: number;
  findings: Finding[];
}

/**
 * A new verification of a model against the version saved in the registry: files are matched
 * by path; a different digest or size is a change (high), a missing or new file a medium finding.
 */
export function compareWithEntry(entry: RegistryEntry, files: readonly ReportFile[]): EntryComparison {
  const saved = new Map(entry.files.map((f) => [f.path, f]));
  const current = new Map(files.map((f) => [f.path, f]));
  const label = `${entry.name} ${entry.version}`;
  const out: EntryComparison = {
    against: { id: entry.id, name: entry.name, version: entry.version, savedAt: entry.savedAt },
    changed: [],
    added: [],
    removed: [],
    unchanged: 0,
    findings: [],
  };
  for (const [path, now] of [...current].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const then = saved.get(path);
    if (!then) {
      out.added.push(path);
      out.findings.push(
        makeFinding(REGISTRY_CODES, 'MG-INT-103', {
          detail: `${path} is not in the saved version ${label}.`,
          file: path,
        }),
      );
    } else if (!then.sha256 || !now.sha256) {
      if (then.size !== now.size) {
        out.changed.push(path);
        out.findings.push(
          makeFinding(REGISTRY_CODES, 'MG-INT-101', {
            detail: `Size ${now.size} bytes, saved version ${label} had ${then.size}.`,
            file: path,
            evidence: { savedSize: then.size, size: now.size },
          }),
        );
      } else {
        out.findings.push(
          makeFinding(REGISTRY_CODES, 'MG-INT-104', {
            detail: `No fingerprint on ${then.sha256 ? 'this run' : 'the saved side'}.`,
            file: path,
          }),
        );
      }
    } else if (then.sha256 !== now.sha256 || then.size !== now.size) {
      out.changed.push(path);
      out.findings.push(
        makeFinding(REGISTRY_CODES, 'MG-INT-101', {
          detail: `SHA-256 ${now.sha256}, saved version ${label} had ${then.sha256} (size ${now.size} vs ${then.size} bytes).`,
          file: path,
          evidence: { savedSha256: then.sha256, sha256: now.sha256, savedSize: then.size, size: now.size },
        }),
      );
    } else {
      out.unchanged++;
    }
  }
  for (const path of [...saved.keys()].sort()) {
    if (current.has(path)) continue;
    out.removed.push(path);
    out.findings.push(
      makeFinding(REGISTRY_CODES, 'MG-INT-102', {
        detail: `${path} was in the saved version ${label} and is missing now.`,
        file: path,
      }),
    );
  }
  if (out.findings.length === 0) {
    out.findings.push(
      makeFinding(REGISTRY_CODES, 'MG-INT-100', {
        detail: `All ${out.unchanged} files match ${label}, saved ${entry.savedAt}.`,
        evidence: { savedId: entry.id },
      }),
    );
  }
  return out;
}
