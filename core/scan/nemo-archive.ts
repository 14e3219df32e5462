import type { ByteSource } from '../io/byte-source.ts';
import { isFileType, isTar, readTar, type TarArchive } from '../formats/tar.ts';

/**
 * NeMo `.nemo` archives: ModelPT.save_to writes the model folder as a tar with `arcname="."`, so the config is
 * `./model_config.yaml` next to `./model_weights.ckpt` (a torch ZIP) and the tokenizer files
 * (nemo/core/connectors/save_restore_connector.py). The config is routed by content like every member: the
 * Hydra checker claims it by its `_target_` keys.
 */
export function isNemoArchive(archive: TarArchive): boolean {
  return archive.entries.some((e) => e.name === './model_config.yaml' || e.name === 'model_config.yaml');
}

/** Where the ZIP sniffer looks for an end-of-central-directory record (APPNOTE 4.3.16: last 64 KiB + 22). */
const EOCD_SEARCH = 65_557;
const EOCD_BYTES = 22;

/**
 * A `.nemo` tar, sniffed by content. Its torch checkpoint is a ZIP member, so when few bytes follow it in the
 * tar the checkpoint's end record falls in the file's last 64 KiB and the ZIP sniffer matches the whole file
 * too. That is the archive's own construction, not a polyglot, only when EVERY end record there lies inside a
 * regular member's data (which the tar scan routes and scans as that member): then this handler stands for
 * both views. An end record anywhere else (after the tar, in a header) leaves the ZIP view to the ZIP scanner.
 */
export async function looksLikeNemo(head: Uint8Array, source: ByteSource): Promise<boolean> {
  if (!isTar(head)) return false;
  const archive = await readTar(source);
  if (!isNemoArchive(archive)) return false;
  const inMember = (at: number) =>
    archive.entries.some((e) => isFileType(e.type) && at >= e.dataOffset && at + EOCD_BYTES <= e.dataOffset + e.size);
  return (await eocdOffsets(source)).every(inMember);
}

async function eocdOffsets(source: ByteSource): Promise<number[]> {
  const start = Math.max(0, source.size - EOCD_SEARCH);
  const tail = await source.read(start, source.size - start);
  const found: number[] = [];
  for (let i = tail.byteLength - EOCD_BYTES; i >= 0; i--) {
    if (tail[i] === 0x50 && tail[i + 1] === 0x4b && tail[i + 2] === 0x05 && tail[i + 3] === 0x06) found.push(start + i);
  }
  return found;
}
