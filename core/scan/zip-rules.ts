import type { ZipArchive, ZipEntry } from '../formats/zip.ts';
import type { OutcomeBuilder } from './container-outcome.ts';

/**
 * Structural rules over a ZIP as both header sets describe it (techniques 3–6, 39). Each rule reports;
 * none stops the scan: every entry is still scanned by index afterwards.
 */
export function applyZipRules(archive: ZipArchive, out: OutcomeBuilder): void {
  duplicateNames(archive.entries, out);
  caseVariants(archive.entries, out);
  for (const entry of archive.entries) entryRules(entry, out);
  layoutRules(archive, out);
  for (const warning of archive.warnings) out.add('headerDisagreement', warning);
  if (archive.truncated) {
    out.add(
      'tooManyEntries',
      `${archive.declaredEntries} entries declared; only the first ${archive.entries.length} were read`,
    );
  }
}

/** Display name of an entry: duplicates get their index so every copy is told apart. */
export function entryLabel(entry: ZipEntry, duplicated: boolean): string {
  return duplicated ? `${entry.name} [entry ${entry.index}]` : entry.name;
}

export function duplicatedNames(entries: readonly ZipEntry[]): Set<string> {
  const seen = new Set<string>();
  const dup = new Set<string>();
  for (const e of entries) (seen.has(e.name) ? dup : seen).add(e.name);
  return dup;
}

function duplicateNames(entries: readonly ZipEntry[], out: OutcomeBuilder): void {
  for (const name of duplicatedNames(entries)) {
    const indices = entries.filter((e) => e.name === name).map((e) => e.index);
    out.add('duplicateName', `"${name}" appears ${indices.length} times (entries ${indices.join(', ')})`, name, {
      evidence: { indices },
    });
  }
}

function caseVariants(entries: readonly ZipEntry[], out: OutcomeBuilder): void {
  const byLower = new Map<string, Set<string>>();
  for (const e of entries) {
    const key = e.name.toLowerCase();
    byLower.set(key, (byLower.get(key) ?? new Set()).add(e.name));
  }
  for (const names of byLower.values()) {
    if (names.size < 2) continue;
    const list = [...names];
    out.add('caseVariantName', `names differ only by case: ${list.map((n) => `"${n}"`).join(', ')}`, list[0], {
      evidence: { names: list },
    });
  }
}

/** `..` segments, absolute paths and drive letters (zip-slip); backslashes count as separators on Windows. */
export function unsafePath(name: string): boolean {
  const norm = name.replace(/\\/g, '/');
  return norm.startsWith('/') || /^[a-zA-Z]:/.test(norm) || norm.split('/').includes('..');
}

const FLAG_BITS = 0x1 | 0x20 | 0x40;

function entryRules(entry: ZipEntry, out: OutcomeBuilder): void {
  const at = { offset: entry.headerOffset };
  for (const name of new Set([entry.name, entry.localName ?? entry.name])) {
    if (unsafePath(name)) out.add('unsafePath', `entry ${entry.index} is named "${name}"`, entry.name, at);
  }
  if (entry.localNameBytes && !sameBytes(entry.localNameBytes, entry.nameBytes)) {
    out.add(
      'nameMismatch',
      `entry ${entry.index}: directory says "${entry.name}", local header says "${entry.localName}"`,
      entry.name,
      { ...at, evidence: { centralName: entry.name, localName: entry.localName } },
    );
  }
  const flagged = (entry.flags | (entry.localFlags ?? 0)) & FLAG_BITS;
  if (flagged) {
    const where = `directory flags 0x${entry.flags.toString(16)}, local flags 0x${(entry.localFlags ?? 0).toString(16)}`;
    out.add(
      'flagBits',
      `entry ${entry.index} "${entry.name}" has bits 0x${flagged.toString(16)} set (${where})`,
      entry.name,
      at,
    );
  }
  if (entry.method === 0 && entry.compressedSize !== entry.uncompressedSize) {
    out.add(
      'storedSizeMismatch',
      `entry ${entry.index} "${entry.name}" is stored uncompressed with ${entry.compressedSize} bytes but declares ${entry.uncompressedSize}`,
      entry.name,
      at,
    );
  }
  headerDisagreement(entry, out);
}

function headerDisagreement(entry: ZipEntry, out: OutcomeBuilder): void {
  const diffs: string[] = [];
  if (entry.localMethod !== null && entry.localMethod !== entry.method) {
    diffs.push(`method ${entry.method} vs local ${entry.localMethod}`);
  }
  // With a data descriptor (bit 3) the local sizes are legitimately zero; ZIP64 saturates them.
  const sizesKnown = (entry.flags & 0x8) === 0 && entry.localCompressedSize !== 0xffffffff;
  if (sizesKnown && entry.localCompressedSize !== null && entry.localCompressedSize !== entry.compressedSize) {
    diffs.push(`compressed size ${entry.compressedSize} vs local ${entry.localCompressedSize}`);
  }
  if (diffs.length)
    out.add('headerDisagreement', `entry ${entry.index} "${entry.name}": ${diffs.join('; ')}`, entry.name);
  if (entry.localError)
    out.add('headerDisagreement', `entry ${entry.index} "${entry.name}": ${entry.localError}`, entry.name);
}

/** Overlaps (bombs, confusion), gaps (hidden data), and bytes before/after the archive (polyglots). */
function layoutRules(archive: ZipArchive, out: OutcomeBuilder): void {
  const spans = archive.entries
    .filter((e) => e.dataEnd !== null)
    .map((e) => ({ entry: e, start: e.headerOffset, end: e.dataEnd as number }))
    .sort((a, b) => a.start - b.start || a.entry.index - b.entry.index);
  let cursor = spans[0]?.start ?? archive.cdOffset;
  let previous: ZipEntry | undefined;
  for (const span of spans) {
    if (previous && span.start < cursor) {
      const detail = `entry ${span.entry.index} "${span.entry.name}" starts at ${span.start}, inside entry ${previous.index} "${previous.name}" (ends at ${cursor})`;
      out.add('overlap', detail, span.entry.name, { offset: span.start });
    } else if (span.start > cursor) {
      out.add('unreferencedData', `${span.start - cursor} bytes at offset ${cursor} belong to no member`, undefined, {
        offset: cursor,
      });
    }
    if (span.end >= cursor) [cursor, previous] = [span.end, span.entry];
  }
  if (spans.length && archive.cdOffset > cursor) {
    out.add(
      'unreferencedData',
      `${archive.cdOffset - cursor} bytes at offset ${cursor} belong to no member`,
      undefined,
      { offset: cursor },
    );
  }
  if (archive.trailingBytes > 0)
    out.add('trailingData', `${archive.trailingBytes} bytes follow the end of the archive`);
}

export function firstHeaderOffset(archive: ZipArchive): number {
  let first = archive.cdOffset;
  for (const e of archive.entries) first = Math.min(first, e.headerOffset);
  return Math.max(0, first);
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.byteLength === b.byteLength && a.every((v, i) => v === b[i]);
}
