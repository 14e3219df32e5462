import { z } from 'zod';

/** The Report's `provenance`: what the model card claims and how complete it is. */
export const DatasetFieldSchema = z.enum([
  'source',
  'collection',
  'preprocessing',
  'freezeDate',
  'pii',
  'bias',
  'intendedUse',
]);

export const DatasetCardSummarySchema = z.object({
  file: z.string().max(4096),
  kind: z.enum(['dataset-card', 'datasheet']),
  present: z.array(DatasetFieldSchema),
  missing: z.array(DatasetFieldSchema),
  /** How many `[More Information Needed]` were left in. */
  leftovers: z.number().int().nonnegative(),
});

export const ProvenanceDatasetSchema = z.object({
  id: z.string().max(1000),
  revision: z.string().max(200).optional(),
  sha256: z.string().max(200).optional(),
  url: z.string().max(2000).optional(),
  card: DatasetCardSummarySchema.optional(),
});

const sideBySide = z.object({
  field: z.string().max(100),
  model: z.unknown(),
  base: z.unknown(),
});

export const ProvenanceSchema = z.object({
  status: z.enum(['pass', 'review', 'fail']),
  card: z.string().max(4096).optional(),
  /** The direct parent(s) named in `base_model`; a list for merges. */
  baseModels: z.array(z.string().max(1000)).max(100),
  fromScratch: z.boolean(),
  relation: z.string().max(100).optional(),
  license: z
    .object({ id: z.string().max(200), name: z.string().max(500).optional(), link: z.string().max(2000).optional() })
    .optional(),
  datasets: z.array(ProvenanceDatasetSchema).max(1000),
  /** Dataset cards given with the model that no declared dataset matched. */
  otherCards: z.array(DatasetCardSummarySchema).max(1000).optional(),
  model: z
    .object({
      task: z.string().max(200).optional(),
      modelType: z.string().max(200).optional(),
      architecture: z.string().max(200).optional(),
    })
    .optional(),
  /** The claim checked against the base model's own files, when given. */
  base: z
    .object({
      config: z.enum(['match', 'mismatch', 'unavailable']),
      tokenizer: z.enum(['match', 'mismatch', 'unavailable']),
      mismatches: z.array(sideBySide).max(100),
      tokenizerSha256: z.object({ model: z.string().optional(), base: z.string().optional() }).optional(),
    })
    .optional(),
  /** AIBOM-style completeness, 0–100, with the profile it reaches (basic ≥40, standard ≥70, advanced ≥85). */
  completeness: z.object({
    score: z.number().min(0).max(100),
    profile: z.enum(['incomplete', 'basic', 'standard', 'advanced']),
    missing: z.array(z.string().max(200)).max(200),
  }),
});

export type Provenance = z.infer<typeof ProvenanceSchema>;
export type ProvenanceDataset = z.infer<typeof ProvenanceDatasetSchema>;
export type DatasetField = z.infer<typeof DatasetFieldSchema>;
export type DatasetCardSummary = z.infer<typeof DatasetCardSummarySchema>;
