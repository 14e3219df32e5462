// Compares the model's files with what the signature covers (oms-format.md §1 "Verdict"): every
// signed resource present with an equal digest, and no extra non-ignored file. Missing, extra and
// modified files are kept apart so each becomes its own finding.
import type { ByteSource } from '../../io/byte-source.ts';
import { hashSource } from '../../hash/hash-source.ts';
import type { HasherFactory } from '../../hash/hasher.ts';
import { matchIgnore, type IgnoreReason, type IgnoreRule } from './ignore-rules.ts';
import type { ExpectedManifest, Shard } from './resources.ts';

export interface ModelFile {
  /** POSIX path relative to the model root (the file name when the model is one file). */
  path: string;
  size: number;
  /** Precomputed SHA-256 (hex) of the whole file, when the host already hashed it. */
  sha256?: string;
  /** Needed when sha256 is absent, and always for `shards` (byte ranges are hashed). */
  source?: ByteSource;
}

export interface ModelInput {
  files: readonly ModelFile[];
  /** The model path is one file, not a folder: model_signing names its resource "." (§1 files). */
  singleFile?: boolean;
  createHasher: HasherFactory;
}

export interface ManifestResult {
  modified: { path: string; expected: string; actual: string; range?: string }[];
  missing: string[];
  extra: string[];
  unreadable: { path: string; message: string }[];
  /** shards only: empty files get no resource, so they are neither signed nor detectable (§1 shards). */
  emptyUnsigned: string[];
  ignored: { path: string; reason: IgnoreReason }[];
  verified: number;
}

/** Reads [start, end) through ByteSource.read in bounded chunks, so a 1 GB shard never sits in memory. */
export async function hashRange(source: ByteSource, start: number, end: number, create: HasherFactory) {
  const hasher = await create();
  const chunk = 8 << 20;
  for (let at = start; at < end;) {
    const bytes = await source.read(at, Math.min(chunk, end - at));
    if (bytes.length === 0) throw new Error(`${source.name}: ended at byte ${at}, expected ${end}`);
    hasher.update(bytes);
    at += bytes.length;
  }
  return hasher.digestHex();
}

async function fileDigest(file: ModelFile, create: HasherFactory): Promise<string> {
  if (file.sha256) return file.sha256;
  if (!file.source) throw new Error(`${file.path}: no digest and no way to read it`);
  return (await hashSource(file.source, create)).sha256;
}

/** The shard ranges model_signing cuts a file of `size` bytes into: consecutive shard_size slices. */
function expectedRanges(size: number, shardSize: number): string {
  const ranges: string[] = [];
  for (let start = 0; start < size; start += shardSize) ranges.push(`${start}:${Math.min(size, start + shardSize)}`);
  return ranges.join(',');
}

async function checkShards(
  file: ModelFile,
  shards: readonly Shard[],
  shardSize: number,
  input: ModelInput,
  out: ManifestResult,
) {
  const signedRanges = shards.map((s) => `${s.start}:${s.end}`).join(',');
  if (signedRanges !== expectedRanges(file.size, shardSize)) {
    out.modified.push({ path: file.path, expected: `ranges ${signedRanges}`, actual: `size ${file.size}` });
    return;
  }
  if (!file.source) throw new Error(`${file.path}: shards need the file's bytes`);
  for (const shard of shards) {
    const actual = await hashRange(file.source, shard.start, shard.end, input.createHasher);
    if (actual !== shard.digest) {
      out.modified.push({ path: file.path, expected: shard.digest, actual, range: `${shard.start}:${shard.end}` });
      return;
    }
  }
}

async function checkOne(
  file: ModelFile,
  signed: string | Shard[],
  manifest: ExpectedManifest,
  input: ModelInput,
  out: ManifestResult,
) {
  try {
    if (typeof signed === 'string') {
      const actual = await fileDigest(file, input.createHasher);
      if (actual !== signed) out.modified.push({ path: file.path, expected: signed, actual });
    } else {
      await checkShards(file, signed, manifest.method === 'shards' ? manifest.shardSize : 0, input, out);
    }
    out.verified += 1;
  } catch (error) {
    out.unreadable.push({ path: file.path, message: (error as Error).message });
  }
}

/** Single-file models: model_signing names the resource "."; the spec says the basename (§1): accept both. */
function signedEntries(manifest: ExpectedManifest, input: ModelInput): Map<string, string | Shard[]> {
  const entries = new Map<string, string | Shard[]>(manifest.files);
  const only = input.files[0];
  if (input.singleFile && only && entries.has('.') && !entries.has(only.path)) {
    entries.set(only.path, entries.get('.')!);
    entries.delete('.');
  }
  return entries;
}

export async function compareManifest(
  manifest: ExpectedManifest,
  input: ModelInput,
  rules: readonly IgnoreRule[],
): Promise<ManifestResult> {
  const out: ManifestResult = {
    modified: [],
    missing: [],
    extra: [],
    unreadable: [],
    emptyUnsigned: [],
    ignored: [],
    verified: 0,
  };
  const signed = signedEntries(manifest, input);
  const seen = new Set<string>();
  for (const file of input.files) {
    const rule = input.singleFile ? undefined : matchIgnore(file.path, rules);
    if (rule) {
      out.ignored.push({ path: file.path, reason: rule.reason });
      continue;
    }
    const entry = signed.get(file.path);
    seen.add(file.path);
    if (entry !== undefined) await checkOne(file, entry, manifest, input, out);
    else if (manifest.method === 'shards' && file.size === 0) out.emptyUnsigned.push(file.path);
    else out.extra.push(file.path);
  }
  for (const path of signed.keys()) if (!seen.has(path)) out.missing.push(path);
  return out;
}
