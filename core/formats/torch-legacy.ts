import type { ByteSource } from '../io/byte-source.ts';
import { startsWith } from './container-io.ts';
import { pickleEnd, PickleExtentError } from './pickle-extent.ts';

/**
 * PyTorch legacy serialization (torch/serialization.py `_legacy_save` / `_legacy_load`): pickles back to
 * back — magic number, protocol version, sys_info, the model, the storage keys — then raw storage
 * bytes per key (an 8-byte element count, then the data). torch.load falls back to this for any file
 * that is not a zip or tar (CVE-2025-10155), and runs the first pickle before checking it (technique 10).
 */

/** 0x1950a86a20f9469cfc6c as pickle writes it: PROTO 2, LONG1 10 bytes little-endian, STOP. */
export const LEGACY_MAGIC_PICKLE = [
  0x80, 0x02, 0x8a, 0x0a, 0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19, 0x2e,
];
export const LEGACY_PICKLE_ROLES = ['magic number', 'protocol version', 'sys_info', 'model', 'storage keys'] as const;

export function isTorchLegacy(head: Uint8Array): boolean {
  // Protocols 2–5 all write the magic the same way after PROTO.
  return head[0] === 0x80 && startsWith(head, LEGACY_MAGIC_PICKLE.slice(2), 2);
}

export interface LegacySegment {
  role: (typeof LEGACY_PICKLE_ROLES)[number];
  start: number;
  end: number;
}

export interface LegacyLayout {
  segments: LegacySegment[];
  /** Where raw storage data starts (after the storage-keys pickle), if all five pickles were found. */
  storageOffset: number | null;
  /** Where walking failed, if it did: the remainder could not be split into pickles. */
  error?: { offset: number; message: string };
}

/** Splits the stream into its five pickles, stopping before the raw storage bytes (never read). */
export async function readLegacyLayout(source: ByteSource): Promise<LegacyLayout> {
  const segments: LegacySegment[] = [];
  let at = 0;
  for (const role of LEGACY_PICKLE_ROLES) {
    try {
      const end = await pickleEnd(source, at);
      segments.push({ role, start: at, end });
      at = end;
    } catch (error) {
      if (!(error instanceof PickleExtentError)) throw error;
      return { segments, storageOffset: null, error: { offset: at, message: error.message } };
    }
  }
  return { segments, storageOffset: at };
}

/** The magic pickle must be exactly PROTO n, LONG1 magic, STOP: anything else ran code or lied (technique 10). */
export async function hasPlainMagic(source: ByteSource, segment: LegacySegment): Promise<boolean> {
  const bytes = await source.read(segment.start, segment.end - segment.start);
  return bytes.byteLength === LEGACY_MAGIC_PICKLE.length && isTorchLegacy(bytes);
}
