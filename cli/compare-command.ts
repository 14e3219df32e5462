import { fileSource } from '../core/io/byte-source-node.ts';
import { buildReport } from '../core/report/build-report.ts';
import type { Report } from '../core/report/schema.ts';
import { diffModels } from '../core/weights/diff.ts';
import { buildLineage } from '../core/weights/lineage.ts';
import type { LineageVerdict } from '../core/weights/lineage-schema.ts';
import { listTensors, type TensorListing } from '../core/weights/tensors.ts';
import { hashFiles } from './hash-command.ts';
import { collectFiles } from './walk-node.ts';

/** Issue #5: 0 identical or derived, 1 partially derived (review the replaced layers), 2 unrelated. */
export const LINEAGE_EXIT: Record<LineageVerdict, number> = {
  identical: 0,
  derived: 0,
  'partially-derived': 1,
  unrelated: 2,
};

async function listFolder(path: string): Promise<{ name: string; listing: TensorListing }> {
  const { name, files } = await collectFiles([path]);
  const sources = await Promise.all(files.map((f) => fileSource(f.diskPath, f.modelPath)));
  return { name, listing: await listTensors(sources) };
}

/**
 * `modelgate compare <finetune-dir> --base <base-dir>`: hashes the fine-tune (the report's subject) and
 * streams both models tensor by tensor through the CPU reducer (core/weights/pair-stats.ts).
 */
export async function compareCommand(
  finetunePath: string,
  basePath: string,
): Promise<{ report: Report; verdict: LineageVerdict }> {
  const base = await listFolder(basePath);
  const finetune = await listFolder(finetunePath);
  for (const side of [base, finetune]) {
    if (side.listing.tensors.length === 0 && side.listing.notCompared.length === 0) {
      throw Object.assign(new Error(`${side.name}: no safetensors or GGUF weights found`), { usage: true });
    }
  }
  const lineage = buildLineage(await diffModels(base.listing, finetune.listing));
  const { name, files } = await collectFiles([finetunePath]);
  const report = await buildReport({
    name,
    outcomes: await hashFiles(files),
    environment: { runtime: 'node', executionProvider: 'cpu' },
    lineage,
  });
  return { report, verdict: lineage.verdict };
}
