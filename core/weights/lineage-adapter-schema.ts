import { z } from 'zod';

/** The Report's `lineage.adapter`: a PEFT adapter compared with the base it names (core/adapters), instead of a full model. */

const name = z.string().max(1000);

export const AdapterTargetSchema = z.object({
  /** The base tensor the update applies to. */
  name,
  rank: z.number().int().positive(),
  scale: z.number(),
  /** ‖scale·B·A‖_F / ‖W‖_F; null for a zero base tensor. */
  relativeUpdate: z.number().nullable(),
});

export const AdapterRecordSchema = z.object({
  peftType: z.string().max(100),
  /** The base the adapter names (`base_model_name_or_path`). */
  declaredBase: z.string().max(1000).optional(),
  rank: z.number().int().positive().optional(),
  alpha: z.number().optional(),
  rslora: z.boolean(),
  /** True only when every target and replacement exists in the base with a matching shape. */
  fits: z.boolean(),
  targets: z.array(AdapterTargetSchema).max(100_000),
  /** Layers (module paths without their last segment) holding targets. */
  layers: z.array(name).max(100_000),
  /** Base tensors the adapter replaces whole (modules_to_save, saved biases). */
  replaced: z.array(name).max(100_000),
  /** What does not fit the base: names it lacks, shapes that differ. */
  misfits: z.array(z.object({ name, reason: z.string().max(2000) })).max(100_000),
  /** Why the adapter could not be read as a plain LoRA (peft type, DoRA, unknown tensors or options). */
  unsupported: z.array(z.string().max(2000)).max(10_000),
  /** Why the tokenizer files the adapter folder ships are not the base's (core/adapters/adapter-tokenizer.ts). */
  tokenizerDiffers: z.string().max(2000).optional(),
  /** LoRA tensors peft would ignore on load (untargeted modules, a missing half). */
  ignored: z.array(z.object({ name, reason: z.string().max(2000) })).max(100_000),
});

export type AdapterRecord = z.infer<typeof AdapterRecordSchema>;
