// Strict base64 (RFC 4648 §4, padded) and base64url (§5, unpadded).
//
// Decoders are canonical: a string is accepted only if re-encoding the decoded bytes gives the very same
// string back. That rejects characters outside the alphabet, wrong lengths, misplaced or missing padding,
// and non-zero unused trailing bits (RFC 4648 §3.5 lets decoders ignore them; we must not, because a
// report link must change meaning — or fail — when any single character of it changes).

const STD_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const URL_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

function reverseTable(alphabet: string): Int16Array {
  const table = new Int16Array(128).fill(-1);
  for (let i = 0; i < alphabet.length; i++) table[alphabet.charCodeAt(i)] = i;
  return table;
}

const STD_TABLE = reverseTable(STD_ALPHABET);
const URL_TABLE = reverseTable(URL_ALPHABET);

function encodeWith(bytes: Uint8Array, alphabet: string, pad: boolean): string {
  let out = '';
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
    out += alphabet[n >> 18]! + alphabet[(n >> 12) & 63]! + alphabet[(n >> 6) & 63]! + alphabet[n & 63]!;
  }
  const rest = bytes.length - i;
  if (rest === 1) {
    const n = bytes[i]! << 16;
    out += alphabet[n >> 18]! + alphabet[(n >> 12) & 63]! + (pad ? '==' : '');
  } else if (rest === 2) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8);
    out += alphabet[n >> 18]! + alphabet[(n >> 12) & 63]! + alphabet[(n >> 6) & 63]! + (pad ? '=' : '');
  }
  return out;
}

function decodeWith(text: string, table: Int16Array, pad: boolean, name: string): Uint8Array<ArrayBuffer> {
  const body = pad ? text.replace(/={1,2}$/, '') : text;
  if (body.length % 4 === 1) throw new Error(`${name}: invalid length ${text.length}`);
  const out = new Uint8Array(Math.floor((body.length * 3) / 4));
  let acc = 0;
  let bits = 0;
  let o = 0;
  for (let i = 0; i < body.length; i++) {
    const code = body.charCodeAt(i);
    const v = code < 128 ? table[code]! : -1;
    if (v < 0) throw new Error(`${name}: invalid character at position ${i}`);
    acc = ((acc << 6) | v) & 0xffffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (acc >> bits) & 0xff;
    }
  }
  // The round trip catches everything else: missing/extra padding, non-zero unused bits.
  if (encodeWith(out, pad ? STD_ALPHABET : URL_ALPHABET, pad) !== text) {
    throw new Error(`${name}: non-canonical encoding`);
  }
  return out;
}

export function encodeBase64(bytes: Uint8Array): string {
  return encodeWith(bytes, STD_ALPHABET, true);
}

/** Decodes padded standard base64; throws unless `encodeBase64(result) === text`. */
export function decodeBase64(text: string): Uint8Array<ArrayBuffer> {
  return decodeWith(text, STD_TABLE, true, 'base64');
}

export function encodeBase64Url(bytes: Uint8Array): string {
  return encodeWith(bytes, URL_ALPHABET, false);
}

/** Decodes unpadded base64url; throws unless `encodeBase64Url(result) === text`. */
export function decodeBase64Url(text: string): Uint8Array<ArrayBuffer> {
  return decodeWith(text, URL_TABLE, false, 'base64url');
}

/** True when `text` is canonical padded standard base64 (for zod refinements). */
export function isCanonicalBase64(text: string): boolean {
  try {
    decodeBase64(text);
    return true;
  } catch {
    return false;
  }
}
