/**
 * Model formats that ModelGate recognises by their leading bytes but cannot read further: vendor
 * binaries without a published layout (Rockchip RKNN, Microsoft CNTK) and RAR archives, which no
 * decoder here unpacks. Recognising them matters: a file named model.rknn that is really a pickle must
 * not pass as "an RKNN model", and an RKNN model must not pass as "unknown, so nothing to say".
 */
export type OpaqueFormat = 'rknn' | 'cntk' | 'rar';

/** Rockchip's RKNN toolkit writes "RKNN" first (rknn-toolkit2 model files; no published layout). */
const RKNN = [0x52, 0x4b, 0x4e, 0x4e];
/** CNTK v1 (BrainScript) models open with the UTF-16LE section marker "BCN" and carry "BVersion". */
const CNTK_LEGACY = utf16le('BCN\u0000');
const CNTK_LEGACY_VERSION = utf16le('BVersion\u0000');
/** RAR 4 ("Rar!\x1a\x07\x00") and RAR 5 ("Rar!\x1a\x07\x01\x00") signatures (RARLAB technote). */
const RAR4 = [0x52, 0x61, 0x72, 0x21, 0x1a, 0x07, 0x00];
const RAR5 = [0x52, 0x61, 0x72, 0x21, 0x1a, 0x07, 0x01, 0x00];
/**
 * CNTK v2 models are a protobuf `Dictionary` (CNTK.proto): a map whose first keys are "version" and
 * "uid", then the graph's "CompositeFunction" / "primitive_functions" entries.
 */
const CNTK_V2_KEYS = [ascii('\u000a\u0007version'), ascii('\u000a\u0003uid')];
const CNTK_V2_GRAPH = [ascii('CompositeFunction'), ascii('primitive_functions')];

export function opaqueFormat(head: Uint8Array): OpaqueFormat | null {
  if (startsWith(head, RKNN)) return 'rknn';
  if (startsWith(head, RAR4) || startsWith(head, RAR5)) return 'rar';
  if (startsWith(head, CNTK_LEGACY) && indexOf(head, CNTK_LEGACY_VERSION) >= 0) return 'cntk';
  if (
    (head[0] === 0x08 || head[0] === 0x12) &&
    CNTK_V2_KEYS.every((k) => indexOf(head, k) >= 0) &&
    CNTK_V2_GRAPH.some((k) => indexOf(head, k) >= 0)
  )
    return 'cntk';
  return null;
}

function startsWith(bytes: Uint8Array, prefix: readonly number[] | Uint8Array): boolean {
  if (bytes.byteLength < prefix.length) return false;
  for (let i = 0; i < prefix.length; i++) if (bytes[i] !== prefix[i]) return false;
  return true;
}

export function indexOf(bytes: Uint8Array, needle: Uint8Array): number {
  outer: for (let i = 0; i + needle.length <= bytes.byteLength; i++) {
    for (let j = 0; j < needle.length; j++) if (bytes[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}

function ascii(text: string): Uint8Array {
  return Uint8Array.from(text, (c) => c.charCodeAt(0));
}

function utf16le(text: string): Uint8Array {
  const out = new Uint8Array(text.length * 2);
  for (let i = 0; i < text.length; i++) out[i * 2] = text.charCodeAt(i);
  return out;
}
