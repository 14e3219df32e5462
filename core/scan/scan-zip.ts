import type { ByteSource } from '../io/byte-source.ts';
import { sliceSource } from '../formats/container-io.ts';
import { extractMember, readZip, ZipError, type ZipArchive, type ZipEntry } from '../formats/zip.ts';
import { errorMessage, OutcomeBuilder, tooDeep } from './container-outcome.ts';
import { applyZipRules, duplicatedNames, entryLabel, firstHeaderOffset } from './zip-rules.ts';
import type { ScanContext, Scanner } from './types.ts';

export { isZip } from '../formats/zip.ts';

/** Stored members up to this size are read once for their CRC (CVE-2025-10156); larger ones are not. */
const MAX_CRC_BYTES = 64 << 20;
/** One finding per TorchScript code file up to this many, then one summary. */
const MAX_CODE_FINDINGS = 100;

type ZipKind = 'pytorch-zip' | 'torchscript' | 'keras' | 'npz' | 'zip';

/** What the archive is, from member names (torch serialization layout, TorchScript, Keras v3, np.savez). */
export function classifyZip(entries: readonly ZipEntry[]): ZipKind {
  const names = entries.map((e) => e.name);
  if (names.some((n) => /(^|\/)constants\.pkl$/.test(n) || /(^|\/)code\/.+\.py$/.test(n))) return 'torchscript';
  if (names.some((n) => /(^|\/)data\.pkl$/.test(n))) return 'pytorch-zip';
  if (names.includes('config.json') && names.some((n) => n === 'model.weights.h5' || n === 'metadata.json')) {
    return 'keras';
  }
  if (names.length > 0 && names.every((n) => n.endsWith('.npy'))) return 'npz';
  return 'zip';
}

/** torch storages: `<root>/data/<key>` hold raw tensor bytes that are never unpickled. */
function isStorage(kind: ZipKind, name: string): boolean {
  return (kind === 'pytorch-zip' || kind === 'torchscript') && /^[^/]+\/data\/\d+$/.test(name);
}

function isTorchScriptCode(kind: ZipKind, name: string): boolean {
  return kind === 'torchscript' && /(^|\/)code\/.+\.py$/.test(name);
}

/**
 * Scans a ZIP as torch, zipfile and numpy read it: structural rules, then every entry BY INDEX
 * (duplicates included) goes back through the router, with the archive's prefix bytes too.
 */
export const scanZip: Scanner = async (source, ctx) => {
  const deep = tooDeep('zip', ctx, source);
  if (deep) return deep;
  let archive: ZipArchive;
  try {
    archive = await readZip(source);
  } catch (error) {
    const out = new OutcomeBuilder('zip', ctx, source);
    const key = error instanceof ZipError ? 'zipUnreadable' : 'nestedFailed';
    out.add(key, `cannot read the ZIP directory: ${errorMessage(error)}`);
    return out.build();
  }
  const kind = classifyZip(archive.entries);
  const out = new OutcomeBuilder(kind, ctx, source);
  applyZipRules(archive, out);
  await scanPrefix(source, archive, ctx, out);
  await scanEntries(source, archive, kind, ctx, out);
  return out.build();
};

/** Bytes before the first member: torch reads a file as a pickle unless it starts with PK\3\4. */
async function scanPrefix(source: ByteSource, archive: ZipArchive, ctx: ScanContext, out: OutcomeBuilder) {
  const prefix = firstHeaderOffset(archive);
  if (prefix === 0) return;
  out.add('prefixData', `${prefix} bytes precede the first archive member`, undefined, { offset: 0 });
  const name = '(data before archive)';
  await out.nested(() => ctx.scanNested(sliceSource(source, 0, prefix, name), name), name);
}

async function scanEntries(
  source: ByteSource,
  archive: ZipArchive,
  kind: ZipKind,
  ctx: ScanContext,
  out: OutcomeBuilder,
) {
  const duplicated = duplicatedNames(archive.entries);
  const storage = { count: 0, bytes: 0 };
  let codeFiles = 0;
  for (const entry of archive.entries) {
    if (entry.name.endsWith('/') && entry.uncompressedSize === 0) continue;
    if (isStorage(kind, entry.name)) {
      storage.count += 1;
      storage.bytes += entry.uncompressedSize;
      continue;
    }
    const label = entryLabel(entry, duplicated.has(entry.name));
    if (isTorchScriptCode(kind, entry.name) && codeFiles++ < MAX_CODE_FINDINGS) {
      out.add(
        'torchScriptCode',
        `${entry.name} (${entry.uncompressedSize} bytes) is compiled and run by torch.jit.load`,
        label,
      );
    }
    await scanEntry(source, entry, label, kind, ctx, out);
  }
  if (codeFiles > MAX_CODE_FINDINGS) {
    out.add('torchScriptCode', `${codeFiles - MAX_CODE_FINDINGS} more TorchScript code files are not listed`);
  }
  if (kind === 'pytorch-zip' || kind === 'torchscript') {
    const detail = `${kind}: ${storage.count} tensor storages (${storage.bytes} bytes) skipped unread; every other member scanned`;
    out.add('pytorchZip', detail, undefined, { evidence: { storages: storage.count, storageBytes: storage.bytes } });
  }
}

async function scanEntry(
  source: ByteSource,
  entry: ZipEntry,
  label: string,
  kind: ZipKind,
  ctx: ScanContext,
  out: OutcomeBuilder,
): Promise<void> {
  const budget = ctx.budget;
  const data = await extractMember(source, entry, {
    maxBytes: budget.maxMemberBytes,
    inflateAllowance: () => budget.maxInflatedBytes - budget.used.inflatedBytes,
    spend: (n) => (budget.used.inflatedBytes += n),
    maxCrcBytes: MAX_CRC_BYTES,
  });
  if (data.status !== 'ok') {
    const key = {
      unsupported: 'unsupportedMethod',
      'too-large': 'memberTooLarge',
      budget: 'inflateBudget',
      error: 'decodeFailed',
    } as const;
    out.add(key[data.status], `entry ${entry.index}: ${data.message}`, label, { offset: entry.headerOffset });
    return;
  }
  if (data.crc32 !== null && data.crc32 !== entry.crc32) {
    const detail = `entry ${entry.index} "${entry.name}": CRC-32 is ${hex(data.crc32)}, directory says ${hex(entry.crc32)}`;
    out.add('badCrc', detail, label, { offset: entry.headerOffset });
  }
  const member = { ...data.source, name: label };
  // torch unpickles every *.pkl record whatever its first bytes (protocol 0/1 has no magic: technique 2).
  const asPickle = (kind === 'pytorch-zip' || kind === 'torchscript') && /\.pkl$/.test(entry.name);
  await out.nested(() => (asPickle ? ctx.scanPickle(member, label) : ctx.scanNested(member, label)), label);
}

function hex(n: number): string {
  return `0x${n.toString(16).padStart(8, '0')}`;
}
