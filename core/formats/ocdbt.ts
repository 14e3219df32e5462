import type { ByteSource } from '../io/byte-source.ts';
import { readRange } from './container-io.ts';
import { FormatError } from './format-error.ts';

/**
 * The envelope of tensorstore OCDBT files (the `manifest.ocdbt` and the `d/<id>` B+tree/data files Orbax writes
 * for every array): a 4-byte big-endian magic, the file length as a little-endian uint64, a format version
 * (varint, 0), a compression id (varint: 0 none, 1 zstd), the encoded body, and a little-endian CRC-32C of
 * everything before it (https://google.github.io/tensorstore/kvstore/ocdbt/index.html; checked here against
 * files tensorstore wrote). The zstd-compressed body is not read: the envelope only shows the file is intact.
 */
export const OCDBT_MAGICS: ReadonlyMap<number, string> = new Map([
  [0x0cdb3a2a, 'manifest'],
  [0x0cdb20de, 'B+tree or data file'],
]);

const HEADER = 14;
const TRAILER = 4;
const ZSTD_MAGIC = 0xfd2fb528;

export interface OcdbtEnvelope {
  kind: string;
  compression: 'none' | 'zstd';
}

export function isOcdbt(head: Uint8Array): boolean {
  if (head.byteLength < HEADER) return false;
  return OCDBT_MAGICS.has(new DataView(head.buffer, head.byteOffset, 4).getUint32(0, false));
}

/** Checks the envelope of an OCDBT file; throws FormatError when the file is cut, padded or damaged. */
export async function readOcdbtEnvelope(source: ByteSource): Promise<OcdbtEnvelope> {
  if (source.size < HEADER + TRAILER) throw new FormatError(`${source.size} bytes is too short for OCDBT`, 0);
  const head = await source.read(0, HEADER + 4);
  const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
  const kind = OCDBT_MAGICS.get(view.getUint32(0, false));
  if (kind === undefined) throw new FormatError('not an OCDBT magic number', 0);
  const length = view.getBigUint64(4, true);
  if (length !== BigInt(source.size)) {
    throw new FormatError(`the header says ${length} bytes, the file has ${source.size}`, 4);
  }
  if (head[12] !== 0) throw new FormatError(`format version ${head[12]} (tensorstore writes 0)`, 12);
  const compression = head[13] === 0 ? 'none' : head[13] === 1 ? 'zstd' : undefined;
  if (compression === undefined) throw new FormatError(`compression id ${head[13]} is not none (0) or zstd (1)`, 13);
  if (compression === 'zstd' && view.getUint32(HEADER, true) !== ZSTD_MAGIC) {
    throw new FormatError('the body does not start a zstd frame', HEADER);
  }
  const stored = new DataView((await source.read(source.size - TRAILER, TRAILER)).slice().buffer).getUint32(0, true);
  let crc = 0;
  for await (const chunk of readRange(source, 0, source.size - TRAILER)) crc = crc32cUpdate(crc, chunk);
  if (crc !== stored) throw new FormatError('the CRC-32C checksum does not match: the file is damaged', 0);
  return { kind, compression };
}

const CRC32C_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0x82f63b78 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/** Incremental CRC-32C (Castagnoli, reflected 0x82F63B78): start with 0, feed chunks. */
export function crc32cUpdate(crc: number, bytes: Uint8Array): number {
  let c = ~crc >>> 0;
  for (const b of bytes) c = CRC32C_TABLE[(c ^ b) & 0xff]! ^ (c >>> 8);
  return ~c >>> 0;
}
