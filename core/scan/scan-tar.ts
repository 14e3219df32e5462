import { sliceSource } from '../formats/container-io.ts';
import { isFileType, readTar, TarError, type TarArchive, type TarEntry } from '../formats/tar.ts';
import { errorMessage, OutcomeBuilder, tooDeep } from './container-outcome.ts';
import type { ScanContext, Scanner } from './types.ts';
import type { ByteSource } from '../io/byte-source.ts';
import { unsafePath } from './zip-rules.ts';
import { isNemoArchive } from './nemo-archive.ts';

export { isTar } from '../formats/tar.ts';

/**
 * Members torch's `legacy_load` unpickles from the tar format (torch/serialization.py: it extracts
 * "storages" and "tensors" and unpickles their stacked pickles, then unpickles `extractfile("pickle")`),
 * plus the "sys_info" record of the oldest writers. tarfile looks them up by exact name, and torch needs
 * none of the others to start unpickling the first, so each is a pickle wherever it appears.
 */
const TORCH_TAR_PICKLES = new Set(['sys_info', 'pickle', 'storages', 'tensors']);

function isTorchTar(archive: TarArchive): boolean {
  const names = new Set(archive.entries.map((e) => e.name));
  return names.has('pickle') && names.has('storages') && names.has('tensors');
}

/**
 * tar archives and torch's oldest format (technique 8: picklescan has "TODO: implement loading from tar").
 * Every regular member is scanned (torch-format pickle members as pickles); duplicates, unsafe paths
 * and links are reported.
 */
export const scanTar: Scanner = async (source, ctx) => {
  const deep = tooDeep('tar', ctx, source);
  if (deep) return deep;
  let archive: TarArchive;
  try {
    archive = await readTar(source);
  } catch (error) {
    const out = new OutcomeBuilder('tar', ctx, source);
    out.add(
      error instanceof TarError ? 'tarUnreadable' : 'nestedFailed',
      `cannot read the tar: ${errorMessage(error)}`,
    );
    return out.build();
  }
  const torch = isTorchTar(archive);
  const out = new OutcomeBuilder(torch ? 'pytorch-tar' : isNemoArchive(archive) ? 'nemo' : 'tar', ctx, source);
  tarRules(archive, source, out);
  const seen = new Map<string, number>();
  for (const entry of archive.entries) seen.set(entry.name, (seen.get(entry.name) ?? 0) + 1);
  for (const entry of archive.entries) {
    // Every type tarfile extracts as a file (regular, AREGTYPE, contiguous, sparse, unknown types).
    if (!isFileType(entry.type)) continue;
    const label = (seen.get(entry.name) ?? 0) > 1 ? `${entry.name} [entry ${entry.index}]` : entry.name;
    if (entry.sparse) {
      const detail = `entry ${entry.index} "${entry.name}" is a GNU sparse file; its stored ${entry.size} bytes were scanned`;
      out.add('sparseMember', detail, label, { offset: entry.headerOffset });
    }
    await scanMember(source, entry, label, TORCH_TAR_PICKLES.has(entry.name), ctx, out);
  }
  if (torch) out.add('torchTar', `members ${[...TORCH_TAR_PICKLES].join(', ')} were scanned as pickle streams`);
  return out.build();
};

async function scanMember(
  source: ByteSource,
  entry: TarEntry,
  label: string,
  pickle: boolean,
  ctx: ScanContext,
  out: OutcomeBuilder,
) {
  const member = sliceSource(source, entry.dataOffset, entry.size, label);
  await out.nested(() => (pickle ? ctx.scanPickle(member, label) : ctx.scanNested(member, label)), label);
}

function tarRules(archive: TarArchive, source: ByteSource, out: OutcomeBuilder): void {
  const counts = new Map<string, number[]>();
  for (const e of archive.entries) counts.set(e.name, [...(counts.get(e.name) ?? []), e.index]);
  for (const [name, indices] of counts) {
    if (indices.length > 1) {
      // tarfile.getmember returns the LAST member of a name: the one torch extracts.
      out.add(
        'duplicateName',
        `"${name}" appears ${indices.length} times (entries ${indices.join(', ')}); tarfile uses the last`,
        name,
      );
    }
  }
  for (const e of archive.entries) {
    if (unsafePath(e.name))
      out.add('unsafePath', `entry ${e.index} is named "${e.name}"`, e.name, { offset: e.headerOffset });
    if (e.type === '1' || e.type === '2') {
      // A link out of the archive turns "read the weights" into "read /etc/passwd" (CVE-2026-34447).
      const key = unsafePath(e.linkName ?? '') ? 'linkOutside' : 'linkEntry';
      out.add(key, `entry ${e.index} "${e.name}" links to "${e.linkName}"`, e.name, { offset: e.headerOffset });
    }
  }
  if (archive.truncated) out.add('tooManyEntries', `only the first ${archive.entries.length} entries were read`);
  const trailing = source.size - archive.end;
  if (archive.stopped)
    out.add(
      'trailingData',
      `${archive.stopped}: ${trailing} bytes after offset ${archive.end} are ignored by tarfile`,
      undefined,
      { offset: archive.end },
    );
}
