import { dictGet, intOf, strOf, type PValue } from './pickle/values.ts';

/**
 * joblib's single-file format (joblib/numpy_pickle.py, NumpyArrayWrapper.write_array/read_array): a pickle
 * in which each ndarray is replaced by a NumpyArrayWrapper whose BUILD is followed, mid-stream, by
 * - object-dtype arrays: a whole inline pickle (pickle.dump(array, protocol=2));
 * - others: when the wrapper has `numpy_array_alignment_bytes` (joblib ≥ 1.2) and it is not None, one byte
 *   giving a padding length, that many 0xff bytes, then count × itemsize raw bytes (count = prod(shape)).
 * The pickle then continues. Linear parsers stop at the padding (technique 14); we skip exactly these bytes.
 */

const WRAPPER_MODULES = new Set(['joblib.numpy_pickle', 'sklearn.externals.joblib.numpy_pickle']);

/**
 * Whether a call builds a NumpyArrayWrapper: joblib checks the instance, however it was made, so a wrapper
 * created through copyreg (`_reconstructor(cls, object, None)`, `__newobj__(cls)`) counts as well.
 */
export function isNumpyArrayWrapper(callee: PValue, args: readonly PValue[] = []): boolean {
  if (callee.k !== 'global') return false;
  if (callee.name === 'NumpyArrayWrapper' && WRAPPER_MODULES.has(callee.module)) return true;
  const viaCopyreg =
    /^(copyreg|copy_reg)$/.test(callee.module) && /^(_reconstructor|__newobj__|__newobj_ex__)$/.test(callee.name);
  return viaCopyreg && args[0] !== undefined && isNumpyArrayWrapper(args[0]);
}

export type JoblibSpan = { kind: 'raw'; end: number } | { kind: 'pickle' } | { kind: 'error'; message: string };

/** NumPy type characters → item size in bytes (numpy dtype.char / kind + size strings). */
const CHAR_SIZES: Record<string, number> = {
  '?': 1,
  b: 1,
  B: 1,
  h: 2,
  H: 2,
  i: 4,
  I: 4,
  l: 8,
  L: 8,
  q: 8,
  Q: 8,
  e: 2,
  f: 4,
  d: 8,
  g: 16,
  F: 8,
  D: 16,
  G: 32,
  p: 8,
  P: 8,
};

interface DtypeInfo {
  itemsize: number;
  hasObject: boolean;
}

/** Reads numpy's dtype pickle: REDUCE(numpy.dtype, ('f8', False, True)) + BUILD (ver, order, …, elsize, align, flags). */
export function dtypeInfo(dtype: PValue | undefined): DtypeInfo | undefined {
  if (dtype?.k !== 'call') return undefined;
  const code = strOf(dtype.args[0]);
  if (code === undefined) return undefined;
  const state = dtype.state?.k === 'tuple' ? dtype.state.items : [];
  const elsize = intOf(state[5]);
  const flags = intOf(state[7]) ?? 0;
  // NPY_ITEM_REFCOUNT (0x01) marks dtypes that hold Python objects, structured ones included.
  const hasObject = code.startsWith('O') || (flags & 1) === 1;
  const m = /^[<>|=]?([a-zA-Z?])(\d*)$/.exec(code);
  if (!m) return elsize !== undefined && elsize >= 0 ? { itemsize: elsize, hasObject } : undefined;
  const [, ch, digits] = m as unknown as [string, string, string];
  // numpy ignores the stored element size of a fixed-size type ('f8' is 8 bytes whatever the state says),
  // so the size comes from the type code; the state's is used only for flexible types ('V', 'S', 'U' without digits).
  const fromDigits = digits ? Number(digits) * (ch === 'U' ? 4 : 1) : undefined;
  const fromCode = fromDigits ?? CHAR_SIZES[ch];
  if (fromCode !== undefined) return { itemsize: fromCode, hasObject };
  return elsize !== undefined && elsize > 0 ? { itemsize: elsize, hasObject } : undefined;
}

function elementCount(shape: PValue | undefined): number | undefined {
  if (shape?.k !== 'tuple' && shape?.k !== 'list') return undefined;
  let count = 1;
  for (const d of shape.items) {
    const n = intOf(d);
    if (n === undefined || n < 0) return undefined;
    count *= n;
  }
  return count;
}

/** Where the pickle resumes after the array bytes of a wrapper whose BUILD state is `state`, read at `pos`. */
export function joblibArraySpan(bytes: Uint8Array, pos: number, state: PValue): JoblibSpan {
  const dtype = dtypeInfo(dictGet(state, 'dtype'));
  if (!dtype) return { kind: 'error', message: 'NumpyArrayWrapper without a readable dtype' };
  if (dtype.hasObject) return { kind: 'pickle' };
  const count = elementCount(dictGet(state, 'shape'));
  if (count === undefined) return { kind: 'error', message: 'NumpyArrayWrapper without a readable shape' };
  let at = pos;
  const alignment = dictGet(state, 'numpy_array_alignment_bytes');
  if (alignment !== undefined && alignment.k !== 'none') {
    if (at >= bytes.length) return { kind: 'error', message: 'missing padding byte' };
    at += 1 + (bytes[at] as number);
  }
  const size = count * dtype.itemsize;
  // A shape that claims more bytes than the file holds is refused before anything is skipped.
  if (!Number.isSafeInteger(size) || at + size > bytes.length) {
    return { kind: 'error', message: `array of ${count} × ${dtype.itemsize} bytes runs past the end of the data` };
  }
  return { kind: 'raw', end: at + size };
}
