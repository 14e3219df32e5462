import type { PValue } from '../formats/pickle/values.ts';

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
  if (INT_SEQUENCES.has(callee) && (first?.k === 'list' || first?.k === 'tuple')) return intBytes(first.items);
  if (WRAPPERS.has(callee)) return constantBytes(first, depth + 1);
  return undefined;
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
