import { sliceSource } from '../formats/container-io.ts';
import { dataBytes, NpyError, readNpyHeader, type NpyHeader } from '../formats/npy.ts';
import { errorMessage, OutcomeBuilder } from './container-outcome.ts';
import type { ScanContext, Scanner } from './types.ts';
import type { ByteSource } from '../io/byte-source.ts';

export { isNpy } from '../formats/npy.ts';

/**
 * .npy (and, through scan-zip → router, every .npz member): the header must describe exactly the bytes
 * that follow; an object dtype means the data is a pickle, which np.load(allow_pickle=True) runs
 * (technique 15, picklescan #11/#32), so it goes to the pickle scanner.
 */
/**
 * Where the data starts by the preamble alone (magic, version, header length): numpy reads dtypes this
 * reader does not (`'object'`, `'O,i4'`, `('|O', (1,))`…), and any of them may be an object dtype, so when the
 * header cannot be read here the data is still scanned as the pickle numpy may unpickle (fail closed).
 */
async function dataOffsetOf(source: ByteSource): Promise<number | undefined> {
  const pre = await source.read(0, 12);
  if (pre.byteLength < 10) return undefined;
  const major = pre[6] as number;
  const length =
    major === 1
      ? (pre[8] as number) | ((pre[9] as number) << 8)
      : new DataView(pre.buffer, pre.byteOffset).getUint32(8, true);
  const start = (major === 1 ? 10 : 12) + length;
  return start < source.size ? start : undefined;
}

async function scanDataAsPickle(source: ByteSource, start: number | undefined, ctx: ScanContext, out: OutcomeBuilder) {
  if (start === undefined) return;
  const name = '(data after an unreadable header, read as numpy would unpickle it)';
  await out.nested(() => ctx.scanPickle(sliceSource(source, start, source.size - start, name), name), name);
}

export const scanNpy: Scanner = async (source, ctx) => {
  const out = new OutcomeBuilder('npy', ctx, source);
  let header: NpyHeader;
  try {
    header = await readNpyHeader(source);
  } catch (error) {
    out.add(error instanceof NpyError ? 'npyInvalid' : 'nestedFailed', errorMessage(error), undefined, { offset: 0 });
    await scanDataAsPickle(source, await dataOffsetOf(source), ctx, out);
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
