import type { ByteSource } from '../io/byte-source.ts';
import { sliceSource } from '../formats/container-io.ts';
import { extractMember, minizLookup, readZip, ZipError, type ZipArchive, type ZipEntry } from '../formats/zip.ts';
import { errorMessage, OutcomeBuilder, tooDeep } from './container-outcome.ts';
import { applyZipRules, duplicatedNames, entryLabel, firstHeaderOffset } from './zip-rules.ts';
import type { ScanContext, Scanner } from './types.ts';
import { isKerasMember, scanKerasMember } from './scan-keras-archive.ts';
import { MAR_MANIFEST, scanMarCode } from './scan-torchserve.ts';

export { isZip } from '../formats/zip.ts';

/** Stored members up to this size are read once for their CRC (CVE-2025-10156); larger ones are not. */
const MAX_CRC_BYTES = 64 << 20;
/** One finding per TorchScript code file up to this many, then one summary. */
const MAX_CODE_FINDINGS = 100;

/**
 * Records torch unpickles, looked up under the archive name: `data.pkl` (torch.load's `_load`),
 * `constants.pkl` and `data.pkl` (torch.jit.load), `bytecode.pkl` (the lite interpreter) and
 * `attributes.pkl` (the oldest TorchScript layout). The text records (`version`, `.data/version`,
 * `byteorder`, `.data/serialization_id`, `.format_version`) are parsed as strings, never unpickled.
 */
const TORCH_PICKLE_RECORDS = ['data.pkl', 'constants.pkl', 'bytecode.pkl', 'attributes.pkl'];
const SLASH = 0x2f;

/** PyTorchStreamReader::init: the archive name is entry 0's name up to its first '/' (none: torch refuses). */
function torchArchiveName(entries: readonly ZipEntry[]): Uint8Array | null {
  const first = entries.find((e) => e.index === 0);
  const slash = first ? first.nameBytes.indexOf(SLASH) : -1;
  return first && slash >= 0 ? first.nameBytes.subarray(0, slash) : null;
}

/** Every entry torch's reader may return for a pickle record (see minizLookup: case and duplicates). */
export function torchPickleEntries(entries: readonly ZipEntry[]): Set<ZipEntry> {
  const archive = torchArchiveName(entries);
  const found = new Set<ZipEntry>();
  if (!archive) return found;
  for (const record of TORCH_PICKLE_RECORDS) {
    const name = new Uint8Array([...archive, SLASH, ...new TextEncoder().encode(record)]);
    for (const entry of minizLookup(entries, name)) found.add(entry);
  }
  return found;
}

type ZipKind = 'pytorch-zip' | 'torchscript' | 'keras' | 'npz' | 'torchserve-mar' | 'zip';

/** What the archive is, from member names (torch serialization layout, TorchScript, Keras v3, np.savez). */
export function classifyZip(entries: readonly ZipEntry[]): ZipKind {
  const names = entries.map((e) => e.name);
  if (names.includes(MAR_MANIFEST)) return 'torchserve-mar';
  if (names.some((n) => /(^|\/)constants\.pkl$/i.test(n) || /(^|\/)code\/.+\.py$/i.test(n))) return 'torchscript';
  if (names.some((n) => /(^|\/)data\.pkl$/i.test(n)) || torchPickleEntries(entries).size > 0) return 'pytorch-zip';
  if (names.includes('config.json') && names.some((n) => n === 'model.weights.h5' || n === 'metadata.json')) {
    return 'keras';
  }
  if (names.length > 0 && names.every((n) => n.endsWith('.npy'))) return 'npz';
  return 'zip';
}

/** How each entry is handled, decided once for the whole archive. */
interface ZipPlan {
  kind: ZipKind;
  /** Entries torch may unpickle, and every *.pkl / *.debug_pkl: scanned as pickles whatever they start with. */
  pickles: Set<ZipEntry>;
  /** `<archive>/data/` with torch's archive name: storages live there as raw tensor bytes. */
  storageDir: string | null;
}

function planZip(entries: readonly ZipEntry[]): ZipPlan {
  const kind = classifyZip(entries);
  const pickles = torchPickleEntries(entries);
  for (const e of entries) if (/\.(pkl|debug_pkl)$/i.test(e.name)) pickles.add(e);
  const archive = torchArchiveName(entries);
  const torch = kind === 'pytorch-zip' || kind === 'torchscript';
  const storageDir = torch && archive ? `${entries.find((e) => e.index === 0)!.name.split('/')[0]}/data/` : null;
  return { kind, pickles, storageDir };
}

/**
 * torch storages: `<archive>/data/<key>` hold raw tensor bytes that are never unpickled, so they are
 * skipped unread. A pickle torch may load is never a storage, whatever its name looks like.
 */
function isStorage(plan: ZipPlan, entry: ZipEntry): boolean {
  if (!plan.storageDir || plan.pickles.has(entry) || !entry.name.startsWith(plan.storageDir)) return false;
  return /^\d+$/.test(entry.name.slice(plan.storageDir.length));
}

/**
 * numpy.load opens the same ZIP as an .npz and unpickles any member that is an object-dtype .npy, whatever
 * its name: a storage entry is skipped only when it is stored uncompressed and does not start like an .npy.
 */
async function isRawStorage(source: ByteSource, entry: ZipEntry): Promise<boolean> {
  if (entry.method !== 0 || entry.dataOffset === null) return false;
  const head = await source.read(entry.dataOffset, 6);
  return !(head[0] === 0x93 && String.fromCharCode(...head.subarray(1, 6)) === 'NUMPY');
}

function isTorchScriptCode(kind: ZipKind, name: string): boolean {
  return kind === 'torchscript' && /(^|\/)code\/.+\.py$/i.test(name);
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
  const plan = planZip(archive.entries);
  const out = new OutcomeBuilder(plan.kind, ctx, source);
  applyZipRules(archive, out);
  await scanPrefix(source, archive, ctx, out);
  await scanEntries(source, archive, plan, ctx, out);
  if (plan.kind === 'torchserve-mar') await out.nested(() => scanMarCode(source, archive, ctx), 'MAR-INF');
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
  plan: ZipPlan,
  ctx: ScanContext,
  out: OutcomeBuilder,
) {
  const kind = plan.kind;
  const duplicated = duplicatedNames(archive.entries);
  const storage = { count: 0, bytes: 0 };
  let codeFiles = 0;
  for (const entry of archive.entries) {
    if (entry.name.endsWith('/') && entry.uncompressedSize === 0) continue;
    // TorchServe reads its manifest only with json.load: scanMarCode checks it as such.
    if (kind === 'torchserve-mar' && entry.name === MAR_MANIFEST) continue;
    if (isStorage(plan, entry) && (await isRawStorage(source, entry))) {
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
    const how = plan.pickles.has(entry) ? 'pickle' : kind === 'keras' && isKerasMember(entry.name) ? 'keras' : 'route';
    await scanEntry(source, entry, label, how, ctx, out);
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
  how: 'pickle' | 'keras' | 'route',
  ctx: ScanContext,
  out: OutcomeBuilder,
): Promise<void> {
  const budget = ctx.budget;
  const data = await extractMember(source, entry, {
    maxBytes: budget.maxMemberBytes,
    allowance: () => budget.maxInflatedBytes - budget.used.inflatedBytes,
    spend: (n) => (budget.used.inflatedBytes += n),
    maxCrcBytes: MAX_CRC_BYTES,
  });
  if (data.status !== 'ok') {
    const key = {
      unsupported: 'unsupportedMethod',
      'too-large': 'memberTooLarge',
      budget: 'inflateBudget',
      ratio: 'inflateRatio',
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
  // A pickle torch loads is unpickled whatever its first bytes (protocol 0/1 has no magic: technique 2);
  // Keras reads its config and weights by name, whatever they look like.
  const run =
    how === 'keras'
      ? () => scanKerasMember(entry.name, member, label, ctx)
      : how === 'pickle'
        ? () => ctx.scanPickle(member, label)
        : () => ctx.scanNested(member, label);
  await out.nested(run, label);
}

function hex(n: number): string {
  return `0x${n.toString(16).padStart(8, '0')}`;
}
