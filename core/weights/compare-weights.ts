import type { ByteSource } from '../io/byte-source.ts';
import { diffModels, type DiffOptions } from './diff.ts';
import { compareGgufTokenizer } from './gguf-tokenizer.ts';
import { buildLineage, rowCandidates, TRIGGER_ROWS_PER_TENSOR } from './lineage.ts';
import type { Lineage } from './lineage-schema.ts';
import { listTensors } from './tensors.ts';
import { MAX_JSON_BYTES, parseBoundedJson } from '../util/bounded-json.ts';
import { readGgufHeader } from '../formats/gguf.ts';
import { compareGgufMetadata } from './gguf-metadata.ts';

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
  for (const files of [base, model]) refuseAmbiguousGguf(files);
  const [baseListing, modelListing] = await Promise.all([listTensors(base), listTensors(model)]);
  const diff = await diffModels(baseListing, modelListing, { topRows: TRIGGER_ROWS_PER_TENSOR, ...options });
  const lineage = buildLineage(diff);
  const gguf = ggufAgainstCheckpoint(base, model);
  if (gguf) {
    const notCompared = (error: unknown) => ({
      result: 'not-compared' as const,
      detail: (error as Error).message.slice(0, 500),
    });
    lineage.ggufTokenizer = await compareGgufTokenizer(gguf.file, await jsonText(gguf.other, 'tokenizer.json')).catch(
      notCompared,
    );
    lineage.ggufMetadata = await ggufMetadata(gguf.file, gguf.other).catch((error: unknown) => ({
      ...notCompared(error),
      differences: [],
    }));
  }
  return { lineage, candidates: rowCandidates(diff), elements: diff.elements };
}

const isGguf = (f: ByteSource): boolean => f.name.endsWith('.gguf');

/**
 * Which weights a user of a GGUF folder runs is the file they pick: with several GGUF files, or GGUF beside
 * safetensors weights, comparing one of them would vouch for a file nobody compared.
 */
export function refuseAmbiguousGguf(files: readonly ByteSource[]): void {
  const gguf = files.filter(isGguf).map((f) => f.name);
  if (gguf.length > 1)
    throw new Error(`several GGUF files (${gguf.slice(0, 5).join(', ')}): compare each in a folder of its own`);
  if (gguf.length === 1 && files.some((f) => f.name.endsWith('.safetensors')))
    throw new Error(`${gguf[0]} sits beside safetensors weights: compare the GGUF file in a folder of its own`);
}

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

async function ggufMetadata(gguf: ByteSource, base: readonly ByteSource[]) {
  const [header, config, generationConfig, tokenizerConfig, jinja] = await Promise.all([
    readGgufHeader(gguf),
    jsonText(base, 'config.json'),
    jsonText(base, 'generation_config.json'),
    jsonText(base, 'tokenizer_config.json'),
    jsonText(base, 'chat_template.jinja'),
  ]);
  return compareGgufMetadata(gguf, header, {
    ...(config ? { config } : {}),
    ...(generationConfig ? { generationConfig } : {}),
    ...chatTemplateOf(tokenizerConfig, jinja),
  });
}

/** transformers 5 reads chat_template.jinja first, then tokenizer_config.json's `chat_template` string. */
function chatTemplateOf(
  tokenizerConfig: { name: string; text: string } | undefined,
  jinja: { text: string } | undefined,
): { chatTemplate?: string } {
  if (jinja) return { chatTemplate: jinja.text };
  if (!tokenizerConfig) return {};
  const parsed = parseBoundedJson(tokenizerConfig.text, tokenizerConfig.name, { maxBytes: MAX_JSON_BYTES });
  const template = (parsed as { chat_template?: unknown } | null)?.chat_template;
  return typeof template === 'string' ? { chatTemplate: template } : {};
}

/** A top-level file of the folder (or of its one subfolder) as text, read up to the JSON bound. */
async function jsonText(
  files: readonly ByteSource[],
  name: string,
): Promise<{ name: string; text: string } | undefined> {
  const file = files.find((f) => f.name === name || f.name.endsWith(`/${name}`));
  if (!file) return undefined;
  // One byte past the bound is enough for the parser to name the file as too large.
  const bytes = await file.read(0, Math.min(file.size, MAX_JSON_BYTES + 1));
  return { name: file.name, text: new TextDecoder().decode(bytes) };
}
