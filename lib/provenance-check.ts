import { checkFolderProvenance, type ProvenanceResult } from '@/core/provenance';
import type { ModelFile } from './model-files';

/**
 * The provenance check of a dropped folder: reads its model card, dataset cards, config.json
 * and tokenizer.json with File.text() (the inputs and size limits of core/provenance/inputs.ts, shared
 * with the CLI) and runs checkProvenance on the main thread: a few KB of YAML and JSON, milliseconds.
 * Undefined when the folder holds none of those files.
 */
export async function checkDroppedProvenance(files: readonly ModelFile[]): Promise<ProvenanceResult | undefined> {
  const byPath = new Map(files.map((f) => [f.path, f.file]));
  return checkFolderProvenance({
    files: files.map((f) => ({ path: f.path, size: f.file.size })),
    readText: (path) => byPath.get(path)!.text(),
  });
}
