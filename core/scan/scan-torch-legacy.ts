import { sliceSource } from '../formats/container-io.ts';
import { hasPlainMagic, readLegacyLayout } from '../formats/torch-legacy.ts';
import { OutcomeBuilder } from './container-outcome.ts';
import type { Scanner } from './types.ts';

export { isTorchLegacy } from '../formats/torch-legacy.ts';

/**
 * Legacy torch stream: every one of its pickles goes to the pickle scanner separately (modelscan scanned
 * only the first: technique 9), the magic-number pickle included (technique 10). Raw storage bytes after
 * the storage keys are never read. If the pickles cannot be delimited, the rest of the stream is
 * handed to the pickle scanner as one (it resumes after errors), bounded by the memory budget.
 */
export const scanTorchLegacy: Scanner = async (source, ctx) => {
  const out = new OutcomeBuilder('pytorch-legacy', ctx, source);
  const layout = await readLegacyLayout(source);
  for (const segment of layout.segments) {
    const name = `(pickle ${segment.start}: ${segment.role})`;
    const slice = sliceSource(source, segment.start, segment.end - segment.start, name);
    await out.nested(() => ctx.scanPickle(slice, name), name);
  }
  const magic = layout.segments[0];
  if (magic && !(await hasPlainMagic(source, magic))) {
    out.add(
      'torchLegacyMagic',
      `the first pickle (${magic.end - magic.start} bytes) is not the plain magic number`,
      undefined,
      {
        offset: 0,
      },
    );
  }
  if (layout.error) {
    const rest = Math.min(source.size - layout.error.offset, ctx.budget.maxMemberBytes);
    const detail = `pickle ${layout.segments.length + 1} at offset ${layout.error.offset}: ${layout.error.message}`;
    out.add('legacyUnreadable', detail, undefined, { offset: layout.error.offset });
    const name = `(stream from ${layout.error.offset})`;
    await out.nested(() => ctx.scanPickle(sliceSource(source, layout.error!.offset, rest, name), name), name);
  } else {
    const detail = `${layout.segments.length} pickles scanned; raw storage data from offset ${layout.storageOffset} skipped unread`;
    out.add('torchLegacy', detail, undefined, { evidence: { storageOffset: layout.storageOffset } });
  }
  return out.build();
};
