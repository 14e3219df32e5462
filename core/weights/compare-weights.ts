import type { ByteSource } from '../io/byte-source.ts';
import { diffModels, type DiffOptions } from './diff.ts';
import { compareGgufTokenizer } from './gguf-tokenizer.ts';
import { buildLineage, rowCandidates, TRIGGER_ROWS_PER_TENSOR } from './lineage.ts';
import type { Lineage } from './lineage-schema.ts';
import { listTensors } from './tensors.ts';
import { MAX_JSON_BYTES } from '../util/bounded-json.ts';

export interface WeightComparison {
  lineage: Lineage;
  /** Embedding / output rows that moved most, more of them than the report keeps: the trigger scan's candidates. */
  candidates: ReturnType<typeof rowCandidates>;
  /** Elements compared, for throughput figures. */
  elements: number;
}

/**
 * The lineage of a model against its claimed base, as the CLI and the weights worker both run it: list both
 * folders' tensors, stream the diff, and, when one side is a GGUF file and the other has a tokenizer.json,
 * compare the tokenizer the GGUF file carries.
 */
export async function compareWeights(
  base: readonly ByteSource[],
  model: readonly ByteSource[],
  options: DiffOptions = {},
): Promise<WeightComparison> {
  const [baseListing, modelListing] = await Promise.all([listTensors(base), listTensors(model)]);
  const diff = await diffModels(baseListing, modelListing, { topRows: TRIGGER_ROWS_PER_TENSOR, ...options });
  const lineage = buildLineage(diff);
  const gguf = ggufAgainstCheckpoint(base, model);
  if (gguf)
    lineage.ggufTokenizer = await compareGgufTokenizer(gguf.file, await tokenizerText(gguf.other)).catch(
      (error: unknown) => ({ result: 'not-compared' as const, detail: (error as Error).message.slice(0, 500) }),
    );
  return { lineage, candidates: rowCandidates(diff), elements: diff.elements };
}

const isGguf = (f: ByteSource): boolean => f.name.endsWith('.gguf');

/** The GGUF file of whichever side is a GGUF model, and the other side's files; undefined unless exactly one is. */
function ggufAgainstCheckpoint(
  base: readonly ByteSource[],
  model: readonly ByteSource[],
): { file: ByteSource; other: readonly ByteSource[] } | undefined {
  const [b, m] = [base.find(isGguf), model.find(isGguf)];
  if (m && !b) return { file: m, other: base };
  if (b && !m) return { file: b, other: model };
  return undefined;
}

async function tokenizerText(files: readonly ByteSource[]): Promise<{ name: string; text: string } | undefined> {
  const file = files.find((f) => f.name === 'tokenizer.json' || f.name.endsWith('/tokenizer.json'));
  if (!file) return undefined;
  // One byte past the bound is enough for the parser to name the file as too large.
  const bytes = await file.read(0, Math.min(file.size, MAX_JSON_BYTES + 1));
  return { name: file.name, text: new TextDecoder().decode(bytes) };
}
