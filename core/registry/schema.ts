import { z } from 'zod';
import { ReportSchema } from '../report/schema.ts';

/**
 * One model saved to this browser's registry, as stored in IndexedDB and in export files.
 * Every record is parsed with this schema when read: IndexedDB and imported files are outside input.
 */
export const REGISTRY_ENTRY_VERSION = 1;
export const REGISTRY_EXPORT_FORMAT = 'modelgate.registry';
export const REGISTRY_EXPORT_VERSION = 1;

const sha256Hex = z.string().regex(/^[0-9a-f]{64}$/, 'expected 64 lowercase hex characters');

export const RegistryFileSchema = z.object({
  path: z.string().min(1).max(4096),
  size: z.number().int().nonnegative(),
  /** Absent when the file could not be read at save time. */
  sha256: sha256Hex.optional(),
});

const ItemOutcomeSchema = z.object({
  id: z.string().max(200),
  top1: z.number().int().nonnegative(),
  distribution: z.array(z.number().finite()).max(10_000),
  margin: z.number().finite().optional(),
});

/** `ModelRun` of core/probe/types.ts, validated. */
export const ModelRunSchema = z.object({
  provider: z.enum(['webgpu', 'wasm', 'cpu']),
  batchSize: z.number().int().positive(),
  outcomes: z.array(ItemOutcomeSchema).max(100_000),
  itemsPerSecond: z.number().nonnegative(),
});

/** The per-item answers of one run on a probe set: the reference later versions are compared with. */
export const BehaviorBaselineSchema = z.object({
  probeset: z.object({
    probeset: z.string().max(200),
    version: z.string().max(100).optional(),
    source: z.string().max(1000).optional(),
    license: z.string().max(200).optional(),
  }),
  kind: z.enum(['classifier', 'causal-lm']),
  labels: z.array(z.string().max(200)).max(10_000),
  /** Ids, categories and (classifier) expected labels of the probe items, in the run's order. */
  items: z
    .array(
      z.object({ id: z.string().max(200), category: z.string().max(200), expected: z.string().max(200).optional() }),
    )
    .max(100_000),
  run: ModelRunSchema,
});

export const RegistryEntrySchema = z.object({
  schemaVersion: z.literal(REGISTRY_ENTRY_VERSION),
  id: z.string().min(1).max(200),
  name: z.string().min(1).max(1000),
  version: z.string().min(1).max(200),
  savedAt: z.iso.datetime(),
  rootDigest: sha256Hex.optional(),
  files: z.array(RegistryFileSchema).max(100_000),
  report: ReportSchema,
  /** The signed `/r#…` link of the report, when it could be signed. */
  signedLink: z.string().max(1_000_000).optional(),
  behaviorBaseline: BehaviorBaselineSchema.optional(),
});

export const RegistryExportSchema = z.object({
  format: z.literal(REGISTRY_EXPORT_FORMAT),
  version: z.literal(REGISTRY_EXPORT_VERSION),
  exportedAt: z.iso.datetime().optional(),
  entries: z.array(RegistryEntrySchema),
});

export type RegistryEntry = z.infer<typeof RegistryEntrySchema>;
export type RegistryFile = z.infer<typeof RegistryFileSchema>;
export type BehaviorBaseline = z.infer<typeof BehaviorBaselineSchema>;
export type RegistryExport = z.infer<typeof RegistryExportSchema>;
