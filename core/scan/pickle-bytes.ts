import { gunzipSync, unzlibSync } from 'fflate';
import type { PValue } from '../formats/pickle/values.ts';
import { decodeBase64 } from '../util/base64.ts';

/**
 * The bytes a value stands for when the loader computes them from constants: how a pickle passes bytes to
 * a loader that unpickles again. numpy and Python 2 pickles write bytes as `_codecs.encode('…', 'latin1')`,
 * and a payload can be wrapped in `bytes(…)`, `bytearray(…)` or `io.BytesIO(…)` on its way to
 * `torch.storage._load_from_bytes` or `pickle.loads`. Undefined when it is not a constant.
 */
export function constantBytes(v: PValue | undefined, depth = 0): Uint8Array | undefined {
  if (v === undefined || depth > 8) return undefined;
  if (v.k === 'bytes') return v.v;
  if (v.k !== 'call' || v.callee.k !== 'global' || v.kind === 'SETITEM' || v.kind === 'APPEND') return undefined;
  const callee = `${v.callee.module}.${v.callee.name}`;
  const [first, second] = v.args;
  if (ENCODERS.has(callee) && first?.k === 'str') return encoded(first.v, second);
  const decode = DECODERS[callee];
  if (decode) return decodeWith(decode, first, second, depth);
  if (INT_SEQUENCES.has(callee) && (first?.k === 'list' || first?.k === 'tuple')) return intBytes(first.items);
  if (WRAPPERS.has(callee)) return constantBytes(first, depth + 1);
  return undefined;
}

type Decoder = 'zlib' | 'gzip' | 'base64' | 'hex' | 'codec';

/** Decoders a payload is commonly wrapped in (the decoded bytes are what the inner loader reads). */
const DECODERS: Readonly<Record<string, Decoder>> = {
  'zlib.decompress': 'zlib',
  'gzip.decompress': 'gzip',
  'base64.b64decode': 'base64',
  'base64.decodebytes': 'base64',
  'base64.standard_b64decode': 'base64',
  'base64.urlsafe_b64decode': 'base64',
  'binascii.a2b_base64': 'base64',
  'binascii.unhexlify': 'hex',
  'binascii.a2b_hex': 'hex',
  'builtins.bytes.fromhex': 'hex',
  'builtins.bytearray.fromhex': 'hex',
  'codecs.decode': 'codec',
  '_codecs.decode': 'codec',
};

/** Decoded output is capped: a payload pickle is small, a bomb must not allocate. */
const MAX_DECODED = 64 << 20;

function decodeWith(
  kind: Decoder,
  input: PValue | undefined,
  option: PValue | undefined,
  depth: number,
): Uint8Array | undefined {
  const raw = input?.k === 'str' ? latin1Bytes(input.v) : constantBytes(input, depth + 1);
  if (!raw) return undefined;
  if (kind === 'codec') {
    const codec = option?.k === 'str' ? option.v.toLowerCase().replace(/[-_]?codec$/, '') : '';
    const mapped = ({ base64: 'base64', base_64: 'base64', hex: 'hex', zlib: 'zlib', zip: 'zlib' } as const)[
      codec as 'hex'
    ];
    return mapped ? decodeWith(mapped, input, undefined, depth) : undefined;
  }
  try {
    if (kind === 'zlib') return capped(unzlibSync(raw, { out: undefined }));
    if (kind === 'gzip') return capped(gunzipSync(raw));
    const text = String.fromCharCode(...raw.subarray(0, MAX_DECODED));
    if (kind === 'hex') return hexBytes(text.replace(/\s+/g, ''));
    return base64Bytes(text);
  } catch {
    return undefined;
  }
}

function capped(bytes: Uint8Array): Uint8Array | undefined {
  return bytes.byteLength <= MAX_DECODED ? bytes : undefined;
}

function hexBytes(hex: string): Uint8Array | undefined {
  if (hex.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(hex)) return undefined;
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}

/** Python's b64decode drops characters outside the alphabet (validate=False) and accepts both alphabets. */
function base64Bytes(text: string): Uint8Array | undefined {
  const clean = text
    .replace(/-/g, '+')
    .replace(/_/g, '/')
    .replace(/[^A-Za-z0-9+/]/g, '');
  return decodeBase64(clean.padEnd(Math.ceil(clean.length / 4) * 4, '='));
}

const ENCODERS = new Set([
  '_codecs.encode',
  'codecs.encode',
  'builtins.bytes',
  'builtins.bytearray',
  'builtins.str.encode',
]);
const WRAPPERS = new Set(['builtins.bytes', 'builtins.bytearray', 'io.BytesIO', '_io.BytesIO', 'builtins.memoryview']);
const INT_SEQUENCES = new Set(['builtins.bytes', 'builtins.bytearray']);

/** `text` encoded as Python would for the encodings a payload can use; str.encode defaults to UTF-8. */
function encoded(text: string, encoding: PValue | undefined): Uint8Array | undefined {
  const name = encoding === undefined ? 'utf-8' : encoding.k === 'str' ? encoding.v.toLowerCase() : '';
  if (/^(latin[-_]?1|iso[-_]?8859[-_]?1|l1)$/.test(name)) return latin1Bytes(text);
  if (/^(utf[-_]?8|ascii|us[-_]?ascii)$/.test(name)) return new TextEncoder().encode(text);
  return undefined;
}

function intBytes(items: readonly PValue[]): Uint8Array | undefined {
  if (items.length > 1 << 24) return undefined;
  const out = new Uint8Array(items.length);
  for (let i = 0; i < items.length; i++) {
    const item = items[i];
    if (item?.k !== 'int' || item.v < 0n || item.v > 255n) return undefined;
    out[i] = Number(item.v);
  }
  return out;
}

/** str.encode('latin-1'): one byte per code point; a code point above 255 makes CPython raise. */
function latin1Bytes(text: string): Uint8Array | undefined {
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c > 255) return undefined;
    out[i] = c;
  }
  return out;
}
