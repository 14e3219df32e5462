import type { ByteSource } from '../io/byte-source.ts';
import type { Lineage } from '../weights/lineage-schema.ts';
import type { TensorListing } from '../weights/tensors.ts';
import { adapterCandidates } from './adapter-candidates.ts';
import { readAdapterFolder } from './adapter-folder-reader.ts';
import { buildAdapterLineage } from './adapter-lineage.ts';
import { adapterTokenizerDifference } from './adapter-tokenizer.ts';

/**
 * A PEFT adapter against the base it names, as the CLI and the weights worker both run it: its fit and footprint
 * (the adapter's weights are its own diff), whether the tokenizer it ships is the base's, and, when it fits, the
 * trigger candidates its first targeted layer points at (a LoRA leaves the embedding rows alone).
 */
export async function compareAdapter(
  adapter: { paths: readonly string[]; source(path: string): Promise<ByteSource> },
  base: { sources: readonly ByteSource[]; listing: TensorListing },
): Promise<{ lineage: Lineage; candidates: Awaited<ReturnType<typeof adapterCandidates>> }> {
  const reading = await readAdapterFolder(adapter);
  const lineage = await buildAdapterLineage(reading, base.listing);
  const tokenizerDiffers = await adapterTokenizerDifference(adapter, base.sources);
  if (lineage.adapter && tokenizerDiffers) lineage.adapter.tokenizerDiffers = tokenizerDiffers;
  return { lineage, candidates: lineage.adapter?.fits ? await adapterCandidates(reading, base.listing) : [] };
}
