import { z } from 'zod';
import { AdapterRecordSchema } from './lineage-adapter-schema.ts';

/** The Report's `lineage`. Non-finite figures (a zero base tensor) are null. */
export const LineageVerdictSchema = z.enum([
  'identical',
  'quantized',
  'derived',
  'partially-derived',
  'unrelated',
  'unverified',
]);

const figure = z.number().nullable();

/** A GGUF file's tokenizer.ggml.* metadata against the base's tokenizer.json. */
export const GgufTokenizerComparisonSchema = z.object({
  /** 'same' when token strings (by id) and merges agree; 'different'; 'not-compared' with the reason. */
  result: z.enum(['same', 'different', 'not-compared']),
  detail: z.string().max(2000),
  tokens: z.number().int().nonnegative().optional(),
  differingTokens: z.number().int().nonnegative().optional(),
});
export type GgufTokenizerComparison = z.infer<typeof GgufTokenizerComparisonSchema>;

/** A GGUF file's hyperparameters and chat template (what llama.cpp computes with) against the base's config. */
export const GgufMetadataComparisonSchema = z.object({
  result: z.enum(['same', 'different', 'not-compared']),
  detail: z.string().max(4000),
  differences: z.array(z.string().max(500)).max(64),
});
export type GgufMetadataComparison = z.infer<typeof GgufMetadataComparisonSchema>;

export const LineageTensorSchema = z.object({
  name: z.string().max(1000),
  relChange: figure,
  cosine: figure,
  maxAbsChange: figure.optional(),
  changedShare: z.number().min(0).max(1).optional(),
});

export const LineageSchema = z.object({
  verdict: LineageVerdictSchema,
  summary: z.string().max(2000),
  tensors: z.array(LineageTensorSchema).max(100_000),
  /**
   * Layers replaced or re-initialized, or whose shape differs, that make the verdict partial (or, when
   * unrelated, every replaced layer). A new task head is in `newHead` instead.
   */
  changedLayers: z.array(z.string().max(1000)).max(100_000),
  /** Task-head layers re-initialised, resized, added or dropped: the verdict stays `derived` for them. */
  newHead: z.array(z.string().max(1000)).max(100_000).optional(),
  /** Rows appended to the token matrices (vocabulary extension); the base's rows were compared. */
  addedTokens: z.number().int().positive().optional(),
  onlyInBase: z.array(z.string().max(1000)).max(100_000).optional(),
  onlyInFinetune: z.array(z.string().max(1000)).max(100_000).optional(),
  notCompared: z
    .array(z.object({ name: z.string(), file: z.string(), reason: z.string() }))
    .max(100_000)
    .optional(),
  /** GGUF quantized tensors: per ggml type, and whether the file is a quantization of the base. */
  quantization: z
    .object({
      ofTheBase: z.boolean(),
      unsupported: z.number().int().nonnegative(),
      types: z
        .array(
          z.object({
            type: z.string().max(40),
            tensors: z.number().int().nonnegative(),
            elements: z.number().int().nonnegative(),
            largestError: figure,
            errorLimit: figure,
            offGrid: z.number().int().nonnegative(),
          }),
        )
        .max(64),
    })
    .optional(),
  /** A GGUF file's tokenizer metadata against the base's tokenizer.json. */
  ggufTokenizer: GgufTokenizerComparisonSchema.optional(),
  /** A GGUF file's hyperparameters and chat template against the base's config.json and tokenizer config. */
  ggufMetadata: GgufMetadataComparisonSchema.optional(),
  /** Rows of embedding / output matrices that moved most: token ids for the trigger scan. */
  candidates: z
    .array(z.object({ tensor: z.string().max(1000), row: z.number().int().nonnegative(), relChange: figure }))
    .max(1000)
    .optional(),
  /** Set when the fine-tune is a PEFT adapter: its fit to this base and its footprint (core/adapters). */
  adapter: AdapterRecordSchema.optional(),
});

export type Lineage = z.infer<typeof LineageSchema>;
export type LineageVerdict = z.infer<typeof LineageVerdictSchema>;
