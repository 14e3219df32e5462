import { sliceSource } from '../formats/container-io.ts';
import { dataBytes, NpyError, readNpyHeader, type NpyHeader } from '../formats/npy.ts';
import { errorMessage, OutcomeBuilder } from './container-outcome.ts';
import type { Scanner } from './types.ts';

export { isNpy } from '../formats/npy.ts';

/**
 * .npy (and, through scan-zip → router, every .npz member): the header must describe exactly the bytes
 * that follow; an object dtype means the data is a pickle, which np.load(allow_pickle=True) runs
 * (technique 15, picklescan #11/#32), so it goes to the pickle scanner.
 */
export const scanNpy: Scanner = async (source, ctx) => {
  const out = new OutcomeBuilder('npy', ctx, source);
  let header: NpyHeader;
  try {
    header = await readNpyHeader(source);
  } catch (error) {
    out.add(error instanceof NpyError ? 'npyInvalid' : 'nestedFailed', errorMessage(error), undefined, { offset: 0 });
    return out.build();
  }
  const span = source.size - header.dataOffset;
  if (header.hasObject) {
    const name = '(object array pickle)';
    out.add(
      'npyObject',
      `dtype ${JSON.stringify(header.descr)}: ${span} bytes of pickle at offset ${header.dataOffset}`,
      undefined,
      {
        offset: header.dataOffset,
      },
    );
    await out.nested(() => ctx.scanPickle(sliceSource(source, header.dataOffset, span, name), name), name);
    return out.build();
  }
  const expected = dataBytes(header)!;
  if (expected !== BigInt(span)) {
    const detail = `shape (${header.shape.join(', ')}) × ${header.itemsize} bytes = ${expected} bytes, but ${span} bytes follow the header`;
    out.add('npyInvalid', detail, undefined, { offset: header.dataOffset, evidence: { shape: header.shape } });
  }
  return out.build();
};
