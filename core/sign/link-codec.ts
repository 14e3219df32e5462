// The report link fragment (DESIGN §3): `<origin>/r#v1.<data>.<check>` where
//   data  = base64url(deflate(utf8(JSON.stringify(bundle))))  (fflate, level 9)
//   check = base64url(first 8 bytes of SHA-256(compressed bytes))
//
// Why the checksum: a deflate stream is not canonical. The padding bits of its last byte, and bytes after
// the final block, can change without changing what it inflates to, so a link with one character altered
// could still decode to the same, validly signed report. DESIGN §3 requires any changed byte to give
// "invalid" or "malformed". Strict base64url makes the text→bytes step one-to-one, and the checksum over
// the compressed bytes makes bytes→content one-to-one, up to a 2^-64 chance for an accidental change.
// It is not a security boundary (anyone can recompute it); the signature is.
import { Inflate, deflateSync } from 'fflate';
import { z } from 'zod';
import { decodeBase64Url, encodeBase64Url } from '../util/base64.ts';
import { asBufferSource } from '../util/buffer-source.ts';
import { signedBundleSchema, type SignedBundle } from './report-signature.ts';
import { jsonBoundProblem } from '../util/bounded-json.ts';

const VERSION = 'v1';
const CHECK_BYTES = 8;
/** Zip-bomb guard: a report link inflates to far less than this (links stay under 8 KB compressed). */
export const MAX_INFLATED_BYTES = 1 << 20;
/** Anything longer cannot be a link we made; refuse before spending time on it. */
export const MAX_FRAGMENT_CHARS = 1 << 20;
// fflate inflates everything it has been given on each push, and deflate expands at most ~1032×, so
// feeding 512 bytes at a time bounds the memory used before the size check to about 0.5 MiB.
const INFLATE_STEP = 512;

export type FragmentDecoding = { ok: true; bundle: SignedBundle } | { ok: false; reason: string };

async function checksum(bytes: Uint8Array): Promise<Uint8Array> {
  const digest = await crypto.subtle.digest('SHA-256', asBufferSource(bytes));
  return new Uint8Array(digest, 0, CHECK_BYTES);
}

export async function encodeFragment(bundle: SignedBundle): Promise<string> {
  // Refuse to make a link the viewer would reject.
  const valid = signedBundleSchema.parse(bundle);
  const compressed = deflateSync(new TextEncoder().encode(JSON.stringify(valid)), { level: 9 });
  return `${VERSION}.${encodeBase64Url(compressed)}.${encodeBase64Url(await checksum(compressed))}`;
}

/** Inflates with a hard output cap; returns null when the stream would exceed it. Throws on bad data. */
function inflateBounded(compressed: Uint8Array, cap: number): Uint8Array | null {
  // fflate reports truncated streams, but treats no input at all as an empty stream.
  if (compressed.length === 0) throw new Error('no deflate data');
  const chunks: Uint8Array[] = [];
  let total = 0;
  let ended = false;
  const inflater = new Inflate((chunk, final) => {
    chunks.push(chunk);
    total += chunk.length;
    ended ||= final;
  });
  for (let at = 0; at < compressed.length; at += INFLATE_STEP) {
    const last = at + INFLATE_STEP >= compressed.length;
    inflater.push(compressed.subarray(at, at + INFLATE_STEP), last);
    if (total > cap) return null;
  }
  if (!ended) inflater.push(new Uint8Array(0), true);
  const out = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.length;
  }
  return out;
}

const malformed = (why: string): FragmentDecoding => ({ ok: false, reason: `link is malformed: ${why}` });

/** Decodes a fragment (with or without the leading '#'). Never throws. */
export async function decodeFragment(fragment: string): Promise<FragmentDecoding> {
  try {
    return await decodeChecked(fragment);
  } catch (error) {
    return malformed(`could not be decoded (${(error as Error).message})`);
  }
}

async function decodeChecked(fragment: string): Promise<FragmentDecoding> {
  const text = fragment.startsWith('#') ? fragment.slice(1) : fragment;
  if (text.length === 0) return malformed('it is empty');
  if (text.length > MAX_FRAGMENT_CHARS) return malformed('it is too long');
  const parts = text.split('.');
  if (parts[0] !== VERSION) return malformed('unknown version');
  if (parts.length !== 3) return malformed('expected three dot-separated parts');
  let compressed: Uint8Array;
  let check: Uint8Array;
  try {
    compressed = decodeBase64Url(parts[1]!);
    check = decodeBase64Url(parts[2]!);
  } catch {
    return malformed('it is not valid base64url');
  }
  const expected = await checksum(compressed);
  if (check.length !== CHECK_BYTES || !expected.every((b, i) => b === check[i])) {
    return malformed('checksum does not match');
  }
  let inflated: Uint8Array | null;
  try {
    inflated = inflateBounded(compressed, MAX_INFLATED_BYTES);
  } catch {
    return malformed('compressed data is corrupt');
  }
  if (inflated === null) return malformed('content is too large');
  let json: unknown;
  try {
    const text = new TextDecoder('utf-8', { fatal: true }).decode(inflated);
    const bound = jsonBoundProblem(text);
    if (bound) return malformed(`content is ${bound.what}`);
    json = JSON.parse(text);
  } catch {
    return malformed('content is not valid JSON');
  }
  const parsed = signedBundleSchema.safeParse(json);
  if (!parsed.success) return malformed(`unexpected content: ${z.prettifyError(parsed.error)}`);
  return { ok: true, bundle: parsed.data };
}
