// Public key identity. The fingerprint is SHA-256 over the SPKI DER bytes (DESIGN §3), the same bytes a
// link carries, so the viewer can compare it against pinned trusted signers without re-encoding the key.
import { decodeBase64, encodeBase64 } from '../util/base64.ts';
import { asBufferSource } from '../util/buffer-source.ts';

export async function fingerprintHex(spki: Uint8Array): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', asBufferSource(spki)));
  return Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * Display form: groups of 4 hex characters separated by single spaces ("3f2a 9c01 …"). Spaces, rather than
 * colons, let the UI wrap a 64-character fingerprint at group boundaries and are easy to read aloud.
 */
export function formatFingerprint(hex: string): string {
  if (!/^[0-9a-f]+$/.test(hex)) throw new Error('fingerprint must be lowercase hex');
  return hex.match(/.{1,4}/g)!.join(' ');
}

const PEM_LABEL = 'PUBLIC KEY';
const PEM_LINE = 64; // RFC 7468 §2: generators wrap base64 at 64 characters.

export function spkiToPem(spki: Uint8Array): string {
  const body = encodeBase64(spki).match(new RegExp(`.{1,${PEM_LINE}}`, 'g')) ?? [];
  return [`-----BEGIN ${PEM_LABEL}-----`, ...body, `-----END ${PEM_LABEL}-----`, ''].join('\n');
}

/**
 * Parses one "PUBLIC KEY" PEM block. Line length is not enforced (RFC 7468 §3 lax parsing: keys pasted
 * from other tools are wrapped differently), but the base64 itself must be canonical. Explanatory text
 * before the block is skipped (RFC 7468 §2: parsers must ignore it; certtool writes such a preamble).
 */
export function pemToSpki(pem: string): Uint8Array {
  const start = /(?:^|\n)(-----BEGIN [A-Z0-9 ]+-----)/.exec(pem);
  const block = start ? pem.slice(start.index + start[0].length - start[1]!.length) : pem;
  const match = /^-----BEGIN ([A-Z0-9 ]+)-----\r?\n([\s\S]*?)\r?\n?-----END ([A-Z0-9 ]+)-----$/.exec(block.trim());
  if (!match) throw new Error('not a PEM block: expected "-----BEGIN PUBLIC KEY-----" … "-----END PUBLIC KEY-----"');
  const [, begin, body, end] = match;
  if (begin !== end) throw new Error(`PEM BEGIN label "${begin}" does not match END label "${end}"`);
  if (begin !== PEM_LABEL) {
    // Most likely a private key pasted by mistake: say so rather than "bad key".
    throw new Error(`expected a "${PEM_LABEL}" PEM block, got "${begin}"`);
  }
  let der: Uint8Array;
  try {
    der = decodeBase64(body!.replace(/\s+/g, ''));
  } catch (error) {
    throw new Error(`PEM body is not valid base64 (${(error as Error).message})`);
  }
  if (der.length === 0 || der[0] !== 0x30) throw new Error('PEM body is not a DER SubjectPublicKeyInfo');
  return der;
}
